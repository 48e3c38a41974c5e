// Configurations of the normalization layers (Keras keys).

extension BatchNormalization: ConfigurableLayer {
    /// `axis` (always -1: channels last), `momentum`, `epsilon`, `center`, `scale`, `synchronized`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["axis"] = -1
        config["momentum"] = ConfigValue(momentum)
        config["epsilon"] = ConfigValue(epsilon)
        config["center"] = .bool(center)
        config["scale"] = .bool(scale)
        config["synchronized"] = .bool(synchronized)
        return config
    }

    /// Rebuilds a `BatchNormalization` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireLastAxis()
        self.init(momentum: try config.float("momentum", default: 0.99, where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 },
                  epsilon: try config.float("epsilon", default: 1e-3, where: "a number > 0") { $0 > 0 },
                  center: try config.bool("center", default: true), scale: try config.bool("scale", default: true),
                  synchronized: try config.bool("synchronized", default: false), name: try config.name())
    }

    /// Same shape out; `gamma`, `beta`, `moving_mean`, `moving_variance` of `[channels]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard let channels = inputShape.last else { throw incompatible(inputShape, "needs inputs with at least one axis per sample") }
        var parameters = ["moving_mean": [channels], "moving_variance": [channels]]
        if scale { parameters["gamma"] = [channels] }
        if center { parameters["beta"] = [channels] }
        return InferredShapes(output: inputShape, parameters: parameters)
    }
}

extension LayerNormalization: ConfigurableLayer {
    /// `axis` (always -1), `epsilon`, `center`, `scale`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["axis"] = -1
        config["epsilon"] = ConfigValue(epsilon)
        config["center"] = .bool(center)
        config["scale"] = .bool(scale)
        return config
    }

    /// Rebuilds a `LayerNormalization` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireLastAxis()
        self.init(epsilon: try config.float("epsilon", default: 1e-3, where: "a number > 0") { $0 > 0 },
                  center: try config.bool("center", default: true), scale: try config.bool("scale", default: true),
                  name: try config.name())
    }

    /// Same shape out; `gamma`, `beta` of `[features]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard let features = inputShape.last else { throw incompatible(inputShape, "needs inputs with at least one axis per sample") }
        var parameters: [String: [Int]] = [:]
        if scale { parameters["gamma"] = [features] }
        if center { parameters["beta"] = [features] }
        return InferredShapes(output: inputShape, parameters: parameters)
    }
}

extension LayerConfig {
    /// Synapse normalizes the last axis only; a config naming another axis is rejected.
    fileprivate func requireLastAxis() throws {
        guard let value = values["axis"], !value.isNull else { return }
        guard value.intValue == -1 || value.arrayValue.map({ $0.count == 1 && $0[0].intValue == -1 }) == true else {
            throw invalid("axis", "must be -1 (Synapse normalizes the last axis), found \(value)")
        }
    }
}
