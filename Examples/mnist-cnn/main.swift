// The Keras MNIST convnet, layer for layer: three 3×3 convolutions with max
// pooling, then a 64-unit dense layer and a softmax over the ten digits. Adam
// keeps a moving average of the weights (Keras' use_ema), which is what is evaluated.
import ArgumentParser
import ExampleSupport

@main
struct MNISTCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-cnn", abstract: "Train the Keras tutorial CNN on MNIST.")

    @OptionGroup var options: ExampleOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    @Option(name: .customLong("ema"),
            help: "Momentum of the optimizer's moving average of the weights (Keras' use_ema); 0 turns it off.")
    var emaMomentum: Float = 0.99

    mutating func run() throws {
        Random.seed(options.seed)
        let model = Sequential(name: "mnist_cnn") {
            Input(shape: [28, 28, 1])
            Conv2D(32, kernelSize: 3, activation: .relu)
            MaxPooling2D(2)
            Conv2D(64, kernelSize: 3, activation: .relu)
            MaxPooling2D(2)
            Conv2D(64, kernelSize: 3, activation: .relu)
            Flatten()
            Dense(64, activation: .relu)
            Dense(10, activation: .softmax)
        }
        let optimizer = Adam()
        optimizer.useEMA = emaMomentum > 0
        optimizer.emaMomentum = emaMomentum
        try model.compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        try ImageClassificationRun(example: "mnist-cnn", dataSet: MNIST.dataSet, options: options,
                                   defaultEpochs: 5, defaultBatchSize: 64).run(model, trainLimit: trainLimit)
    }
}
