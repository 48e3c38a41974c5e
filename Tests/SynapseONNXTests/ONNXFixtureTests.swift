import Foundation
import SynapseCore
import SynapseIO
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

/// Models that model files cannot hold (`Bidirectional`, `TimeDistributed`) or
/// that cover more layer settings than the examples, exported together with
/// Synapse's predictions so that `scripts/onnx_check.py` can run them in ONNX Runtime.
///
/// Set `SYNAPSE_ONNX_FIXTURES=DIR` to write `NAME.onnx`, `NAME.x.safetensors` (tensor
/// `x`) and `NAME.y.safetensors` (tensor `y`, Synapse's output) into `DIR`; without
/// it the files go to a temporary folder and are only parsed back.
@Suite("ONNX fixtures")
struct ONNXFixtureTests {
    typealias Support = ONNXTestSupport

    /// One fixture: a model, its input, the opset to write.
    struct Fixture {
        var name: String
        var model: Sequential
        var x: Tensor
        var opset = 17
    }

    /// Right-padded token rows `[rows, time]` (float32 ids in `1..<vocabulary`,
    /// zeros after each row's length, lengths from 1 to `time`).
    static func paddedTokens(rows: Int, time: Int, vocabulary: Int, generator: inout RandomGenerator) -> Tensor {
        let ids = Tensor.randomUniform([rows, time], low: 1, high: Float(vocabulary), generator: &generator).scalars
        let lengths = Tensor.randomUniform([rows], low: 1, high: Float(time) + 1, generator: &generator).scalars
        var values = [Float](repeating: 0, count: rows * time)
        for row in 0..<rows {
            let length = row == 0 ? time : Int(lengths[row])
            for step in 0..<length { values[row * time + step] = ids[row * time + step].rounded(.down) }
        }
        return Tensor(values, shape: [rows, time])
    }

    /// Right-padded feature sequences: random values, whole zero steps after each row's length.
    static func paddedSequences(rows: Int, time: Int, features: Int, generator: inout RandomGenerator) -> Tensor {
        var values = Tensor.randomNormal([rows, time, features], generator: &generator).scalars
        for row in 1..<rows {
            let length = 1 + row % time
            for step in length..<time {
                for feature in 0..<features { values[(row * time + step) * features + feature] = 0 }
            }
        }
        return Tensor(values, shape: [rows, time, features])
    }

