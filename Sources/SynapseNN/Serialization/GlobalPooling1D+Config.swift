// Configurations of GlobalAveragePooling1D and GlobalMaxPooling1D (Keras keys).

extension GlobalAveragePooling1D: ConfigurableLayer {
    /// `keepdims`. Reading also accepts `data_format` when it is "channels_last".
    public var config: LayerConfig {
        var config = baseConfig()
        config["keepdims"] = .bool(keepDims)
        return config
    }

    /// Rebuilds a `GlobalAveragePooling1D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireChannelsLast()
        self.init(keepDims: try config.bool("keepdims", default: false), name: try config.name())
    }

    /// `[steps, features] → [features]` (or `[1, features]`).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 2 else { throw incompatible(inputShape, "expected per-sample shape [steps, features]") }
        return InferredShapes(output: keepDims ? [1, inputShape[1]] : [inputShape[1]])
    }
}

extension GlobalMaxPooling1D: ConfigurableLayer {
    /// `keepdims`. Reading also accepts `data_format` when it is "channels_last".
    public var config: LayerConfig {
        var config = baseConfig()
        config["keepdims"] = .bool(keepDims)
        return config
    }

    /// Rebuilds a `GlobalMaxPooling1D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireChannelsLast()
        self.init(keepDims: try config.bool("keepdims", default: false), name: try config.name())
    }

    /// `[steps, features] → [features]` (or `[1, features]`).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 2 else { throw incompatible(inputShape, "expected per-sample shape [steps, features]") }
        return InferredShapes(output: keepDims ? [1, inputShape[1]] : [inputShape[1]])
    }
}

extension LayerConfig {
    /// Accepts a `data_format` that is absent, `null` or "channels_last" (Synapse's
    /// only layout), and throws a readable error for "channels_first" or anything else.
    func requireChannelsLast() throws {
        guard let format = try optionalString("data_format") else { return }
        guard format == "channels_last" else {
            throw invalid("data_format", "must be \"channels_last\" (Synapse's layers are channels-last), found \"\(format.prefix(40))\"")
        }
    }
}
