import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// Appends the nodes of an activation function applied to ``value`` (nothing
    /// for `linear`).
    ///
    /// Softmax and log-softmax run along Synapse's last axis, which is axis 1 of a
    /// channels-first tensor. GELU uses the `Gelu` op from opset 20 on and is built
    /// from `Erf` (exact form) or `Tanh` (approximate form) before. Swish is
    /// `x·sigmoid(x)`. SELU carries Synapse's α and λ.
    mutating func exportActivation(_ function: ActivationFunction, scope: String) throws {
        let x = value.name
        let lastAxis = value.channelsFirst ? 1 : -1
        switch function {
        case .linear: return
        case .relu: value.name = graph.node("Relu", [x], scope: scope)
        case .sigmoid: value.name = graph.node("Sigmoid", [x], scope: scope)
        case .tanh: value.name = graph.node("Tanh", [x], scope: scope)
        case .softplus: value.name = graph.node("Softplus", [x], scope: scope)
        case .softsign: value.name = graph.node("Softsign", [x], scope: scope)
        case .softmax: value.name = graph.node("Softmax", [x], scope: scope, attributes: [("axis", .int(lastAxis))])
        case .logSoftmax: value.name = graph.node("LogSoftmax", [x], scope: scope, attributes: [("axis", .int(lastAxis))])
        case .leakyRelu(let alpha): value.name = graph.node("LeakyRelu", [x], scope: scope, attributes: [("alpha", .float(alpha))])
        case .elu(let alpha): value.name = graph.node("Elu", [x], scope: scope, attributes: [("alpha", .float(alpha))])
        case .selu:
            value.name = graph.node("Selu", [x], scope: scope,
                                    attributes: [("alpha", .float(1.6732632423543772848170429916717)),
                                                 ("gamma", .float(1.0507009873554804934193349852946))])
        case .swish:
            let sigmoid = graph.node("Sigmoid", [x], scope: scope)
            value.name = graph.node("Mul", [x, sigmoid], scope: scope)
        case .gelu(let approximate):
            value.name = gelu(x, approximate: approximate, scope: scope)
        }
    }

    /// `0.5·x·(1 + erf(x/√2))`, or with `approximate` `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    private mutating func gelu(_ x: String, approximate: Bool, scope: String) -> String {
        if opset >= 20 {
            return graph.node("Gelu", [x], scope: scope, attributes: [("approximate", .string(approximate ? "tanh" : "none"))])
        }
        let inner: String
        if approximate {
            let cube = graph.node("Mul", [graph.node("Mul", [x, x], scope: scope), x], scope: scope)
            let sum = graph.node("Add", [x, graph.node("Mul", [cube, graph.floatScalar(0.044715)], scope: scope)], scope: scope)
            let scaled = graph.node("Mul", [sum, graph.floatScalar(Float((2 / Double.pi).squareRoot()))], scope: scope)
            inner = graph.node("Tanh", [scaled], scope: scope)
        } else {
            let scaled = graph.node("Mul", [x, graph.floatScalar(Float(1 / 2.0.squareRoot()))], scope: scope)
            inner = graph.node("Erf", [scaled], scope: scope)
        }
        let onePlus = graph.node("Add", [inner, graph.floatScalar(1)], scope: scope)
        let half = graph.node("Mul", [x, graph.floatScalar(0.5)], scope: scope)
        return graph.node("Mul", [half, onePlus], scope: scope)
    }
}
