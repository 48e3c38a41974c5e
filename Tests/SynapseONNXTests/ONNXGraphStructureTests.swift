import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

@Suite("ONNX export: graph structure")
struct ONNXGraphStructureTests {
    typealias Support = ONNXTestSupport

    @Test("an MLP is Gemm + activations, dropout left out, named input and output with a symbolic batch")
    func mlp() throws {
        let model = Sequential {
            Input(shape: [4])
            Dense(8, activation: .relu, name: "hidden")
            Dropout(0.5)
            Dense(3, activation: .softmax, name: "classes")
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Gemm", "Relu", "Gemm", "Softmax"])
        #expect(onnx.irVersion == 8)
        #expect(onnx.opsetImport.map(\.version) == [17])
        #expect(onnx.graph.input.map(\.name) == ["input"])
        #expect(onnx.graph.output.map(\.name) == ["output"])
        let inputDims = onnx.graph.input[0].type.tensorType.shape.dim
        #expect(inputDims.first?.dimParam == "batch")
        #expect(inputDims.dropFirst().map(\.dimValue) == [4])
        #expect(onnx.graph.output[0].type.tensorType.shape.dim.dropFirst().map(\.dimValue) == [3])
        #expect(onnx.graph.output[0].type.tensorType.elemType == ONNXElementType.float.rawValue)
        let kernel = try #require(Support.initializer(onnx, "hidden.kernel"))
        #expect(kernel.dims == [4, 8])
        let dense = try #require(model.layers[1] as? Dense)
        #expect(Support.floats(kernel) == dense.kernel.value.scalars)
        #expect(Support.initializer(onnx, "classes.bias")?.dims == [3])
        #expect(Support.node(onnx, "Softmax").flatMap { Support.int($0, "axis") } == -1)
    }

    @Test("a CNN transposes to NCHW once at the input and back once before Flatten")
    func cnnTransposesAtTheEdges() throws {
        let model = Sequential {
            Input(shape: [8, 8, 1])
            Conv2D(4, kernelSize: 3, activation: .relu, name: "conv1")
            MaxPooling2D(2)
            Conv2D(6, kernelSize: 2, padding: .same, name: "conv2")
            BatchNormalization(name: "norm")
            AveragePooling2D(2, strides: 1, padding: .same)
            Flatten()
            Dense(2, activation: .softmax)
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "Conv", "Relu", "MaxPool", "Conv", "BatchNormalization",
                                            "AveragePool", "Transpose", "Flatten", "Gemm", "Softmax"])
        let transposes = onnx.graph.node.filter { $0.opType == "Transpose" }
        #expect(transposes.map { Support.ints($0, "perm") } == [[0, 3, 1, 2], [0, 2, 3, 1]])
        #expect(Support.initializer(onnx, "conv1.kernel")?.dims == [4, 1, 3, 3])
        #expect(Support.initializer(onnx, "conv2.kernel")?.dims == [6, 4, 2, 2])
        // An even "same" window pads after (bottom/right), as Synapse.
        let conv2 = onnx.graph.node.filter { $0.opType == "Conv" }[1]
        #expect(Support.ints(conv2, "pads") == [0, 0, 1, 1])
        #expect(Support.int(Support.node(onnx, "AveragePool"), "count_include_pad") == 0)
        #expect(Support.initializer(onnx, "norm.moving_variance")?.dims == [6])
        // The kernel is Synapse's [kh, kw, in, out] permuted to [out, in, kh, kw].
        let kernel = try #require(model.layers[1] as? Conv2D).kernel.value
        let onnxKernel = Support.floats(try #require(Support.initializer(onnx, "conv1.kernel")))
        let k = kernel.scalars
        for out in 0..<4 { for row in 0..<3 { for column in 0..<3 {
            #expect(onnxKernel[(out * 3 + row) * 3 + column] == k[(row * 3 + column) * 4 + out])
        } } }
    }

    @Test("an image output is transposed back to NHWC at the end")
    func imageOutput() throws {
        let model = Sequential {
            Input(shape: [4, 4, 2])
            Conv2D(3, kernelSize: 3, strides: 2, padding: .same, activation: .relu)
            Conv2DTranspose(2, kernelSize: 3, strides: 2, padding: .same, activation: .sigmoid)
        }
        Support.randomize(model)
        let onnx = try Support.exported(model)
        #expect(Support.operators(onnx) == ["Transpose", "Conv", "Relu", "ConvTranspose", "Sigmoid", "Transpose"])
        #expect(onnx.graph.node.last?.output == ["output"])
        let transpose = try #require(Support.node(onnx, "ConvTranspose"))
        #expect(Support.ints(transpose, "pads") == [0, 0, 1, 1])
        #expect(Support.ints(transpose, "output_padding") == nil)
        #expect(onnx.graph.output[0].type.tensorType.shape.dim.dropFirst().map(\.dimValue) == [4, 4, 2])
    }

    @Test("windows smaller than the stride give ConvTranspose an output_padding")
    func transposedConvolutionOutputPadding() throws {
        let model = Sequential {
            Input(shape: [3, 3, 1])
            Conv2DTranspose(2, kernelSize: 2, strides: 3)
        }
        let onnx = try Support.exported(model)
        let node = try #require(Support.node(onnx, "ConvTranspose"))
        #expect(Support.ints(node, "output_padding") == [1, 1])
        #expect(Support.ints(node, "pads") == [0, 0, 0, 0])
    }

    @Test("explicit pads follow Synapse's window geometry")
    func windowPads() {
        #expect(ONNXExportContext.windowPads(input: (5, 5), window: (2, 2), strides: (1, 1), dilation: (1, 1), padding: .same) == [0, 0, 1, 1])
        #expect(ONNXExportContext.windowPads(input: (7, 6), window: (3, 3), strides: (2, 2), dilation: (1, 1), padding: .same) == [1, 0, 1, 1])
        #expect(ONNXExportContext.windowPads(input: (9, 9), window: (3, 3), strides: (1, 1), dilation: (2, 2), padding: .same) == [2, 2, 2, 2])
        #expect(ONNXExportContext.windowPads(input: (5, 5), window: (2, 2), strides: (2, 2), dilation: (1, 1), padding: .valid) == [0, 0, 0, 0])
        #expect(ONNXExportContext.windowPads(input: (1, 1), window: (2, 2), strides: (1, 1), dilation: (1, 1), padding: .valid) == nil)
    }

    @Test("Dense on sequences is MatMul + Add; Rescaling is Mul + Add; LayerNormalization is one op at opset 17")
    func sequencesAndNormalization() throws {
        let model = Sequential {
            Input(shape: [5, 3])
            Rescaling(scale: 0.5, offset: -1)
            Dense(4, activation: .swish)
            LayerNormalization(name: "ln")
            TimeDistributed(Dense(2, activation: .gelu()))
        }
        Support.randomize(model)
        #expect(Support.operators(try Support.exported(model)) ==
                ["Mul", "Add", "MatMul", "Add", "Sigmoid", "Mul", "LayerNormalization", "MatMul", "Add",
                 "Mul", "Erf", "Add", "Mul", "Mul"])
        let opset20 = Support.operators(try Support.exported(model, opset: 20))
        #expect(opset20.suffix(1) == ["Gelu"])
        let opset16 = Support.operators(try Support.exported(model, opset: 16))
        #expect(!opset16.contains("LayerNormalization"))
        #expect(opset16.filter { $0 == "ReduceMean" }.count == 2)
    }

    @Test("the file parses back, and the summary counts its nodes")
    func fileRoundTrip() throws {
        let model = Sequential {
            Input(shape: [6])
            Dense(4, activation: .tanh)
            Dense(1, activation: .sigmoid)
        }
        Support.randomize(model)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-onnx-\(UUID().uuidString).onnx")
        defer { try? FileManager.default.removeItem(at: url) }
        let summary = try model.exportONNX(to: url, opset: 13)
        let bytes = [UInt8](try Data(contentsOf: url))
        let parsed = try Onnx_ModelProto(serializedBytes: bytes)
        #expect(parsed.graph.node.count == summary.nodeCount)
        #expect(summary.operators == ["Gemm", "Tanh", "Gemm", "Sigmoid"])
        #expect(summary.opset == 13 && summary.irVersion == 7)
        #expect(summary.byteCount == bytes.count)
        #expect(parsed == (try model.onnxModel(opset: 13)))
    }
}
