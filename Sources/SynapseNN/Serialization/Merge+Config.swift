// Configurations of the merge layers (Keras keys).

extension Add: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds an `Add` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Subtract: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds a `Subtract` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Multiply: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds a `Multiply` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Average: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds an `Average` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Maximum: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds a `Maximum` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Minimum: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }
    /// Rebuilds a `Minimum` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
}

extension Concatenate: ConfigurableLayer {
    /// `axis` (the batch dimension counted as 0; -1 is the last axis).
    public var config: LayerConfig {
        var config = baseConfig()
        config["axis"] = .int(axis)
        return config
    }

    /// Rebuilds a `Concatenate` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let axis = try config.int("axis", default: -1, range: -8...8)
        guard axis != 0 else { throw config.invalid("axis", "must not be 0, the batch axis") }
        self.init(axis: axis, name: try config.name())
    }
}

extension Dot: ConfigurableLayer {
    /// `axes` (one integer when both are equal, else a pair) and `normalize`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["axes"] = axes.0 == axes.1 ? .int(axes.0) : .array([.int(axes.0), .int(axes.1)])
        config["normalize"] = .bool(normalize)
        return config
    }

    /// Rebuilds a `Dot` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let axes = try config.intPair("axes", range: -8...8)
        guard axes.0 != 0, axes.1 != 0 else { throw config.invalid("axes", "must not contract the batch axis 0") }
        self.init(axes: axes, normalize: try config.bool("normalize", default: false), name: try config.name())
    }
}

extension ConfigurableLayer where Self: MultiInputLayer {
    /// The output shape for one input, from
    /// ``MultiInputLayer/outputShape(forInputShapes:)``; several inputs are inferred
    /// by the functional model that connects them.
    ///
    /// - Parameter inputShape: the per-sample shape of the single input, without the batch dimension.
    /// - Returns: the per-sample output shape (no parameters), or `nil` when the layer
    ///   cannot tell the shape of a single input.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take one input of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        do {
            return try outputShape(forInputShapes: [inputShape]).map { InferredShapes(output: $0, preservesDType: true) }
        } catch let error as InputShapeError {
            throw incompatible(inputShape, error.reason)
        }
    }
}
