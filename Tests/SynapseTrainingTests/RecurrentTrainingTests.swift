import Foundation
import Testing
@testable import SynapseTraining

/// Recurrent models end to end: a tiny training run a broken LSTM would fail, and
/// a model file round trip of Embedding + LSTM.
@Suite("Recurrent models")
struct RecurrentTrainingTests {
    /// Sequences of 8 values in {−3…3} (token ids 1…7 = value + 4, 0 = padding at the
    /// front); the label is whether the sum is positive. Needs memory over all steps.
    static func data(count: Int, seed: UInt64) -> (x: Tensor, y: Tensor) {
        var generator = RandomGenerator(seed: seed)
        var ids: [Int32] = []
        var labels: [Int32] = []
        for _ in 0..<count {
            let length = 4 + Int(generator.nextUniform() * 5)   // 4...8
            var sum = 0
            var row = [Int32](repeating: 0, count: 8 - length)
            for _ in 0..<length {
                let value = Int(generator.nextUniform() * 7) - 3
                sum += value
                row.append(Int32(value + 4))
            }
            if sum == 0 {   // no ties: nudge the last value by one
                if row[7] == 7 { row[7] = 6; sum -= 1 } else { row[7] += 1; sum += 1 }
            }
            ids += row
            labels.append(sum > 0 ? 1 : 0)
        }
        return (Tensor(int32: ids, shape: [count, 8]), Tensor(int32: labels, shape: [count]))
    }

    @Test("an Embedding + LSTM learns whether a padded sequence's sum is positive")
    func learnsSignOfSum() throws {
        Random.seed(42)
        let model = Sequential {
            Embedding(inputDim: 8, outputDim: 8, maskZero: true)
            LSTM(16)
            Dense(2, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let train = Self.data(count: 1200, seed: 1)
        let test = Self.data(count: 400, seed: 2)
        let before = model.evaluate(x: test.x, y: test.y)["accuracy"] ?? 1
        model.fit(x: train.x, y: train.y, epochs: 12, batchSize: 32, verbose: 0)
        let after = model.evaluate(x: test.x, y: test.y)["accuracy"] ?? 0
        #expect(before < 0.7)
        #expect(after >= 0.9, "test accuracy \(after)")
    }

    @Test("Embedding with maskZero makes padded steps leave the LSTM state untouched")
    func maskZeroSkipsPadding() {
        Random.seed(3)
        let model = Sequential {
            Embedding(inputDim: 20, outputDim: 4, maskZero: true)
            LSTM(5)
        }
        let padded = Tensor(int32: [0, 0, 0, 7, 3, 9], shape: [1, 6])
        let plain = Tensor(int32: [7, 3, 9], shape: [1, 3])
        let a = model(padded)
        let b = model(plain)
        #expect((a - b).abs().max().item < 1e-6)
        // Without the mask the zeros would change the state.
        let unmasked = model.layers[1](model.layers[0](padded))
        #expect((unmasked - b).abs().max().item > 1e-4)
    }

    @Test("a Sequential with Embedding and LSTM saves and loads with identical predictions")
    func saveLoadRoundTrip() throws {
        Random.seed(5)
        let model = Sequential {
            Input(shape: [6], dtype: .int32)
            Embedding(inputDim: 30, outputDim: 5, maskZero: true)
            LSTM(7, returnSequences: true)
            GRU(4, goBackwards: true)
            Dense(3, activation: .softmax)
        }
        let x = Tensor(int32: [0, 0, 3, 4, 29, 1, 5, 6, 7, 8, 9, 10], shape: [2, 6])
        let expected = model.predict(x)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-\(UInt64.random(in: 0...UInt64.max)).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let loaded = try Sequential.load(from: url)
        #expect(loaded.layers.map { String(describing: type(of: $0)) } == ["Input", "Embedding", "LSTM", "GRU", "Dense"])
        let lstm = try #require(loaded.layers[2] as? LSTM)
        #expect(lstm.returnSequences && lstm.units == 7)
        #expect((loaded.layers[1] as? Embedding)?.maskZero == true)
        #expect((loaded.predict(x) - expected).abs().max().item == 0)
    }
}

/// Times one training step of the benchmark model (Embedding(10000, 64) →
/// LSTM(64, returnSequences) → LSTM(64) → Dense(46), batch 32, 200 steps, Adam).
/// A measurement, not a check: run with `SYNAPSE_RNN_TIMING=1`.
@Suite("Recurrent timing", .enabled(if: ProcessInfo.processInfo.environment["SYNAPSE_RNN_TIMING"] != nil))
struct RecurrentTimingTests {
    @Test("one forward + backward + Adam step of the text-LSTM model")
    func stepTime() throws {
        Random.seed(0)
        let model = Sequential {
            Embedding(inputDim: 10_000, outputDim: 64)
            LSTM(64, returnSequences: true)
            LSTM(64)
            Dense(46)
        }
        var generator = RandomGenerator(seed: 1)
        let x = (Tensor.randomUniform([32, 200], low: 1, high: 9_999, generator: &generator)).to(.int32)
        let y = (Tensor.randomUniform([32], low: 0, high: 45.9, generator: &generator)).to(.int32)
        let loss = SparseCategoricalCrossentropy(fromLogits: true)
        _ = withoutGradient { model(x) }
        let optimizer = Adam(parameters: model.trainableParameters, learningRate: 1e-3)
        func step() {
            model.zeroGrad()
            let value = loss(y, model(x, training: true))
            value.backward()
            optimizer.step()
        }
        for _ in 0..<3 { step() }
        var times: [Double] = []
        for _ in 0..<15 {
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        print("synapse step median \(times[times.count / 2]) ms min \(times[0]) ms")
        #expect(times[0] > 0)
    }
}
