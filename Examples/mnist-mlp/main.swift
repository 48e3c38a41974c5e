// A multilayer perceptron on MNIST: 784-512-256-10 with ReLU, Adam 1e-3, batch 128;
// pixels are standardised, the cross-entropy smooths labels by 0.1, and the evaluated
// weights are the optimizer's moving average (Keras' use_ema). Each is a flag.
import ArgumentParser
import ExampleSupport

@main
struct MNISTMLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-mlp", abstract: "Train a 784-512-256-10 MLP on MNIST.")

    @OptionGroup var options: ExampleOptions
    @OptionGroup var privacy: PrivacyOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    @Option(name: .customLong("ema"),
            help: "Momentum of the optimizer's moving average of the weights (Keras' use_ema); 0 turns it off.")
    var emaMomentum: Float = 0.98

    @Option(name: .customLong("label-smoothing"), help: "Label smoothing of the cross-entropy, in [0, 1].")
    var labelSmoothing: Float = 0.1

    @Flag(inversion: .prefixedNo, help: "Standardise pixels with the training set's mean and standard deviation.")
    var standardize = true

    mutating func run() throws {
        Random.seed(options.seed)
        let model = Sequential(name: "mnist_mlp") {
            Input(shape: [784])
            Dense(512, activation: .relu)
            Dense(256, activation: .relu)
            Dense(10, activation: .softmax)
        }
        let optimizer = Adam(learningRate: 1e-3)
        optimizer.useEMA = emaMomentum > 0
        optimizer.emaMomentum = emaMomentum
        try model.compile(optimizer: optimizer, loss: SparseCategoricalCrossentropy(labelSmoothing: labelSmoothing), metrics: ["accuracy"])
        try ImageClassificationRun(example: "mnist-mlp", dataSet: MNIST.dataSet, options: options,
                                   defaultEpochs: 5, defaultBatchSize: 128).run(model, flatten: true, trainLimit: trainLimit,
                                                                                  standardize: standardize,
                                                                                  privacy: try privacy.settings())
    }
}
