import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining

/// Helpers shared by the ONNX export tests.
enum ONNXTestSupport {
    /// Gives every parameter of `model` seeded normal values (×0.5), so that no
    /// bias is zero and no weight is at its initial value.
    static func randomize(_ model: Sequential, seed: UInt64 = 7) {
        model.buildFromDeclaredInput()
        var generator = RandomGenerator(seed: seed)
        for parameter in model.parameters {
            var values = Tensor.randomNormal(parameter.value.shape, standardDeviation: 0.5, generator: &generator)
            if parameter.name == "moving_variance" { values = values.abs() + 0.5 }
            parameter.assign(values)
        }
    }

    /// The exported model, parsed back from its bytes.
    static func exported(_ model: Sequential, opset: Int = 17) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try model.onnxModelData(opset: opset))
    }

    /// The op types of the graph's nodes, in order.
    static func operators(_ model: Onnx_ModelProto) -> [String] { model.graph.node.map(\.opType) }

    /// The initializer named `name`.
    static func initializer(_ model: Onnx_ModelProto, _ name: String) -> Onnx_TensorProto? {
        model.graph.initializer.first { $0.name == name }
    }

    /// A float32 initializer's values.
    static func floats(_ tensor: Onnx_TensorProto) -> [Float] {
        tensor.rawData.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The first node of type `op`.
    static func node(_ model: Onnx_ModelProto, _ op: String) -> Onnx_NodeProto? {
        model.graph.node.first { $0.opType == op }
    }

    /// An integer-list attribute of `node`.
    static func ints(_ node: Onnx_NodeProto?, _ name: String) -> [Int]? {
        node?.attribute.first { $0.name == name }.map { $0.ints.map(Int.init) }
    }

    /// An integer attribute of `node`.
    static func int(_ node: Onnx_NodeProto?, _ name: String) -> Int? {
        node?.attribute.first { $0.name == name }.map { Int($0.i) }
    }

    /// A string attribute of `node`.
    static func string(_ node: Onnx_NodeProto?, _ name: String) -> String? {
        node?.attribute.first { $0.name == name }.map { String(decoding: $0.s, as: UTF8.self) }
    }
}
