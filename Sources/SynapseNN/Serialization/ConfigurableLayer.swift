/// A layer that can describe its constructor arguments as a ``LayerConfig`` and be
/// rebuilt from one — what model files store as the architecture (Keras'
/// `get_config` / `from_config`).
///
/// Every built-in layer conforms. To save models with a custom layer, conform it
/// and register it once, before loading (the registration hook):
///
/// ```swift
/// final class Scale: Layer, ConfigurableLayer {
///     let factor: Float
///     init(factor: Float, name: String? = nil) { self.factor = factor; super.init(name: name) }
///     override func forward(_ input: Tensor, training: Bool) -> Tensor { input * factor }
///
///     var config: LayerConfig {
///         var config = baseConfig()
///         config["factor"] = ConfigValue(factor)
///         return config
///     }
///     convenience init(config: LayerConfig) throws {
///         self.init(factor: try config.float("factor"), name: try config.name())
///     }
/// }
/// LayerRegistry.register(Scale.self)
/// ```
///
/// Weights are not part of the config: a model file stores them as tensors.
public protocol ConfigurableLayer: Layer {
    /// The name the class is registered under and written as `class_name`; by
    /// default the Swift type name ("Dense").
    static var className: String { get }

    /// The constructor arguments, including `name` and `trainable` (start from
    /// ``baseConfig()``).
    var config: LayerConfig { get }

    /// Rebuilds the layer (unbuilt, without weights) from ``config``.
    ///
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the
    ///   wrong type or out of range. It must not trap on any input: validate every
    ///   value the layer's initializer would check with a precondition.
    ///
    /// - Parameter config: the layer's config, as ``config`` produced it or as read from a file.
    init(config: LayerConfig) throws

    /// The per-sample output shape and the parameter shapes for a per-sample input
    /// shape, computed without building (so a model file is checked before anything
    /// is allocated), or `nil` when the layer cannot tell without building (the
    /// default).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the output and parameter shapes, or `nil` when unknown without building.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    func inferShapes(inputShape: [Int]) throws -> InferredShapes?
}

extension ConfigurableLayer {
    /// The Swift type name.
    public static var className: String { String(describing: self) }

    /// Unknown without building.
    ///
    /// - Parameter inputShape: the per-sample input shape; ignored.
    /// - Returns: `nil`.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { nil }

    /// A config with this layer's class name, `name` and `trainable` flag, to which
    /// conformers add their arguments.
    public func baseConfig() -> LayerConfig {
        LayerConfig(className: Self.className, values: ["name": .string(name), "trainable": .bool(isTrainable)])
    }

    /// An ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)`` naming this layer.
    ///
    /// - Parameters:
    ///   - inputShape: the per-sample input shape the layer cannot take.
    ///   - reason: why, e.g. "expects rank 3".
    /// - Returns: the error, to throw from ``ConfigurableLayer/inferShapes(inputShape:)``.
    public func incompatible(_ inputShape: [Int], _ reason: String) -> ModelFileError {
        .incompatibleShape(layer: name, className: Self.className, inputShape: inputShape, reason: reason)
    }
}

/// What ``ConfigurableLayer/inferShapes(inputShape:)`` computes for one layer.
public struct InferredShapes: Sendable, Hashable {
    /// Per-sample output shape.
    public var output: [Int]
    /// The shape of each parameter the layer creates, by its short name ("kernel").
    public var parameters: [String: [Int]]
    /// Whether the layer passes inputs of any dtype through (Input, Flatten,
    /// Reshape, dropout); otherwise it takes float32 inputs and returns float32.
    public var preservesDType: Bool
    /// Whether the layer takes inputs of any dtype and returns float32 (Embedding's ids).
    public var acceptsAnyDType: Bool

    /// - Parameters:
    ///   - output: per-sample output shape.
    ///   - parameters: parameter shapes by short name.
    ///   - preservesDType: `true` for layers that only move or pass values through.
    ///   - acceptsAnyDType: `true` for layers that take integer inputs (Embedding).
    public init(output: [Int], parameters: [String: [Int]] = [:], preservesDType: Bool = false, acceptsAnyDType: Bool = false) {
        (self.output, self.parameters, self.preservesDType) = (output, parameters, preservesDType)
        self.acceptsAnyDType = acceptsAnyDType
    }
}
