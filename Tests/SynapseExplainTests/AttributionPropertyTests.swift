import Foundation
import Testing
@testable import Synapse

/// The attribution methods checked by the properties that define them, on models
/// built or trained so that the right answer is known.
@Suite("Attribution properties")
struct AttributionPropertyTests {
    @Test("a linear model's gradient × input is its weights times the input, exactly; occlusion of one feature agrees")
    func linearModel() {
        Random.seed(1)
        let model = Sequential {
            Input(shape: [5])
            Dense(3)
        }
        model.buildFromDeclaredInput()
        let x = Tensor.randomNormal([4, 5])
        let kernel = model.parameters[0].value.scalars   // [5, 3]
        let values = x.scalars
        for target in 0..<3 {
            let attributions = Attribution.gradientTimesInput(model, inputs: x, target: .output(target)).scalars
            let expected = (0..<20).map { index in kernel[(index % 5) * 3 + target] * values[index] }
            #expect(attributions == expected, "target \(target)")
            // Covering one feature with 0 removes exactly its term wᵢxᵢ.
            let occluded = Attribution.occlusion(model, inputs: x, window: [1], target: .output(target)).scalars
            #expect(zip(occluded, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
            let gradients = Attribution.saliency(model, inputs: x, target: .output(target), absolute: false).scalars
            #expect(zip(occluded, zip(gradients, values)).allSatisfy { occlusion, pair in
                abs(occlusion) < 1e-6 || (occlusion > 0) == (pair.0 * pair.1 > 0)
            }, "occlusion agrees in sign with gradient × input")
        }
    }

    @Test("integrated gradients are complete: they add up to f(x) − f(baseline) within 1 % at 256 steps",
          arguments: IntegrationRule.allCases)
    func completeness(_ rule: IntegrationRule) throws {
        Random.seed(2)
        let mlp = Sequential {
            Input(shape: [10])
            Dense(16, activation: .tanh)
            Dense(16, activation: .relu)
            Dense(4, activation: .softmax)
        }
        let cnn = Sequential {
            Input(shape: [10, 10, 1])
            Conv2D(6, kernelSize: 3, activation: .relu)
            MaxPooling2D(2)
            Flatten()
            Dense(3)
        }
        let cases: [(Sequential, Tensor, Tensor?)] = [
            (mlp, Tensor.randomNormal([6, 10]), nil),
            (mlp, Tensor.randomNormal([6, 10]), Tensor.randomNormal([10], standardDeviation: 0.3)),
            (cnn, Tensor.randomUniform([4, 10, 10, 1]), nil),
        ]
        for (model, x, baseline) in cases {
            let attributions = Attribution.integratedGradients(model, inputs: x, baseline: baseline, steps: 256, rule: rule)
            let (gaps, differences) = Attribution.completenessGap(model, inputs: x, attributions: attributions, baseline: baseline)
            for (gap, difference) in zip(gaps, differences) where abs(difference) > 1e-3 {
                #expect(abs(gap) <= 0.01 * abs(difference), "\(rule): gap \(gap) against f(x) − f(x′) = \(difference)")
            }
        }
    }

    @Test("batches give the same attributions as one input at a time, however they are chunked")
    func batching() throws {
        Random.seed(3)
        let model = Sequential {
            Input(shape: [7])
            Dense(9, activation: .sigmoid)
            Dense(2, activation: .softmax)
        }
        let x = Tensor.randomNormal([5, 7])
        let whole = Attribution.integratedGradients(model, inputs: x, steps: 24)
        let chunked = Attribution.integratedGradients(model, inputs: x, steps: 24, batchSize: 11)
        let single = Tensor.concatenate((0..<5).map { Attribution.integratedGradients(model, inputs: x[$0..<($0 + 1)], steps: 24) }, axis: 0)
        for other in [chunked, single] {
            #expect(zip(whole.scalars, other.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
        }
        let occlusion = Attribution.occlusion(model, inputs: x, window: [3], strides: [2])
        let occlusionChunked = Attribution.occlusion(model, inputs: x, window: [3], strides: [2], batchSize: 6)
        #expect(zip(occlusion.scalars, occlusionChunked.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
    }

    @Test("SmoothGrad without noise is saliency; with noise it repeats for a seed and differs between seeds")
    func smoothGrad() {
        Random.seed(4)
        let model = Sequential {
            Input(shape: [6])
            Dense(8, activation: .tanh)
            Dense(3, activation: .softmax)
        }
        let x = Tensor.randomNormal([3, 6])
        let saliency = Attribution.saliency(model, inputs: x)
        let noiseless = Attribution.smoothGrad(model, inputs: x, samples: 4, noiseLevel: 0)
        #expect(zip(saliency.scalars, noiseless.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
        let first = Attribution.smoothGrad(model, inputs: x, samples: 16, seed: 7, batchSize: 10)
        let again = Attribution.smoothGrad(model, inputs: x, samples: 16, seed: 7)
        let other = Attribution.smoothGrad(model, inputs: x, samples: 16, seed: 8)
        #expect(zip(first.scalars, again.scalars).allSatisfy { abs($0 - $1) <= 1e-6 })
        #expect(first.scalars != other.scalars && first.shape == x.shape)
    }

    /// 16 × 16 grey images of noise; class 1 has a bright 4 × 4 square somewhere.
    static func plantedSquares(count: Int, seed: UInt64) -> (x: Tensor, y: Tensor, corners: [(Int, Int)]) {
        var generator = RandomGenerator(seed: seed)
        var pixels = Tensor.randomUniform([count, 16, 16, 1], high: 0.4, generator: &generator).scalars
        var labels: [Int32] = []
        var corners: [(Int, Int)] = []
        for index in 0..<count {
            let planted = index % 2 == 1
            let (top, left) = (Int(generator.nextUInt32() % 13), Int(generator.nextUInt32() % 13))
            if planted {
                for row in top..<(top + 4) { for column in left..<(left + 4) { pixels[index * 256 + row * 16 + column] = 1 } }
            }
            labels.append(planted ? 1 : 0)
            corners.append((top, left))
        }
        return (Tensor(pixels, shape: [count, 16, 16, 1]), Tensor(int32: labels, shape: [count]), corners)
    }

    @Test("Grad-CAM finds a square planted in the images of one class")
    func gradCAMFindsPlantedPattern() throws {
        Random.seed(5)
        let train = Self.plantedSquares(count: 400, seed: 11)
        let model = Sequential {
            Input(shape: [16, 16, 1])
            Conv2D(8, kernelSize: 3, padding: .same, activation: .relu)
            Conv2D(8, kernelSize: 3, padding: .same, activation: .relu, name: "features")
            GlobalMaxPooling2D()
            Dense(2, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        model.fit(x: train.x, y: train.y, epochs: 6, batchSize: 32, verbose: 0)
        let test = Self.plantedSquares(count: 40, seed: 12)
        #expect((model.evaluate(x: test.x, y: test.y)["accuracy"] ?? 0) > 0.95)
        let maps = try Attribution.gradCAM(model, inputs: test.x, layer: "features", target: .output(1))
        #expect(maps.shape == [40, 16, 16])
        let values = maps.scalars
        var found = 0
        for index in stride(from: 1, to: 40, by: 2) {
            let map = values[(index * 256)..<((index + 1) * 256)]
            let peak = map.indices.max { map[$0] < map[$1] }! - index * 256
            let (row, column) = (peak / 16, peak % 16)
            let (top, left) = test.corners[index]
            if (top - 1...top + 4).contains(row) && (left - 1...left + 4).contains(column) { found += 1 }
        }
        #expect(found >= 18, "the map's peak is on the square in \(found) of 20 images")
    }

    @Test("token integrated gradients: one score per token, padding scores 0, the telling token scores highest")
    func tokens() throws {
        // Sequences of filler tokens 2...9 padded with 0; class 1 holds token 1 somewhere.
        Random.seed(6)
        var generator = RandomGenerator(seed: 21)
        func sequences(_ count: Int) -> (x: Tensor, y: Tensor, positions: [Int]) {
            var ids: [Int32] = []
            var labels: [Int32] = []
            var positions: [Int] = []
            for index in 0..<count {
                let length = 4 + Int(generator.nextUInt32() % 5)
                var row = (0..<length).map { _ in Int32(2 + generator.nextUInt32() % 8) }
                let position = Int(generator.nextUInt32() % UInt32(length))
                if index % 2 == 1 { row[position] = 1 }
                ids += row + [Int32](repeating: 0, count: 8 - length)
                labels.append(Int32(index % 2))
                positions.append(index % 2 == 1 ? position : -1)
            }
            return (Tensor(int32: ids, shape: [count, 8]), Tensor(int32: labels, shape: [count]), positions)
        }
        let train = sequences(300)
        let model = Sequential {
            Input(shape: [8], dtype: .int32)
            Embedding(inputDim: 10, outputDim: 8, maskZero: true)
            LSTM(8)
            Dense(2, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: 0.02), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        model.fit(x: train.x, y: train.y, epochs: 8, batchSize: 32, verbose: 0)
        let test = sequences(20)
        #expect((model.evaluate(x: test.x, y: test.y)["accuracy"] ?? 0) > 0.9)
        let scores = try Attribution.tokenIntegratedGradients(model, tokens: test.x, target: .output(1), steps: 64)
        #expect(scores.shape == [20, 8])
        let values = scores.scalars
        let ids = test.x.intScalars
        #expect(zip(values, ids).allSatisfy { $1 != 0 || $0 == 0 }, "padding gets no attribution")
        var telling = 0
        for index in stride(from: 1, to: 20, by: 2) {
            let row = Array(values[(index * 8)..<((index + 1) * 8)])
            if row.indices.max(by: { row[$0] < row[$1] }) == test.positions[index] { telling += 1 }
        }
        #expect(telling >= 9, "token 1 has the highest score in \(telling) of 10 sequences")
    }

    @Test("a layer that is missing or not an image map is refused by name")
    func layerErrors() throws {
        let model = Sequential {
            Input(shape: [4, 4, 1])
            Conv2D(2, kernelSize: 3)
            Flatten(name: "flat")
            Dense(2)
        }
        model.buildFromDeclaredInput()
        let x = Tensor.zeros([1, 4, 4, 1])
        do {
            _ = try Attribution.gradCAM(model, inputs: x, layer: "nope")
            Issue.record("a missing layer was accepted")
        } catch let error as AttributionError {
            #expect(error == .layerNotFound(name: "nope", available: model.layers.map(\.name)))
            #expect(error.description.hasPrefix("the model has no layer named 'nope' (its layers: "), "\(error)")
        }
        do {
            _ = try Attribution.gradCAM(model, inputs: x, layer: "flat")
            Issue.record("a flat layer was accepted")
        } catch {
            #expect("\(error)".contains("layer 'flat' cannot be used"), "\(error)")
        }
        do {
            _ = try Attribution.tokenIntegratedGradients(model, tokens: Tensor(int32: [1, 2], shape: [1, 2]))
            Issue.record("a model without an embedding was accepted")
        } catch {
            #expect("\(error)".contains("no layer that fits"), "\(error)")
        }
    }
}