    static func fixtures() -> [Fixture] {
        var generator = RandomGenerator(seed: 11)
        var fixtures: [Fixture] = []
        func add(_ name: String, opset: Int = 17, x: Tensor, _ model: Sequential) {
            ONNXTestSupport.randomize(model, seed: UInt64(fixtures.count + 1))
            fixtures.append(Fixture(name: name, model: model, x: x, opset: opset))
        }
        add("bidirectional-masked", x: paddedTokens(rows: 6, time: 8, vocabulary: 30, generator: &generator), Sequential {
            Input(shape: [8])
            Embedding(inputDim: 30, outputDim: 6, maskZero: true)
            Bidirectional(LSTM(5, returnSequences: true))
            Bidirectional(GRU(4), mergeMode: .ave)
            Dense(3, activation: .softmax)
        })
        // Opset 18 moved the axes of ReduceMean/ReduceProd/ReduceMax to an input.
        let merges = { Sequential {
            Input(shape: [5, 3])
            Bidirectional(SimpleRNN(4, returnSequences: true), mergeMode: .mul)
            Bidirectional(GRU(3, returnSequences: true), mergeMode: .sum)
            Bidirectional(LSTM(2, returnSequences: true), mergeMode: .ave)
            Bidirectional(LSTM(2))
        } }
        add("bidirectional-merges", x: Tensor.randomNormal([4, 5, 3], generator: &generator), merges())
        add("bidirectional-merges-opset21", opset: 21, x: Tensor.randomNormal([4, 5, 3], generator: &generator), merges())
        add("gru-backwards-timedistributed", x: Tensor.randomNormal([4, 6, 3], generator: &generator), Sequential {
            Input(shape: [6, 3])
            GRU(4, returnSequences: true, goBackwards: true)
            TimeDistributed(Dense(2, activation: .tanh))
            SimpleRNN(3, activation: .tanh)
            Dense(2, activation: .gelu())
        })
        add("gru-reset-before", x: paddedTokens(rows: 5, time: 7, vocabulary: 20, generator: &generator), Sequential {
            Input(shape: [7])
            Embedding(inputDim: 20, outputDim: 4, maskZero: true)
            Bidirectional(GRU(3, returnSequences: true, resetAfter: false))
            GRU(3, goBackwards: true, resetAfter: false)
            Dense(2)
        })
        let masking = { Sequential {
            Input(shape: [6, 2])
            Masking()
            SimpleRNN(3, returnSequences: true)
            LSTM(2, goBackwards: true)
        } }
        add("masking-rnn", x: paddedSequences(rows: 5, time: 6, features: 2, generator: &generator), masking())
        add("masking-rnn-opset18", opset: 18, x: paddedSequences(rows: 5, time: 6, features: 2, generator: &generator), masking())
        let conv1D = { Sequential {
            Input(shape: [10, 3])
            Conv1D(4, kernelSize: 3, strides: 2, padding: .same, activation: .relu)
            Conv1D(4, kernelSize: 2, padding: .same, dilationRate: 2)
            LayerNormalization()
            Flatten()
            Dense(3, activation: .elu())
        } }
        add("conv1d-layernorm", x: Tensor.randomNormal([4, 10, 3], generator: &generator), conv1D())
        add("conv1d-layernorm-opset13", opset: 13, x: Tensor.randomNormal([4, 10, 3], generator: &generator), conv1D())
        add("image-layers", x: Tensor.randomUniform([3, 9, 9, 2], generator: &generator), Sequential {
            Input(shape: [9, 9, 2])
            ZeroPadding2D(padding: ((1, 0), (0, 2)))
            Conv2D(3, kernelSize: (2, 3), strides: (2, 2), padding: .same, activation: .selu)
            UpSampling2D(size: (2, 2))
            MaxPooling2D(3, strides: 2, padding: .same)
            BatchNormalization()
            Conv2D(4, kernelSize: 3, padding: .same, dilationRate: 2, activation: .leakyRelu())
            AveragePooling2D(2, padding: .same)
            GlobalMaxPooling2D()
            Dense(2, activation: .softmax)
        })
        add("image-transposed", x: Tensor.randomUniform([2, 5, 5, 1], generator: &generator), Sequential {
            Input(shape: [5, 5, 1])
            Conv2DTranspose(3, kernelSize: 2, strides: 3, activation: .relu)
            Conv2DTranspose(2, kernelSize: 4, strides: 2, padding: .same)
            BatchNormalization(center: false)
        })
        add("global-average-reshape", x: Tensor.randomUniform([4, 6, 6, 2], generator: &generator), Sequential {
            Input(shape: [6, 6, 2])
            Conv2D(3, kernelSize: 3, activation: .tanh)
            GlobalAveragePooling2D(keepDims: true)
            BatchNormalization(center: false)
            Reshape([3])
            Dense(2)
        })
        // Opset 20 has a Gelu op; before, GELU is built from Tanh (approximate) or Erf.
        let activations = { Sequential {
            Input(shape: [5])
            Dense(6, activation: .softplus)
            Dense(6, activation: .softsign)
            Dense(6, activation: .swish)
            Dense(6, activation: .gelu(approximate: true))
            Dense(6, activation: .gelu())
            Rescaling(scale: 2, offset: 0.5)
            Dense(4, activation: .logSoftmax)
        } }
        add("dense-activations", opset: 19, x: Tensor.randomNormal([5, 5], generator: &generator), activations())
        add("dense-activations-opset20", opset: 20, x: Tensor.randomNormal([5, 5], generator: &generator), activations())
        return fixtures
    }

    @Test("every fixture exports, parses back and has a reference output")
    func writeFixtures() throws {
        let environment = ProcessInfo.processInfo.environment["SYNAPSE_ONNX_FIXTURES"]
        let directory = environment.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("synapse-onnx-fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if environment == nil { try? FileManager.default.removeItem(at: directory) } }
        for fixture in Self.fixtures() {
            let url = directory.appendingPathComponent("\(fixture.name).onnx")
            let summary = try fixture.model.exportONNX(to: url, opset: fixture.opset)
            let parsed = try Onnx_ModelProto(serializedBytes: [UInt8](try Data(contentsOf: url)))
            #expect(parsed.graph.node.count == summary.nodeCount, "\(fixture.name)")
            #expect(parsed.graph.output.first?.type.tensorType.shape.dim.dropFirst().map { Int($0.dimValue) }
                    == fixture.model.layers.last?.outputShape, "\(fixture.name)")
            let y = fixture.model.predict(fixture.x)
            #expect(y.scalars.allSatisfy { $0.isFinite }, "\(fixture.name)")
            try SafeTensors.write(["x": fixture.x], to: directory.appendingPathComponent("\(fixture.name).x.safetensors"))
            try SafeTensors.write(["y": y], to: directory.appendingPathComponent("\(fixture.name).y.safetensors"))
        }
    }
}
