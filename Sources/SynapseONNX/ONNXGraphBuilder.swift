import Foundation
import SwiftProtobuf
import SynapseCore

/// The value of one attribute of an ONNX node.
enum ONNXAttribute {
    case int(Int)
    case float(Float)
    case ints([Int])
    case floats([Float])
    case string(String)
    case strings([String])

    /// The attribute as a protobuf message named `name`.
    func proto(named name: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        switch self {
        case .int(let value):
            attribute.type = .int
            attribute.i = Int64(value)
        case .float(let value):
            attribute.type = .float
            attribute.f = value
        case .ints(let values):
            attribute.type = .ints
            attribute.ints = values.map(Int64.init)
        case .floats(let values):
            attribute.type = .floats
            attribute.floats = values
        case .string(let value):
            attribute.type = .string
            attribute.s = Data(value.utf8)
        case .strings(let values):
            attribute.type = .strings
            attribute.strings = values.map { Data($0.utf8) }
        }
        return attribute
    }
}

/// ONNX element types (`TensorProto.DataType`) the exporter writes.
enum ONNXElementType: Int32 {
    case float = 1
    case int32 = 6
    case int64 = 7
    case bool = 9
}

/// Collects the nodes and initializers of one ONNX graph, in order, and keeps
/// every value name unique.
///
/// Names: a node is named `layer/Op` (with a numeric suffix when a layer emits the
/// same op twice), its first output carries the node's name, and an initializer
/// is named after the Synapse weight it holds (`dense.kernel`). Small integer
/// constants (shapes, axes, slice bounds) are shared by value.
struct ONNXGraphBuilder {
    /// The opset the graph is written for (ops whose signature changed are emitted per opset).
    let opset: Int
    /// The nodes in topological (emission) order.
    private(set) var nodes: [Onnx_NodeProto] = []
    /// The constant tensors: weights and small integer constants.
    private(set) var initializers: [Onnx_TensorProto] = []
    private var usedNames: Set<String> = ["input", "output"]
    private var sharedConstants: [String: String] = [:]

    init(opset: Int) {
        self.opset = opset
    }

    /// `base`, or `base_1`, `base_2`, ... when `base` is taken.
    mutating func uniqueName(_ base: String) -> String {
        var candidate = base
        var suffix = 1
        while usedNames.contains(candidate) {
            candidate = "\(base)_\(suffix)"
            suffix += 1
        }
        usedNames.insert(candidate)
        return candidate
    }

