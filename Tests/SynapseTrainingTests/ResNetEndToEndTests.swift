import ExampleSupport
import Foundation
import Testing

/// End to end on real data: the `resnet` example's network (``ResidualNetwork``, from
/// the examples' support target) and optimizer recipe learn Fashion-MNIST from a small subset.
///
/// Suites share the process-wide generator, so every initializer and the loader's
/// shuffle are seeded explicitly and the run repeats exactly. These short runs train
/// on the images as they are (no augmentation).
@Suite("ResNet on Fashion-MNIST")
struct ResNetEndToEndTests {
    /// 3 epochs over the first 3,000 training images in batches of 32 (282 steps:
    /// enough for BatchNormalization's moving statistics, momentum 0.99, to
    /// settle), with the example's optimizer: SGD, Nesterov momentum 0.9, weight
    /// decay 5e-4, one epoch of warm-up to 0.1 then a cosine decay, label smoothing
    /// 0.1. A broken gradient through the shortcuts, the strided convolutions or
    /// the normalisation leaves the accuracy far below the threshold; an untrained
    /// network sits near chance (0.1).
    @Test("the resnet example's network learns Fashion-MNIST: ≥ 0.75 test accuracy after 3 epochs on 3,000 images")
    func learnsFashionMNIST() throws {
        let train = try FashionMNIST.load(split: .train, limit: 3_000)
        let test = try FashionMNIST.load(split: .test, limit: 1_000)
        let model = ResidualNetwork(width: 32).model(seed: 11)
        let (epochs, batchSize) = (3, 32)
        let stepsPerEpoch = (train.images.shape[0] + batchSize - 1) / batchSize
        let schedule = CosineDecay(initialLearningRate: 0.01, decaySteps: (epochs - 1) * stepsPerEpoch,
                                   warmupTarget: 0.1, warmupSteps: stepsPerEpoch)
        try model.compile(optimizer: SGD(learningRate: schedule, momentum: 0.9, nesterov: true, weightDecay: 5e-4),
                          loss: SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1),
                          metrics: ["accuracy"])

        let loader = DataLoader(TensorDataset(x: train.images, y: train.labels), batchSize: batchSize,
                                shuffle: true, seed: 5)
        let clock = ContinuousClock()
        let start = clock.now
        let history = model.fit(loader, epochs: epochs, verbose: 0)
        let elapsed = clock.now - start

        let losses = try #require(history.values["loss"])
        #expect(losses.count == epochs && losses.last! < losses.first!, "training loss falls: \(losses)")
        let evaluated = model.evaluate(x: test.images, y: test.labels, batchSize: 250)
        let accuracy = try #require(evaluated["accuracy"])
        #expect(accuracy >= 0.75, "test accuracy \(accuracy) after \(epochs) epochs")
        print("resnet on 3,000 Fashion-MNIST images: test accuracy \(accuracy), losses \(losses), fit \(elapsed)")
    }
}
