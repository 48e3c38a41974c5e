// A small residual network on Fashion-MNIST, built with the functional API.
//
// Network (pre-activation ResNet, He et al. 2016, "Identity Mappings in Deep
// Residual Networks"), for a base width w (default 32):
//
//     Conv 3×3, w                                         28×28
//     stage 1: blocks of width w,  the first stride 2     14×14
//     stage 2: blocks of width 2w, the first stride 2      7×7
//     stage 3: blocks of width 4w, the first stride 2      4×4
//     BN → ReLU → global average pooling → Dense(10) (logits)
//
// Only the stem works at full resolution: on two CPU cores a stage of 3×3
// convolutions at 28×28 costs several times the whole network above, and the
// run must fit in 15 minutes.
//
// A block is BN → ReLU → Conv 3×3 → BN → ReLU → Conv 3×3, added to a shortcut:
// the input itself, or a 1×1 convolution of the activated input where the block
// changes width or resolution. Convolutions have no bias (a BatchNormalization
// follows each) and He-uniform initial weights.
//
// Recipe: 8 epochs of batch 128; SGD with Nesterov momentum 0.9 and L2 weight
// decay 5e-4 on every weight, the learning rate rising linearly from 0.01 to 0.1 over the
// first epoch then falling to 0 along a cosine; cross-entropy with label
// smoothing 0.1; each training image flipped left-right with probability ½ and
// shifted by up to 2 pixels each way (zero fill).
//
// resnet_pytorch.py beside this file trains the same network with the same
// recipe in PyTorch, for comparison.
import ArgumentParser
import ExampleSupport

@main
struct ResNetExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resnet",
        abstract: "Train a small pre-activation ResNet on Fashion-MNIST with light augmentation and a cosine learning-rate schedule.")

    @OptionGroup var options: ExampleOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    @Option(help: "Filters of the first stage; the second and third have twice and four times as many.")
    var width = 32

    @Option(name: .customLong("blocks-per-stage"), help: "Residual blocks in each of the three stages.")
    var blocksPerStage = 1

    @Option(name: .customLong("learning-rate"), help: "Peak learning rate, reached at the end of the first epoch.")
    var learningRate: Float = 0.1

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay added to every gradient.")
    var weightDecay: Float = 5e-4

    @Option(name: .customLong("label-smoothing"), help: "Share of each target spread over all classes.")
    var labelSmoothing: Float = 0.1

    @Flag(name: .customLong("no-augmentation"), help: "Train on the images as they are (no flips or shifts).")
    var noAugmentation = false

    func validate() throws {
        guard width > 0, blocksPerStage > 0 else { throw ValidationError("--width and --blocks-per-stage must be positive") }
        guard learningRate > 0, weightDecay >= 0, (0...1).contains(labelSmoothing) else {
            throw ValidationError("--learning-rate must be positive, --weight-decay non-negative, --label-smoothing in [0, 1]")
        }
    }

    mutating func run() throws {
        Random.seed(options.seed)
        let model = residualNetwork(width: width, blocksPerStage: blocksPerStage)
        let run = ImageClassificationRun(example: "resnet", dataSet: FashionMNIST.dataSet, options: options,
                                         defaultEpochs: 8, defaultBatchSize: 128)
        let augmentation: [any ImageAugmentation] = noAugmentation ? []
            : [RandomFlip(mode: .horizontal), RandomTranslation(maxHeightShift: 2, maxWidthShift: 2)]
        let (epochs, peak, decay, smoothing) = (run.epochs, learningRate, weightDecay, labelSmoothing)
        print("resnet: width \(width)/\(2 * width)/\(4 * width), \(blocksPerStage) block(s) per stage; "
              + "SGD Nesterov, peak learning rate \(peak), weight decay \(decay), label smoothing \(smoothing); "
              + (noAugmentation ? "no augmentation" : "random left-right flips and shifts of up to 2 pixels"))
        try run.run(model, trainLimit: trainLimit, augmentation: augmentation) { stepsPerEpoch in
            // One epoch of linear warm-up from a tenth of the peak, then a cosine decay to 0.
            let warmupSteps = min(stepsPerEpoch, max(epochs * stepsPerEpoch - 1, 0))
            let schedule = CosineDecay(initialLearningRate: peak / 10, decaySteps: max(epochs * stepsPerEpoch - warmupSteps, 1),
                                       warmupTarget: peak, warmupSteps: warmupSteps)
            try model.compile(optimizer: SGD(learningRate: schedule, momentum: 0.9, nesterov: true, weightDecay: decay),
                              loss: SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: smoothing),
                              metrics: ["accuracy"])
        }
    }
}

/// The pre-activation ResNet of the header: a 3×3 stem, three stages of
/// `blocksPerStage` blocks at widths `width`, `2 · width`, `4 · width`, each
/// starting at stride 2 (28×28 → 14×14 → 7×7 → 4×4), then BN → ReLU → global
/// average pooling → 10 logits.
func residualNetwork(width: Int, blocksPerStage: Int) -> Model {
    let inputs = Input(shape: [28, 28, 1])
    var x = Conv2D(width, kernelSize: 3, padding: .same, useBias: false, kernelInitializer: .heUniform())(inputs)
    for multiplier in [1, 2, 4] {
        for block in 0..<blocksPerStage {
            x = preActivationBlock(x, filters: width * multiplier, stride: block == 0 ? 2 : 1)
        }
    }
    x = Activation(.relu)(BatchNormalization()(x))
    let logits = Dense(10, kernelInitializer: .glorotUniform())(GlobalAveragePooling2D()(x))
    return Model(inputs: inputs, outputs: logits, name: "resnet")
}

/// BN → ReLU → Conv 3×3 (stride `stride`) → BN → ReLU → Conv 3×3, plus the
/// shortcut: `input` itself when the shape stays, else a 1×1 convolution (stride
/// `stride`) of the activated input.
func preActivationBlock(_ input: SymbolicTensor, filters: Int, stride: Int) -> SymbolicTensor {
    let activated = Activation(.relu)(BatchNormalization()(input))
    let shortcut = stride == 1 && input.shape.last == filters ? input
        : Conv2D(filters, kernelSize: 1, strides: stride, useBias: false, kernelInitializer: .heUniform())(activated)
    var x = Conv2D(filters, kernelSize: 3, strides: stride, padding: .same, useBias: false,
                   kernelInitializer: .heUniform())(activated)
    x = Activation(.relu)(BatchNormalization()(x))
    x = Conv2D(filters, kernelSize: 3, padding: .same, useBias: false, kernelInitializer: .heUniform())(x)
    return Add()([x, shortcut])
}