    /// Appends a node with `outputCount` outputs and returns their names.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], scope: String, outputCount: Int,
                       attributes: [(String, ONNXAttribute)] = []) -> [String] {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = uniqueName("\(scope)/\(op)")
        node.input = inputs
        node.output = (0..<outputCount).map { $0 == 0 ? node.name : uniqueName("\(node.name):\($0)") }
        node.attribute = attributes.map { $0.1.proto(named: $0.0) }
        nodes.append(node)
        return node.output
    }

    /// Appends a node with one output and returns its name.
    mutating func node(_ op: String, _ inputs: [String], scope: String,
                       attributes: [(String, ONNXAttribute)] = []) -> String {
        node(op, inputs, scope: scope, outputCount: 1, attributes: attributes)[0]
    }

    /// Appends a node built by the caller (its names must already be unique).
    mutating func append(_ node: Onnx_NodeProto) {
        usedNames.formUnion(node.output)
        nodes.append(node)
    }

    /// Renames the value `old` to `new` where the last node produces it.
    ///
    /// - Returns: `false` when no node's output is `old` (the caller adds an `Identity`).
    mutating func renameOutput(_ old: String, to new: String) -> Bool {
        guard let index = nodes.lastIndex(where: { $0.output.contains(old) }),
              let slot = nodes[index].output.firstIndex(of: old) else { return false }
        nodes[index].output[slot] = new
        return true
    }

    // MARK: Initializers

    /// Adds a float32 initializer of `shape` holding `values` (row-major).
    mutating func floats(_ values: [Float], shape: [Int], name: String) -> String {
        precondition(values.count == shape.reduce(1, *), "ONNXGraphBuilder: \(values.count) values for shape \(shape)")
        return addInitializer(name: name, type: .float, shape: shape, raw: values.withUnsafeBytes { Data($0) })
    }

    /// Adds a float32 tensor as an initializer (its shape and values).
    mutating func tensor(_ tensor: Tensor, name: String) -> String {
        let values = tensor.dtype == .float32 ? tensor.scalars : tensor.to(.float32).scalars
        return floats(values, shape: tensor.shape, name: name)
    }

    /// A shared int64 constant (shapes, axes, slice bounds), `[values.count]` or a scalar when `scalar`.
    mutating func int64s(_ values: [Int], scalar: Bool = false) -> String {
        let key = "i64\(scalar ? "s" : "")" + values.map(String.init).joined(separator: ",")
        if let name = sharedConstants[key] { return name }
        let name = addInitializer(name: "const_i64_" + values.map { $0 < 0 ? "m\($0.magnitude)" : "\($0)" }.joined(separator: "_"),
                                  type: .int64, shape: scalar ? [] : [values.count],
                                  raw: values.map(Int64.init).withUnsafeBytes { Data($0) })
        sharedConstants[key] = name
        return name
    }

    /// A shared float32 scalar constant.
    mutating func floatScalar(_ value: Float) -> String {
        let key = "f32 \(value.bitPattern)"
        if let name = sharedConstants[key] { return name }
        let name = addInitializer(name: "const_f32_\(value)", type: .float, shape: [],
                                  raw: [value].withUnsafeBytes { Data($0) })
        sharedConstants[key] = name
        return name
    }

    /// A bool initializer of `shape`.
    mutating func bools(_ values: [Bool], shape: [Int], name: String) -> String {
        addInitializer(name: name, type: .bool, shape: shape, raw: Data(values.map { $0 ? 1 : 0 }))
    }

    private mutating func addInitializer(name: String, type: ONNXElementType, shape: [Int], raw: Data) -> String {
        var proto = Onnx_TensorProto()
        proto.name = uniqueName(name)
        proto.dataType = type.rawValue
        proto.dims = shape.map(Int64.init)
        proto.rawData = raw
        initializers.append(proto)
        return proto.name
    }

    // MARK: Ops whose signature depends on the opset

    /// A reduction over `axes`: the axes are an input from opset 18 on (from 13 for
    /// `ReduceSum`), an attribute before.
    mutating func reduce(_ op: String, _ input: String, axes: [Int], keepDims: Bool, scope: String) -> String {
        let axesAsInput = opset >= 18 || (op == "ReduceSum" && opset >= 13)
        if axesAsInput {
            return node(op, [input, int64s(axes)], scope: scope, attributes: [("keepdims", .int(keepDims ? 1 : 0))])
        }
        return node(op, [input], scope: scope, attributes: [("axes", .ints(axes)), ("keepdims", .int(keepDims ? 1 : 0))])
    }

    /// `Transpose` by `permutation`.
    mutating func transpose(_ input: String, _ permutation: [Int], scope: String) -> String {
        node("Transpose", [input], scope: scope, attributes: [("perm", .ints(permutation))])
    }

    /// `Squeeze` of `axes` (an input since opset 13).
    mutating func squeeze(_ input: String, axes: [Int], scope: String) -> String {
        node("Squeeze", [input, int64s(axes)], scope: scope)
    }

    /// `Unsqueeze` at `axes` (an input since opset 13).
    mutating func unsqueeze(_ input: String, axes: [Int], scope: String) -> String {
        node("Unsqueeze", [input, int64s(axes)], scope: scope)
    }

    /// `Reshape` to `shape` (`0` copies the input's dimension, `-1` is inferred).
    mutating func reshape(_ input: String, _ shape: [Int], scope: String) -> String {
        node("Reshape", [input, int64s(shape)], scope: scope)
    }

    /// Reverses `axis` with a `Slice` of step −1.
    mutating func reverse(_ input: String, axis: Int, scope: String) -> String {
        node("Slice", [input, int64s([-1]), int64s([Int(Int64.min)]), int64s([axis]), int64s([-1])], scope: scope)
    }
}

/// The shape of a graph input or output with a symbolic batch dimension `batch`.
func onnxValueInfo(name: String, type: ONNXElementType, perSampleShape: [Int]) -> Onnx_ValueInfoProto {
    var shape = Onnx_TensorShapeProto()
    var batch = Onnx_TensorShapeProto.Dimension()
    batch.dimParam = "batch"
    shape.dim = [batch] + perSampleShape.map { size in
        var dimension = Onnx_TensorShapeProto.Dimension()
        dimension.dimValue = Int64(size)
        return dimension
    }
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = type.rawValue
    tensorType.shape = shape
    var typeProto = Onnx_TypeProto()
    typeProto.tensorType = tensorType
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type = typeProto
    return info
}
