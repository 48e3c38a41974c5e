// A small convnet with batch normalization and dropout on Fashion-MNIST.
import ArgumentParser
import ExampleSupport

@main
struct FashionCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion-cnn", abstract: "Train a small CNN with BatchNormalization and Dropout on Fashion-MNIST.")

    @OptionGroup var options: ExampleOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    mutating func run() throws {
        Random.seed(options.seed)
        let model = Sequential(name: "fashion_cnn") {
            Input(shape: [28, 28, 1])
            Conv2D(32, kernelSize: 3, padding: .same, useBias: false)
            BatchNormalization()
            Activation(.relu)
            MaxPooling2D(2)
            Conv2D(64, kernelSize: 3, padding: .same, useBias: false)
            BatchNormalization()
            Activation(.relu)
            MaxPooling2D(2)
            Flatten()
            Dropout(0.3)
            Dense(128, activation: .relu)
            Dropout(0.3)
            Dense(10, activation: .softmax)
        }
        try model.compile(optimizer: Adam(), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        try ImageClassificationRun(example: "fashion-cnn", dataSet: FashionMNIST.dataSet, options: options,
                                   defaultEpochs: 5, defaultBatchSize: 64).run(model, trainLimit: trainLimit)
    }
}
