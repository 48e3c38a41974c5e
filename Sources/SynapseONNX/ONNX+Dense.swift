import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// `Dense`: `Gemm` on `[batch, features]`, `MatMul` + `Add` on higher ranks
    /// (the kernel `[in, out]` multiplies the last axis), then the activation.
    mutating func exportDense(_ dense: Dense) throws {
        try exportDenseCore(dense)
        try exportActivation(dense.activation, scope: dense.name)
    }

    /// The affine part of a `Dense` layer, on a channels-last value.
    private mutating func exportDenseCore(_ dense: Dense) throws {
        toChannelsLast(scope: dense.name)
        guard value.shape.last == dense.kernel.shape[0] else {
            throw Self.refuse(dense, "its kernel \(dense.kernel.shape) does not fit inputs of per-sample shape \(value.shape)")
        }
        let kernel = graph.tensor(dense.kernel.value, name: "\(dense.name).kernel")
        let bias = dense.bias.map { graph.tensor($0.value, name: "\(dense.name).bias") }
        if value.shape.count == 1 {
            value.name = graph.node("Gemm", [value.name, kernel] + (bias.map { [$0] } ?? []), scope: dense.name)
        } else {
            value.name = graph.node("MatMul", [value.name, kernel], scope: dense.name)
            if let bias { value.name = graph.node("Add", [value.name, bias], scope: dense.name) }
        }
    }

    /// `TimeDistributed` of a layer that acts on the last axis only (`Dense`,
    /// `Activation`, `Dropout`): the inner layer applied to `[batch, time, ...]` directly.
    mutating func exportTimeDistributed(_ layer: TimeDistributed) throws {
        toChannelsLast(scope: layer.name)
        switch layer.layer {
        case let dense as Dense: try exportDense(dense)
        case let activation as Activation: try exportActivation(activation.function, scope: activation.name)
        case is Dropout: break
        default:
            throw Self.refuse(layer, "TimeDistributed(\(Self.typeName(layer.layer))) is not exported (Dense, Activation and Dropout are)")
        }
    }
}
