import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// `BatchNormalization` in inference mode: the ONNX op with the moving mean and
    /// variance, on channels-first data (images stay NCHW; `[batch, C]` needs no
    /// transpose; sequences are moved to `[N, C, T]`). Missing `gamma`/`beta`
    /// become ones/zeros.
    mutating func exportBatchNormalization(_ norm: BatchNormalization) throws {
        guard let channels = value.shape.last else { throw Self.refuse(norm, "needs inputs with a feature axis") }
        toChannelsFirst(scope: norm.name)
        let scale = norm.gamma.map { graph.tensor($0.value, name: "\(norm.name).gamma") }
            ?? graph.floats(Array(repeating: 1, count: channels), shape: [channels], name: "\(norm.name).gamma")
        let shift = norm.beta.map { graph.tensor($0.value, name: "\(norm.name).beta") }
            ?? graph.floats(Array(repeating: 0, count: channels), shape: [channels], name: "\(norm.name).beta")
        let mean = graph.tensor(norm.movingMean.value, name: "\(norm.name).moving_mean")
        let variance = graph.tensor(norm.movingVariance.value, name: "\(norm.name).moving_variance")
        value.name = graph.node("BatchNormalization", [value.name, scale, shift, mean, variance], scope: norm.name,
                                attributes: [("epsilon", .float(norm.epsilon))])
    }

    /// `LayerNormalization` over the last axis: the ONNX op from opset 17 on; before,
    /// `(x − mean)/√(var + ε)` from `ReduceMean`, then `gamma` and `beta`.
    mutating func exportLayerNormalization(_ norm: LayerNormalization) throws {
        guard let features = value.shape.last else { throw Self.refuse(norm, "needs inputs with a feature axis") }
        toChannelsLast(scope: norm.name)
        let scope = norm.name
        if opset >= 17 {
            let scale = norm.gamma.map { graph.tensor($0.value, name: "\(norm.name).gamma") }
                ?? graph.floats(Array(repeating: 1, count: features), shape: [features], name: "\(norm.name).gamma")
            let shift = norm.beta.map { graph.tensor($0.value, name: "\(norm.name).beta") }
            value.name = graph.node("LayerNormalization", [value.name, scale] + (shift.map { [$0] } ?? []), scope: scope,
                                    attributes: [("axis", .int(-1)), ("epsilon", .float(norm.epsilon))])
            return
        }
        let mean = graph.reduce("ReduceMean", value.name, axes: [-1], keepDims: true, scope: scope)
        let centered = graph.node("Sub", [value.name, mean], scope: scope)
        let variance = graph.reduce("ReduceMean", graph.node("Mul", [centered, centered], scope: scope), axes: [-1],
                                    keepDims: true, scope: scope)
        let deviation = graph.node("Sqrt", [graph.node("Add", [variance, graph.floatScalar(norm.epsilon)], scope: scope)],
                                   scope: scope)
        value.name = graph.node("Div", [centered, deviation], scope: scope)
        if let gamma = norm.gamma {
            value.name = graph.node("Mul", [value.name, graph.tensor(gamma.value, name: "\(norm.name).gamma")], scope: scope)
        }
        if let beta = norm.beta {
            value.name = graph.node("Add", [value.name, graph.tensor(beta.value, name: "\(norm.name).beta")], scope: scope)
        }
    }

    /// `Rescaling`: `Mul` by the scale (unless 1), `Add` of the offset (unless 0),
    /// in either layout.
    mutating func exportRescaling(_ layer: Rescaling) {
        if !value.isFloat {
            value.name = graph.node("Cast", [value.name], scope: layer.name,
                                    attributes: [("to", .int(Int(ONNXElementType.float.rawValue)))])
            value.isFloat = true
        }
        if layer.scale != 1 { value.name = graph.node("Mul", [value.name, graph.floatScalar(layer.scale)], scope: layer.name) }
        if layer.offset != 0 { value.name = graph.node("Add", [value.name, graph.floatScalar(layer.offset)], scope: layer.name) }
    }
}
