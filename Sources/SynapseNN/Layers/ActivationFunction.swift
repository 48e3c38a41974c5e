/// Activation functions by Keras name, for the `activation:` argument of layers
/// and the ``Activation`` layer.
///
/// ```swift
/// Dense(64, activation: .relu)
/// Dense(10, activation: .softmax)
/// ```
public enum ActivationFunction: Sendable, Hashable, CustomStringConvertible {
    /// The identity, `f(x) = x` (no activation).
    case linear
    /// Rectified linear unit, `max(x, 0)`.
    case relu
    /// Keras' default slope is 0.3.
    case leakyRelu(alpha: Float = 0.3)
    /// Exponential linear unit: `x` for `x > 0`, else `alpha · (eˣ − 1)`; `alpha` defaults to 1.
    case elu(alpha: Float = 1)
    /// Scaled ELU with the self-normalising constants of Klambauer et al.
    case selu
    /// Gaussian error linear unit, `x · Φ(x)`; `approximate: true` uses the tanh form
    /// (default `false`, the exact form).
    case gelu(approximate: Bool = false)
    /// Logistic sigmoid, `1 / (1 + e⁻ˣ)`.
    case sigmoid
    /// Hyperbolic tangent.
    case tanh
    /// Softplus, `log(1 + eˣ)`.
    case softplus
    /// Softsign, `x / (1 + |x|)`.
    case softsign
    /// Swish, `x · sigmoid(x)` (also called SiLU).
    case swish
    /// Softmax along the last axis.
    case softmax
    /// Log-softmax along the last axis.
    case logSoftmax

    /// Looks an activation up by its Keras name ("relu", "leaky_relu", "silu", ...).
    ///
    /// Parametrised activations get their default parameters (`leaky_relu` gives
    /// `.leakyRelu(alpha: 0.3)`). Returns `nil` for an unknown name.
    ///
    /// - Parameter name: the Keras name, case-insensitive; "none" and "identity" mean
    ///   ``ActivationFunction/linear``, "silu" means ``ActivationFunction/swish``.
    public init?(name: String) {
        switch name.lowercased() {
        case "linear", "none", "identity": self = .linear
        case "relu": self = .relu
        case "leaky_relu", "leakyrelu": self = .leakyRelu()
        case "elu": self = .elu()
        case "selu": self = .selu
        case "gelu": self = .gelu()
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "softplus": self = .softplus
        case "softsign": self = .softsign
        case "swish", "silu": self = .swish
        case "softmax": self = .softmax
        case "log_softmax": self = .logSoftmax
        default: return nil
        }
    }

    /// The Keras name.
    public var name: String {
        switch self {
        case .linear: "linear"
        case .relu: "relu"
        case .leakyRelu: "leaky_relu"
        case .elu: "elu"
        case .selu: "selu"
        case .gelu: "gelu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .softplus: "softplus"
        case .softsign: "softsign"
        case .swish: "swish"
        case .softmax: "softmax"
        case .logSoftmax: "log_softmax"
        }
    }

    public var description: String { name }

    /// Applies the function element-wise (softmax and log-softmax along the last axis).
    ///
    /// - Parameter x: a tensor of any shape.
    /// - Returns: a tensor of the same shape as `x`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: x
        case .relu: x.relu()
        case .leakyRelu(let alpha): x.leakyRelu(alpha: alpha)
        case .elu(let alpha): x.elu(alpha: alpha)
        case .selu: x.selu()
        case .gelu(let approximate): x.gelu(approximate: approximate)
        case .sigmoid: x.sigmoid()
        case .tanh: x.tanh()
        case .softplus: x.softplus()
        case .softsign: x.softsign()
        case .swish: x.swish()
        case .softmax: x.softmax(axis: -1)
        case .logSoftmax: x.logSoftmax(axis: -1)
        }
    }
}

/// Applies an activation function (Keras' `Activation` layer).
///
/// - Shapes: output has the input's shape.
public final class Activation: Layer {
    /// The function applied.
    public let function: ActivationFunction

    /// Creates a layer that applies `function`.
    ///
    /// - Parameters:
    ///   - function: the activation to apply.
    ///   - name: the layer's name; `nil` (the default) uses the type's name in snake
    ///     case ("activation"), made unique by the enclosing model.
    public init(_ function: ActivationFunction, name: String? = nil) {
        self.function = function
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor { function(input) }
}
