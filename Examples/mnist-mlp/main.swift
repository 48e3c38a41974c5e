// A multilayer perceptron on MNIST: 784-512-256-10 with ReLU, Adam 1e-3, batch 128.
import ArgumentParser
import ExampleSupport

@main
struct MNISTMLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-mlp", abstract: "Train a 784-512-256-10 MLP on MNIST.")

    @OptionGroup var options: ExampleOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    mutating func run() throws {
        Random.seed(options.seed)
        let model = Sequential(name: "mnist_mlp") {
            Input(shape: [784])
            Dense(512, activation: .relu)
            Dense(256, activation: .relu)
            Dense(10, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: 1e-3), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        try ImageClassificationRun(example: "mnist-mlp", dataSet: MNIST.dataSet, options: options,
                                   defaultEpochs: 5, defaultBatchSize: 128).run(model, flatten: true, trainLimit: trainLimit)
    }
}
