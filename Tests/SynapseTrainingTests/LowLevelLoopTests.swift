import Foundation
import Testing
@testable import SynapseTraining

/// The loop PyTorch users write by hand: forward, loss, `backward()`, optimizer
/// step, zero the gradients. No Model API involved.
@Suite("PyTorch-style training loop")
struct LowLevelLoopTests {
    @Test("layers + Adam: zeroGrad, forward, loss.backward(), step() fits sin(πx)")
    func fitsSine() {
        let hidden = TrainingFixtures.dense(16, activation: .tanh, seed: 31)
        let output = TrainingFixtures.dense(1, seed: 32)
        let inputs = (0..<64).map { Float($0) / 63 * 2 - 1 }
        let x = Tensor(inputs, shape: [64, 1])
        let y = Tensor(inputs.map { Float(sin(Double.pi * Double($0))) }, shape: [64, 1])
        _ = output(hidden(x))   // builds both layers
        let optimizer = Adam(parameters: hidden.parameters + output.parameters, learningRate: 0.02)
        let lossFunction = MeanSquaredError()
        var losses: [Float] = []
        for _ in 0..<600 {
            optimizer.zeroGrad()
            let loss = lossFunction(y, output(hidden(x, training: true), training: true))
            loss.backward()
            optimizer.step()
            losses.append(loss.item)
        }
        // sin(πx) has variance 0.5 on [-1, 1]: a model that does not learn stays near it.
        #expect(losses.first! > 0.2)
        #expect(losses.last! < 0.005, "final loss \(losses.last!)")
        #expect(optimizer.iterations == 600)
    }

    @Test("mini-batches from a DataLoader and SGD with momentum recover a linear model's coefficients")
    func recoversCoefficients() {
        let layer = TrainingFixtures.dense(1, seed: 41)
        let data = TrainingFixtures.linearData(count: 64)
        let loader = DataLoader(TensorDataset(x: data.x, y: data.y), batchSize: 16, shuffle: true, seed: 1)
        _ = layer(data.x)
        let optimizer = SGD(parameters: layer.parameters, learningRate: 0.1, momentum: 0.9)
        let lossFunction = MeanSquaredError()
        for epoch in 0..<60 {
            for (xBatch, yBatch) in loader.batches(epoch: epoch) {
                optimizer.zeroGrad()
                let loss = lossFunction(yBatch, layer(xBatch, training: true))
                loss.backward()
                optimizer.step()
            }
        }
        // y = 2a − b + 0.5 exactly.
        #expect(TrainingFixtures.close(layer.kernel.value.scalars, [2, -1], tolerance: 1e-3), "kernel \(layer.kernel.value.scalars)")
        #expect(TrainingFixtures.close(layer.bias!.value.item, 0.5, tolerance: 1e-3), "bias \(layer.bias!.value.item)")
    }

    @Test("gradients accumulate over backward() calls until zeroGrad, as in PyTorch")
    func accumulation() throws {
        let layer = TrainingFixtures.dense(2, seed: 51)
        let x = Tensor([[1, 2], [3, -1]])
        _ = layer(x)
        layer(x, training: true).sum().backward()
        let once = try #require(layer.kernel.grad).scalars
        layer(x, training: true).sum().backward()
        let twice = try #require(layer.kernel.grad).scalars
        #expect(TrainingFixtures.close(twice, once.map { $0 * 2 }))
        // d(Σ x·K)/dK[i][j] = Σ over rows of x[row][i].
        #expect(TrainingFixtures.close(once, [4, 4, 1, 1]))
        layer.zeroGrad()
        #expect(layer.kernel.grad == nil || layer.kernel.grad!.scalars.allSatisfy { $0 == 0 })
    }

    @Test("XOR from scratch: raw tensors, backward() and a hand-written update (the xor example's --from-scratch)")
    func xorFromScratch() {
        var generator = RandomGenerator(seed: 42)
        let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Tensor([[0], [1], [1], [0]])
        let limit1 = (6 / Float(2 + 4)).squareRoot()
        let limit2 = (6 / Float(4 + 1)).squareRoot()
        var w1 = Tensor.randomUniform([2, 4], low: -limit1, high: limit1, generator: &generator).requiringGrad()
        var b1 = Tensor.zeros([4]).requiringGrad()
        var w2 = Tensor.randomUniform([4, 1], low: -limit2, high: limit2, generator: &generator).requiringGrad()
        var b2 = Tensor.zeros([1]).requiringGrad()
        let learningRate: Float = 0.5
        var loss = Tensor(0)
        for _ in 0..<2000 {
            let output = ((x.matmul(w1) + b1).tanh().matmul(w2) + b2).sigmoid()
            loss = (output - y).square().mean()
            loss.backward()
            withoutGradient {
                w1 = (w1 - learningRate * w1.grad!).requiringGrad()
                b1 = (b1 - learningRate * b1.grad!).requiringGrad()
                w2 = (w2 - learningRate * w2.grad!).requiringGrad()
                b2 = (b2 - learningRate * b2.grad!).requiringGrad()
            }
        }
        let predictions = withoutGradient { ((x.matmul(w1) + b1).tanh().matmul(w2) + b2).sigmoid() }.scalars
        #expect(loss.item < 0.05, "final loss \(loss.item)")
        #expect(predictions.map { $0.rounded() } == [0, 1, 1, 0], "predictions \(predictions)")
    }
}
