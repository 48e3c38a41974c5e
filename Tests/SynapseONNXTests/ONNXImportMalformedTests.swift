import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

/// Untrusted files: every damaged or unsupported graph is a readable thrown error.
@Suite("ONNX import: malformed and unsupported files")
struct ONNXImportMalformedTests {
    typealias Support = ONNXTestSupport

    /// A small exported MLP as a protobuf message to damage.
    private func mlp() throws -> Onnx_ModelProto {
        let model = Sequential {
            Input(shape: [4])
            Dense(3, activation: .relu)
            Dense(2)
        }
        Support.randomize(model)
        return try Support.exported(model)
    }

    /// The description of the error importing `model` throws.
    private func importError(_ model: Onnx_ModelProto) throws -> String {
        let data = try model.serializedData()
        let error = try #require(throws: ONNXImportError.self) { try ONNXImport.read(data) }
        return "\(error)"
    }

    @Test("truncated files and garbage bytes are refused, never a crash")
    func truncated() throws {
        let data = try mlp().serializedData()
        for length in [1, 7, data.count / 3, data.count / 2, data.count - 1] {
            #expect(throws: ONNXImportError.self) { try ONNXImport.read(data.prefix(length)) }
        }
        #expect(throws: ONNXImportError.self) { try ONNXImport.read(Data([0xFF, 0xFF, 0xFF, 0x0F, 0x12])) }
        #expect(throws: ONNXImportError.self) { try ONNXImport.read(Data()) }
    }

    @Test("raw_data whose length differs from the dimensions is refused with both sizes")
    func wrongRawDataSize() throws {
        var model = try mlp()
        model.graph.initializer[0].rawData = model.graph.initializer[0].rawData.dropLast(4)
        let message = try importError(model)
        #expect(message.contains("raw_data holds"))
        #expect(message.contains(model.graph.initializer[0].name))
    }

    @Test("huge and negative dimensions are refused before any allocation")
    func hugeDimensions() throws {
        var model = try mlp()
        model.graph.initializer[0].dims = [1 << 40, 1 << 40]
        #expect(try importError(model).contains("dimension"))
        model.graph.initializer[0].dims = [-3, 4]
        #expect(try importError(model).contains("negative dimension"))
        model.graph.initializer[0].dims = [1 << 20, 1 << 20]
        #expect(try importError(model).contains("elements"))
    }

    @Test("external data is refused with a readable reason")
    func externalData() throws {
        var model = try mlp()
        var location = Onnx_StringStringEntryProto()
        location.key = "location"
        location.value = "../../etc/passwd"
        model.graph.initializer[0].externalData = [location]
        model.graph.initializer[0].dataLocation = .external
        model.graph.initializer[0].rawData = Data()
        #expect(try importError(model).contains("external data paths are not supported"))
    }

    @Test("an unknown op is refused naming the node and its op type")
    func unknownOp() throws {
        var model = try mlp()
        let index = try #require(model.graph.node.firstIndex { $0.opType == "Relu" })
        model.graph.node[index].opType = "HardSwish"
        let message = try importError(model)
        #expect(message.contains("(HardSwish)"))
        #expect(message.contains(model.graph.node[index].name))
    }

    @Test("a node reading a value nobody produces (or a cycle) is refused")
    func missingInputAndCycle() throws {
        var missing = try mlp()
        missing.graph.node[1].input[0] = "nowhere"
        #expect(try importError(missing).contains("'nowhere' is not produced"))

        var cycle = try mlp()
        let last = cycle.graph.node.count - 1
        cycle.graph.node[0].input[0] = cycle.graph.node[last].output[0]
        #expect(try importError(cycle).contains("not produced by an earlier node"))
    }

    @Test("subgraphs, branches, several inputs and unknown opsets are refused")
    func graphForms() throws {
        var subgraph = try mlp()
        var attribute = Onnx_AttributeProto()
        attribute.name = "then_branch"
        attribute.type = .graph
        attribute.g = subgraph.graph
        subgraph.graph.node[0].attribute.append(attribute)
        #expect(try importError(subgraph).contains("subgraphs"))

        var branch = try mlp()
        var extra = Onnx_NodeProto()
        extra.opType = "Relu"
        extra.name = "side"
        extra.input = [branch.graph.node[0].output[0]]
        extra.output = ["side_out"]
        branch.graph.node.insert(extra, at: 1)
        #expect(try importError(branch).contains("only chains of ops"))

        var twoInputs = try mlp()
        var second = twoInputs.graph.input[0]
        second.name = "second"
        twoInputs.graph.input.append(second)
        #expect(try importError(twoInputs).contains("2 inputs"))

        var opset = try mlp()
        opset.opsetImport[0].version = 3
        #expect(try importError(opset).contains("opset 3"))
    }

    @Test("a kernel that does not fit the input is refused, not trapped on")
    func shapeMismatch() throws {
        var model = try mlp()
        // The first Gemm's kernel becomes [5, 3] while the input has 4 features.
        let floats = [Float](repeating: 0.5, count: 15)
        model.graph.initializer[0].dims = [5, 3]
        model.graph.initializer[0].rawData = floats.withUnsafeBytes { Data($0) }
        #expect(try importError(model).contains("does not fit"))
    }
}
