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
// changes width or resolution. The network is built by `ResidualNetwork`
// (Examples/Support/ResidualNetwork.swift).
//
// Recipe: 10 epochs of batch 128; SGD with Nesterov momentum 0.9 and L2 weight
// decay 5e-4 on every weight, the learning rate rising linearly from 0.01 to 0.1 over the
// first epoch then falling to 0 along a cosine; cross-entropy with label
// smoothing 0.1; each training image flipped left-right with probability ½ and
// shifted by up to 1 pixel each way (zero fill).
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

    @Option(name: .customLong("max-shift"), help: "Largest random shift of a training image, in pixels each way (0: flips only).")
    var maxShift = 1

    @Flag(name: .customLong("no-augmentation"), help: "Train on the images as they are (no flips or shifts).")
    var noAugmentation = false

    func validate() throws {
        guard maxShift >= 0 else { throw ValidationError("--max-shift must not be negative") }
        guard width > 0, blocksPerStage > 0 else { throw ValidationError("--width and --blocks-per-stage must be positive") }
        guard learningRate > 0, weightDecay >= 0, (0...1).contains(labelSmoothing) else {
            throw ValidationError("--learning-rate must be positive, --weight-decay non-negative, --label-smoothing in [0, 1]")
        }
    }

    mutating func run() throws {
        Random.seed(options.seed)
        let model = ResidualNetwork(width: width, blocksPerStage: blocksPerStage).model()
        let run = ImageClassificationRun(example: "resnet", dataSet: FashionMNIST.dataSet, options: options,
                                         defaultEpochs: 10, defaultBatchSize: 128)
        let augmentation: [any ImageAugmentation] = noAugmentation ? []
            : [RandomFlip(mode: .horizontal)] + (maxShift > 0 ? [RandomTranslation(maxHeightShift: maxShift, maxWidthShift: maxShift)] : [])
        let (epochs, peak, decay, smoothing) = (run.epochs, learningRate, weightDecay, labelSmoothing)
        print("resnet: width \(width)/\(2 * width)/\(4 * width), \(blocksPerStage) block(s) per stage; "
              + "SGD Nesterov, peak learning rate \(peak), weight decay \(decay), label smoothing \(smoothing); "
              + (noAugmentation ? "no augmentation" : "random left-right flips and shifts of up to \(maxShift) pixel(s)"))
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
