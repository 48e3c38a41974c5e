import Foundation
import Testing
@testable import Synapse

/// End to end on real data: a small convolutional network learns MNIST digits.
///
/// Suites share the process-wide generator, so everything random here is seeded
/// explicitly (initializers, the loader's shuffle) and the run repeats exactly.
@Suite("CNN training on MNIST")
struct CNNTrainingTests {
    /// Conv2D(8, 3×3, ReLU) → MaxPooling2D(2) → Conv2D(16, 3×3, ReLU) → MaxPooling2D(2)
    /// → Flatten → Dense(10, softmax): 5,258 parameters. Two convolutions, so the
    /// gradient also travels through pooling into a convolution's input.
    static func model() -> Sequential {
        Sequential(name: "small_cnn") {
            Input(shape: [28, 28, 1])
            Conv2D(8, kernelSize: 3, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))
            MaxPooling2D(2)
            Conv2D(16, kernelSize: 3, activation: .relu, kernelInitializer: .glorotUniform(seed: 2))
            MaxPooling2D(2)
            Flatten()
            Dense(10, activation: .softmax, kernelInitializer: .glorotUniform(seed: 3))
        }
    }

    /// The fraction of `images` whose most probable class is the label.
    static func accuracy(of model: Model, images: Tensor, labels: Tensor) -> Double {
        let predicted = model.predict(images, batchSize: 250).argmax(alongAxis: -1).intScalars
        let truth = labels.intScalars
        return Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// 2 epochs over the first 2,000 training images (250 Adam steps of 16, learning
    /// rate 0.003) reach 0.89–0.92 on the first 1,000 test images over six
    /// initializer seeds, and PyTorch 0.90–0.94 with the same network, data and
    /// optimizer; an untrained or broken model sits near chance (0.1). The
    /// threshold 0.88 leaves room for the seed, not for a bug.
    @Test("a two-convolution CNN learns MNIST: ≥ 0.88 test accuracy after 2 epochs on 2,000 images")
    func learnsMNIST() throws {
        let train = try MNIST.load(split: .train, limit: 2_000)
        let test = try MNIST.load(split: .test, limit: 1_000)
        let model = Self.model()
        try model.compile(optimizer: Adam(learningRate: 0.003), loss: "sparse_categorical_crossentropy",
                          metrics: ["accuracy"])
        #expect(model.parameterCount == (3 * 3 * 1 * 8 + 8) + (3 * 3 * 8 * 16 + 16) + (5 * 5 * 16 * 10 + 10))

        let before = Self.accuracy(of: model, images: test.images, labels: test.labels)
        #expect(before < 0.3, "untrained accuracy \(before) should be near chance")

        let clock = ContinuousClock()
        let start = clock.now
        let loader = DataLoader(TensorDataset(x: train.images, y: train.labels), batchSize: 16, shuffle: true, seed: 7)
        let history = model.fit(loader, epochs: 2, verbose: 0)
        let elapsed = clock.now - start

        let losses = try #require(history.values["loss"])
        #expect(losses.count == 2)
        #expect(losses.last! < losses.first!, "training loss falls: \(losses)")
        #expect(losses.first! < 2.0, "the first epoch already learns (chance is ln 10 ≈ 2.3): \(losses)")

        let after = Self.accuracy(of: model, images: test.images, labels: test.labels)
        let evaluated = model.evaluate(x: test.images, y: test.labels, batchSize: 250)
        #expect(after >= 0.88, "test accuracy \(after) after 2 epochs")
        #expect(Swift.abs(Double(evaluated["accuracy"] ?? -1) - after) < 1e-6, "evaluate's accuracy agrees with predict")
        print("CNN on 2,000 MNIST images: test accuracy \(after) (untrained \(before)), losses \(losses), fit \(elapsed)")
    }
}
