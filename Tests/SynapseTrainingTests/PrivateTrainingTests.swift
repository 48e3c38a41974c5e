import Foundation
import Testing
@testable import Synapse

/// DP-SGD end to end: Poisson sampling, clipping, the noise, the accountant's ε in
/// the history and the model file, stopping at a target ε, and a short private run
/// on real MNIST digits that must still learn.
@Suite("Differentially private training")
struct PrivateTrainingTests {
    @Test("Poisson-sampled batches: sizes vary around the batch size, each sample drawn independently, repeatable")
    func poissonSampling() {
        let dataset = TensorDataset(x: Tensor.zeros([1_000, 1]), y: Tensor.zeros([1_000, 1]))
        let loader = DataLoader(dataset, batchSize: 50, seed: 3, poissonSampling: true)
        #expect(loader.batchCount == 20)
        #expect(loader.sampleRate == 1.0 / 20)
        var sizes: [Int] = []
        for epoch in 0..<20 {
            let batches = loader.batches(epoch: epoch)
            #expect(batches.batchCount == 20)
            sizes += (0..<20).map { batches[$0].x.shape[0] }
        }
        let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
        #expect(abs(mean - 50) < 1.5, "mean batch size \(mean)")     // 400 batches: standard error ≈ 0.35
        #expect(Set(sizes).count > 10, "batch sizes vary: \(Set(sizes).sorted())")
        // Binomial(1000, 0.05): variance 47.5.
        let variance = sizes.map { pow(Double($0) - mean, 2) }.reduce(0, +) / Double(sizes.count - 1)
        #expect(variance > 30 && variance < 70, "variance \(variance)")
        #expect(loader.batches(epoch: 4).order == DataLoader(dataset, batchSize: 50, seed: 3, poissonSampling: true).batches(epoch: 4).order)
        #expect(loader.batches(epoch: 4).order != loader.batches(epoch: 5).order)
        let empty = DataLoader(dataset, batchSize: 1, seed: 1, poissonSampling: true)   // q = 0.001
        #expect((0..<empty.batchCount).contains { empty.batches(epoch: 0)[$0].x.shape[0] == 0 })
    }

