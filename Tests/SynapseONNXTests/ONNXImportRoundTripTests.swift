import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

/// Export → import round trips: the imported model predicts what the original does.
@Suite("ONNX import: round trips of Synapse's own exports")
struct ONNXImportRoundTripTests {
    typealias Support = ONNXTestSupport

    /// Exports `model` (randomised), imports it back and compares predictions on `x`.
    private func roundTrip(_ model: Sequential, _ x: Tensor, opset: Int = 17) throws -> ONNXImportResult {
        Support.randomize(model)
        let result = try ONNXImport.read(try model.onnxModelData(opset: opset))
        let expected = model.predict(x).scalars
        let actual = result.model.predict(x).scalars
        #expect(expected.count == actual.count)
        let difference = zip(expected, actual).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5, "max difference \(difference)")
        return result
    }

    @Test("an MLP (Gemm + activations folded into Dense) imports with the same predictions")
    func mlp() throws {
        let model = Sequential {
            Input(shape: [6])
            Dense(8, activation: .relu)
            Dropout(0.3)
            Dense(5, activation: .tanh)
            Dense(3, activation: .softmax)
        }
        let result = try roundTrip(model, Tensor.randomNormal([4, 6]))
        #expect(result.layers == ["Dense(8, relu)", "Dense(5, tanh)", "Dense(3, softmax)"])
    }

    @Test("a CNN (NHWC edges, Conv, pooling, BatchNorm, Flatten, Dense) imports with the same predictions")
    func cnn() throws {
        let model = Sequential {
            Input(shape: [9, 9, 2])
            Conv2D(4, kernelSize: 3, padding: .same, activation: .relu)
            MaxPooling2D(2, padding: .same)
            BatchNormalization()
            Conv2D(3, kernelSize: 2, strides: 2)
            AveragePooling2D(2, strides: 1)
            Flatten()
            Dense(4, activation: .logSoftmax)
        }
        let result = try roundTrip(model, Tensor.randomNormal([3, 9, 9, 2]))
        #expect(result.inputShape == [9, 9, 2])
        #expect(result.layers.first == "Conv2D(4, kernel 3×3, strides 1×1, same, relu)")
    }

    @Test("global average pooling keeps [N, C, 1, 1] and a Dense follows")
    func globalPooling() throws {
        let model = Sequential {
            Input(shape: [6, 6, 3])
            Conv2D(5, kernelSize: 3, activation: .elu())
            GlobalAveragePooling2D()
            Dense(2)
        }
        _ = try roundTrip(model, Tensor.randomNormal([2, 6, 6, 3]))
    }

    @Test("an LSTM classifier (last output) and stacked LSTMs with returnSequences import")
    func lstm() throws {
        let last = Sequential {
            Input(shape: [7, 3])
            LSTM(5)
            Dense(2, activation: .softmax)
        }
        let single = try roundTrip(last, Tensor.randomNormal([4, 7, 3]))
        #expect(single.layers.first == "LSTM(5, returnSequences: false)")

        let stacked = Sequential {
            Input(shape: [6, 3])
            LSTM(4, returnSequences: true)
            LSTM(3, returnSequences: true)
            Dense(2)
        }
        let result = try roundTrip(stacked, Tensor.randomNormal([2, 6, 3]))
        #expect(result.layers.prefix(2) == ["LSTM(4, returnSequences: true)", "LSTM(3, returnSequences: true)"])
    }

    @Test("GRUs (linear_before_reset 1 and 0) and a SimpleRNN import with the same predictions")
    func gruAndSimpleRNN() throws {
        let gru = Sequential {
            Input(shape: [5, 4])
            GRU(6, returnSequences: true)
            GRU(3)
            Dense(2, activation: .sigmoid)
        }
        _ = try roundTrip(gru, Tensor.randomNormal([3, 5, 4]))
        let resetBefore = Sequential {
            Input(shape: [5, 4])
            GRU(6, returnSequences: true, resetAfter: false)
            GRU(3, resetAfter: false)
        }
        _ = try roundTrip(resetBefore, Tensor.randomNormal([3, 5, 4]))
        let rnn = Sequential {
            Input(shape: [5, 4])
            SimpleRNN(3, activation: .relu)
        }
        _ = try roundTrip(rnn, Tensor.randomNormal([3, 5, 4]))
    }

    @Test("a goBackwards LSTM (direction reverse, Y_h) imports")
    func reverse() throws {
        let model = Sequential {
            Input(shape: [5, 2])
            LSTM(3, goBackwards: true)
        }
        let result = try roundTrip(model, Tensor.randomNormal([2, 5, 2]))
        #expect(result.layers == ["LSTM(3, returnSequences: false, goBackwards)"])
    }

    @Test("an Embedding (int32 ids) with a GRU imports; MatMul + Add on sequences becomes Dense")
    func embedding() throws {
        let model = Sequential {
            Input(shape: [6], dtype: .int32)
            Embedding(inputDim: 12, outputDim: 4)
            GRU(3, returnSequences: true)
            Dense(2)
        }
        let ids = Tensor(int32: (0..<18).map { ($0 * 5) % 12 }, shape: [3, 6])
        let result = try roundTrip(model, ids)
        #expect(result.layers == ["Embedding(12, 4)", "GRU(3, returnSequences: true)", "Dense(2, linear)"])
    }

    @Test("opsets 13 and 21 round trip too")
    func opsets() throws {
        for opset in [13, 21] {
            let model = Sequential {
                Input(shape: [4, 4, 1])
                Conv2D(2, kernelSize: 3, activation: .relu)
                Flatten()
                Dense(3, activation: .softmax)
            }
            _ = try roundTrip(model, Tensor.randomNormal([2, 4, 4, 1]), opset: opset)
        }
    }

    @Test("the imported model saves and loads as a Synapse model file")
    func saveAndLoad() throws {
        let model = Sequential {
            Input(shape: [3])
            Dense(2, activation: .relu)
        }
        Support.randomize(model)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let onnx = directory.appendingPathComponent("model.onnx")
        try model.exportONNX(to: onnx)
        let imported = try Sequential.importONNX(from: onnx)
        let file = directory.appendingPathComponent("model.safetensors")
        try imported.save(to: file)
        let loaded = try Sequential.load(from: file)
        let x = Tensor.randomNormal([2, 3])
        #expect(loaded.predict(x).scalars == model.predict(x).scalars)
    }

    @Test("a Reshape to [Shape(x)[0], -1] (PyTorch's x.view(x.size(0), -1)) imports as Flatten")
    func viewFlatten() throws {
        let model = Sequential {
            Input(shape: [5, 5, 2])
            Conv2D(3, kernelSize: 2, activation: .relu)
            Flatten()
            Dense(2)
        }
        Support.randomize(model)
        var proto = try Support.exported(model)
        let index = try #require(proto.graph.node.firstIndex { $0.opType == "Flatten" })
        let (source, target) = (proto.graph.node[index].input[0], proto.graph.node[index].output[0])
        func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
            var node = Onnx_NodeProto()
            (node.opType, node.name, node.input, node.output, node.attribute) = (op, "view/\(output)", inputs, [output], attributes)
            return node
        }
        func constant(_ values: [Int64], scalar: Bool, _ output: String) -> Onnx_NodeProto {
            var tensor = Onnx_TensorProto()
            tensor.dataType = 7
            tensor.dims = scalar ? [] : [Int64(values.count)]
            tensor.int64Data = values
            var attribute = Onnx_AttributeProto()
            (attribute.name, attribute.type, attribute.t) = ("value", .tensor, tensor)
            return node("Constant", [], output, [attribute])
        }
        var axis = Onnx_AttributeProto()
        (axis.name, axis.type, axis.i) = ("axis", .int, 0)
        proto.graph.node.replaceSubrange(index...index, with: [
            node("Shape", [source], "shape"),
            constant([0], scalar: true, "zero"),
            node("Gather", ["shape", "zero"], "batch"),
            constant([0], scalar: false, "axes"),
            node("Unsqueeze", ["batch", "axes"], "batch_1d"),
            constant([-1], scalar: false, "rest"),
            node("Concat", ["batch_1d", "rest"], "target", [axis]),
            node("Reshape", [source, "target"], target),
        ])
        let result = try ONNXImport.read(try proto.serializedData())
        #expect(result.layers.contains("Flatten"))
        let x = Tensor.randomNormal([3, 5, 5, 2])
        let difference = zip(model.predict(x).scalars, result.model.predict(x).scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-5)
    }
}
