/// The `resnet` example's network, built with the functional API: a small
/// pre-activation residual network (He et al. 2016, "Identity Mappings in Deep
/// Residual Networks") for 28×28 single-channel images.
///
/// ```text
/// Conv 3×3, w                                          28×28
/// stage 1: blocks of width w,  the first at stride 2   14×14
/// stage 2: blocks of width 2w, the first at stride 2    7×7
/// stage 3: blocks of width 4w, the first at stride 2    4×4
/// BN → ReLU → GlobalAveragePooling2D → Dense(classes)  (logits)
/// ```
///
/// A block is BN → ReLU → Conv 3×3 → BN → ReLU → Conv 3×3, added to a shortcut: the
/// block's input itself, or a 1×1 convolution of the activated input where the block
/// changes width or resolution. Convolutions have no bias (a BatchNormalization
/// follows each) and He-uniform initial weights. Only the stem works at full
/// resolution: on a two-core CPU a stage of 3×3 convolutions at 28×28 costs several
/// times the whole network above it.
public struct ResidualNetwork {
    /// Filters of the stem and the first stage; the second and third stages have twice and four times as many.
    public var width: Int
    /// Residual blocks in each of the three stages.
    public var blocksPerStage: Int
    /// The input image's shape, `[height, width, channels]`.
    public var inputShape: [Int]
    /// The number of logits of the output.
    public var classes: Int

    /// A network's sizes; the defaults are the `resnet` example's.
    ///
    /// - Parameters:
    ///   - width: filters of the stem and the first stage (default 32).
    ///   - blocksPerStage: residual blocks per stage (default 1).
    ///   - inputShape: `[height, width, channels]` of an image (default `[28, 28, 1]`).
    ///   - classes: output logits (default 10).
    public init(width: Int = 32, blocksPerStage: Int = 1, inputShape: [Int] = [28, 28, 1], classes: Int = 10) {
        (self.width, self.blocksPerStage, self.inputShape, self.classes) = (width, blocksPerStage, inputShape, classes)
    }

    /// Builds an untrained model taking images `[batch] + inputShape` to logits `[batch, classes]`.
    ///
    /// - Parameters:
    ///   - seed: seeds every initializer (each its own derived seed), so the model
    ///     repeats whatever else draws random numbers; by default they draw from the
    ///     process-wide generator (see `Random.seed`).
    ///   - name: the model's name.
    public func model(seed: UInt64? = nil, name: String = "resnet") -> Model {
        var nextSeed = seed
        /// He-uniform with a fresh seed per layer, or the process-wide generator.
        func heUniform() -> VarianceScaling {
            defer { nextSeed = nextSeed.map { $0 &+ 1 } }
            return .heUniform(seed: nextSeed)
        }
        /// BN → ReLU → Conv 3×3 (stride `stride`) → BN → ReLU → Conv 3×3, plus the shortcut.
        func preActivationBlock(_ input: SymbolicTensor, filters: Int, stride: Int) -> SymbolicTensor {
            let activated = Activation(.relu)(BatchNormalization()(input))
            let shortcut = stride == 1 && input.shape.last == filters ? input
                : Conv2D(filters, kernelSize: 1, strides: stride, useBias: false, kernelInitializer: heUniform())(activated)
            var x = Conv2D(filters, kernelSize: 3, strides: stride, padding: .same, useBias: false,
                           kernelInitializer: heUniform())(activated)
            x = Activation(.relu)(BatchNormalization()(x))
            x = Conv2D(filters, kernelSize: 3, padding: .same, useBias: false, kernelInitializer: heUniform())(x)
            return Add()([x, shortcut])
        }
        let inputs = Input(shape: inputShape)
        var x = Conv2D(width, kernelSize: 3, padding: .same, useBias: false, kernelInitializer: heUniform())(inputs)
        for multiplier in [1, 2, 4] {
            for block in 0..<blocksPerStage {
                x = preActivationBlock(x, filters: width * multiplier, stride: block == 0 ? 2 : 1)
            }
        }
        x = Activation(.relu)(BatchNormalization()(x))
        let logits = Dense(classes, kernelInitializer: .glorotUniform(seed: nextSeed))(GlobalAveragePooling2D()(x))
        return Model(inputs: inputs, outputs: logits, name: name)
    }
}