    /// Without noise, one private step with plain SGD moves the weights by exactly
    /// `−lr · Σᵢ clip(gᵢ) / (q·n)`, computed here from sample-by-sample gradients.
    @Test("one step without noise equals the clipped per-sample gradients' sum over the expected batch size")
    func clippedStep() throws {
        let x = PerSampleGradientTests.uniform([8, 5], seed: 21) * 3
        let y = Tensor(int32: [0, 1, 2, 0, 1, 2, 0, 1], shape: [8])
        let model = Sequential { Input(shape: [5]); Dense(4, activation: .tanh); Dense(3, activation: .softmax) }
        try model.compile(optimizer: SGD(learningRate: 0.5), loss: "sparse_categorical_crossentropy")
        let before = model.trainableParameters.map(\.value.scalars)
        let perSample = PerSampleGradientTests.reference(model, loss: SparseCategoricalCrossentropy(), x: x, y: y)
        let clip: Float = 0.3
        var expected = before
        for sample in perSample {
            let norm = sample.joined().reduce(0) { $0 + $1 * $1 }.squareRoot()
            let factor = min(1, clip / (norm + 1e-6))
            for (p, gradient) in sample.enumerated() {
                for k in gradient.indices { expected[p][k] -= 0.5 * factor * gradient[k] / 8 }
            }
        }
        #expect(perSample.contains { $0.joined().reduce(0) { $0 + $1 * $1 }.squareRoot() > clip }, "clipping is active")
        model.privacy = DifferentialPrivacy(clipNorm: Double(clip), noiseMultiplier: 0)
        // One batch holding every sample: the loader is a single full batch (q = 1).
        model.fit(DataLoader(TensorDataset(x: x, y: y), batchSize: 8), epochs: 1, verbose: 0)
        let after = model.trainableParameters.map(\.value.scalars)
        for (got, want) in zip(after, expected) { #expect(PerSampleGradientTests.close(got, want, tolerance: 1e-4)) }
        let guarantee = try #require(model.privacyGuarantee)
        #expect(guarantee.steps == 1 && guarantee.sampleRate == 1 && guarantee.epsilon.isInfinite)
    }

    @Test("the noise has standard deviation σ·C / (q·n) in every gradient element")
    func noiseScale() throws {
        // All-zero data and a linear model: every per-sample gradient is zero, so the
        // step is the noise alone.
        let model = Sequential { Input(shape: [4]); Dense(500, useBias: false, kernelInitializer: .zeros) }
        try model.compile(optimizer: SGD(learningRate: 1), loss: "mse")
        model.privacy = DifferentialPrivacy(clipNorm: 2, noiseMultiplier: 1.5)
        model.fit(DataLoader(TensorDataset(x: Tensor.zeros([10, 4]), y: Tensor.zeros([10, 500])), batchSize: 10), epochs: 1, verbose: 0)
        let moved = model.trainableParameters[0].value.scalars
        let mean = moved.reduce(0, +) / Float(moved.count)
        let deviation = (moved.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(moved.count - 1)).squareRoot()
        // σ·C / expected batch (1 · 10) = 0.3; 2,000 draws: relative standard error ≈ 1.6 %.
        #expect(abs(deviation - 0.3) < 0.3 * 0.06, "standard deviation \(deviation)")
        #expect(abs(mean) < 0.03)
    }

    /// 4,000 MNIST digits, 4 epochs of DP-SGD (σ = 1, C = 1, batches of 200 on
    /// average, SGD with momentum, ε ≈ 3.7) reach 0.82–0.83 test accuracy over four
    /// seeds; clipped without noise 0.86–0.87; an untrained model sits near 0.1.
    @Test("a private MLP learns MNIST (≥ 0.78) and reports ε after every epoch, as the accountant computes it")
    func learnsMNISTPrivately() throws {
        let train = try MNIST.load(split: .train, limit: 4_000)
        let test = try MNIST.load(split: .test, limit: 1_000)
        Random.seed(5)
        let model = Sequential {
            Input(shape: [28, 28, 1])
            Flatten()
            Dense(64, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))
            Dense(10, activation: .softmax, kernelInitializer: .glorotUniform(seed: 2))
        }
        try model.compile(optimizer: SGD(learningRate: 0.5, momentum: 0.9), loss: "sparse_categorical_crossentropy",
                          metrics: ["accuracy"])
        model.privacy = DifferentialPrivacy(clipNorm: 1, noiseMultiplier: 1, delta: 1e-5)
        let loader = DataLoader(TensorDataset(x: train.images, y: train.labels), batchSize: 200, seed: 9)
        let history = model.fit(loader, epochs: 4, verbose: 0)
        let accuracy = CNNTrainingTests.accuracy(of: model, images: test.images, labels: test.labels)
        #expect(accuracy >= 0.78, "private test accuracy \(accuracy)")
        print("private MNIST MLP: test accuracy \(accuracy), ε \(model.privacyGuarantee!)")

        let epsilons = try #require(history.values["epsilon"])
        #expect(epsilons.count == 4 && zip(epsilons, epsilons.dropFirst()).allSatisfy { $0 < $1 }, "ε grows: \(epsilons)")
        var accountant = PrivacyAccountant()
        accountant.step(noiseMultiplier: 1, sampleRate: 1.0 / 20, count: 80)
        let expected = accountant.epsilon(delta: 1e-5).epsilon
        #expect(abs(Double(epsilons.last!) - expected) < 1e-3 * expected, "ε \(epsilons.last!) vs \(expected)")
        let guarantee = try #require(model.privacyGuarantee)
        #expect(guarantee.steps == 80 && guarantee.noiseMultiplier == 1 && guarantee.sampleRate == 0.05)
    }

    @Test("a target ε alone chooses σ to end there; with σ too, training stops before passing it")
    func targetEpsilon() throws {
        let data = TrainingFixtures.indexedData(count: 64)
        func model() throws -> Sequential {
            let model = Sequential { Input(shape: [data.x.shape[1]]); Dense(1, kernelInitializer: .glorotUniform(seed: 3)) }
            try model.compile(optimizer: SGD(learningRate: 0.01), loss: "mse")
            return model
        }
        let chosen = try model()
        chosen.privacy = DifferentialPrivacy(targetEpsilon: 2, delta: 1e-3)
        chosen.fit(x: data.x, y: data.y, epochs: 5, batchSize: 16, verbose: 0)
        let reached = try #require(chosen.privacyGuarantee)
        #expect(reached.steps == 20 && reached.epsilon <= 2 && reached.epsilon > 1.95, "\(reached)")

        let stopped = try model()
        stopped.privacy = DifferentialPrivacy(noiseMultiplier: 1, targetEpsilon: 3, delta: 1e-3)
        let history = stopped.fit(x: data.x, y: data.y, epochs: 50, batchSize: 16, verbose: 0)
        let guarantee = try #require(stopped.privacyGuarantee)
        #expect(guarantee.epsilon <= 3, "\(guarantee)")
        var next = PrivacyAccountant()
        next.step(noiseMultiplier: 1, sampleRate: 0.25, count: guarantee.steps + 1)
        #expect(next.epsilon(delta: 1e-3).epsilon > 3, "one more step would pass the target")
        #expect(history.values["epsilon"]!.count < 50)
    }
}
