// The Keras MNIST convnet, layer for layer: three 3×3 convolutions with max
// pooling, then a 64-unit dense layer and a softmax over the ten digits. Adam
// keeps a moving average of the weights (Keras' use_ema), which is what is evaluated.
//
// With a --dp-* flag it trains with differential privacy (DP-SGD) instead, and the
// network is the one private training favours (Papernot et al. 2021, "Tempered
// sigmoid activations for deep learning with differential privacy"): two strided
// convolutions with tanh, 26,010 parameters, SGD with momentum — fewer weights take
// less noise, and tanh's bounded outputs keep gradients from being clipped away.
import ArgumentParser
import ExampleSupport

@main
struct MNISTCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-cnn", abstract: "Train the Keras tutorial CNN on MNIST, or a private CNN with --dp-epsilon.")

    @OptionGroup var options: ExampleOptions
    @OptionGroup var privacy: PrivacyOptions

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    @Option(name: .customLong("ema"),
            help: "Momentum of the optimizer's moving average of the weights (Keras' use_ema); 0 turns it off.")
    var emaMomentum: Float = 0.99

    @Option(name: .customLong("learning-rate"), help: "SGD's learning rate for private training.")
    var privateLearningRate: Float = 0.1

    mutating func run() throws {
        Random.seed(options.seed)
        if let settings = try privacy.settings() {
            let model = Self.privateModel()
            try model.compile(optimizer: SGD(learningRate: privateLearningRate, momentum: 0.9),
                              loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
            try ImageClassificationRun(example: "mnist-cnn", dataSet: MNIST.dataSet, options: options,
                                       defaultEpochs: 10, defaultBatchSize: 256)
                .run(model, trainLimit: trainLimit, privacy: settings)
            return
        }
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

    /// Papernot et al.'s MNIST network: conv 16 8×8 stride 2 → max-pool 2×2 stride 1
    /// → conv 32 4×4 stride 2 → max-pool 2×2 stride 1 → dense 32 → dense 10, tanh.
    static func privateModel() -> Sequential {
        Sequential(name: "mnist_cnn_private") {
            Input(shape: [28, 28, 1])
            Conv2D(16, kernelSize: 8, strides: 2, padding: .same, activation: .tanh)
            MaxPooling2D(2, strides: 1)
            Conv2D(32, kernelSize: 4, strides: 2, activation: .tanh)
            MaxPooling2D(2, strides: 1)
            Flatten()
            Dense(32, activation: .tanh)
            Dense(10, activation: .softmax)
        }
    }
}
