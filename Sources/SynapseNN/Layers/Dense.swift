/// A fully connected layer: `y = activation(x · kernel + bias)`.
///
/// The initializer takes Keras' argument names and defaults: `.linear`
/// activation, a bias, a `.glorotUniform()` kernel and `.zeros` bias, and no
/// regularizers.
///
/// - Shapes: input `[batch, ..., in]`, output `[batch, ..., units]`; `in` is
///   learned from the first input.
/// - Weights: `kernel` `[in, units]` (Keras layout; PyTorch's `Linear.weight` is
///   its transpose, `[units, in]`), `bias` `[units]`.
///
/// ```swift
/// let layer = Dense(64, activation: .relu)
/// let y = layer(Tensor.randomNormal([32, 784]))   // [32, 64]
/// ```
public final class Dense: Layer {
    /// Output features per sample.
    public let units: Int
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial kernel.
    public let kernelInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// Penalty on the kernel added to the training loss, if any.
    public let kernelRegularizer: (any Regularizer)?
    /// Penalty on the bias added to the training loss, if any.
    public let biasRegularizer: (any Regularizer)?

    /// `[in, units]`; set by ``build(inputShape:)``.
    public private(set) var kernel: Parameter!
    /// `[units]`, or `nil` without bias.
    public private(set) var bias: Parameter?

    /// A fully connected layer.
    ///
    /// - Parameters:
    ///   - units: output features per sample (the output's last dimension).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - kernelInitializer: draws the initial `[in, units]` kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial `[units]` bias (default zeros).
    ///   - kernelRegularizer: penalty on the kernel added to the training loss (default `nil`, none).
    ///   - biasRegularizer: penalty on the bias added to the training loss (default `nil`, none).
    ///   - name: the layer's name (default: unique within its model).
    public init(_ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
                name: String? = nil) {
        require(units > 0, "Dense: units must be positive, got \(units)")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    public override func build(inputShape: [Int]) {
        guard let inputSize = inputShape.last, inputSize > 0 else {
            fatalError("Dense: needs inputs with a known last dimension, got per-sample shape \(Shape.describe(inputShape))")
        }
        kernel = Parameter(kernelInitializer([inputSize, units]), name: "kernel", regularizer: kernelRegularizer)
        if useBias {
            bias = Parameter(biasInitializer([units]), name: "bias", regularizer: biasRegularizer)
        }
    }

    public override var ownParameters: [Parameter] { [kernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.shape.last == kernel.shape[0],
                "\(name): expected inputs with last dimension \(kernel.shape[0]), got shape \(Shape.describe(input.shape))")
        let output = bias.map { input.matmul(kernel.value, bias: $0.value) } ?? input.matmul(kernel.value)
        return activation(PerSampleGradientTape.record(self, input: input, output: output))
    }
}
