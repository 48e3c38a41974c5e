// Configurations of the pooling layers (Keras keys).

extension MaxPooling2D: ConfigurableLayer {
    /// `pool_size`, `strides` (`null`: the pool size), `padding`.
    public var config: LayerConfig { poolingConfig(baseConfig(), poolSize, strides, padding) }

    /// Rebuilds a `MaxPooling2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(poolSize: try config.intPair("pool_size", default: (2, 2)), strides: try config.optionalIntPair("strides"),
                  padding: try config.padding(), name: try config.name())
    }

    /// `[H, W, C] → [outH, outW, C]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        let (height, width) = try windowOutput(self, inputShape, window: poolSize, strides: strides ?? poolSize, padding: padding, what: "pool")
        return InferredShapes(output: [height, width, inputShape[2]])
    }
}

extension AveragePooling2D: ConfigurableLayer {
    /// `pool_size`, `strides` (`null`: the pool size), `padding`.
    public var config: LayerConfig { poolingConfig(baseConfig(), poolSize, strides, padding) }

    /// Rebuilds an `AveragePooling2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(poolSize: try config.intPair("pool_size", default: (2, 2)), strides: try config.optionalIntPair("strides"),
                  padding: try config.padding(), name: try config.name())
    }

    /// `[H, W, C] → [outH, outW, C]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        let (height, width) = try windowOutput(self, inputShape, window: poolSize, strides: strides ?? poolSize, padding: padding, what: "pool")
        return InferredShapes(output: [height, width, inputShape[2]])
    }
}

extension GlobalAveragePooling2D: ConfigurableLayer {
    /// `keepdims`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["keepdims"] = .bool(keepDims)
        return config
    }

    /// Rebuilds a `GlobalAveragePooling2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(keepDims: try config.bool("keepdims", default: false), name: try config.name())
    }

    /// `[H, W, C] → [C]` (or `[1, 1, C]`).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        return InferredShapes(output: keepDims ? [1, 1, inputShape[2]] : [inputShape[2]])
    }
}

extension GlobalMaxPooling2D: ConfigurableLayer {
    /// `keepdims`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["keepdims"] = .bool(keepDims)
        return config
    }

    /// Rebuilds a `GlobalMaxPooling2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(keepDims: try config.bool("keepdims", default: false), name: try config.name())
    }

    /// `[H, W, C] → [C]` (or `[1, 1, C]`).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        return InferredShapes(output: keepDims ? [1, 1, inputShape[2]] : [inputShape[2]])
    }
}

/// The shared configuration of the 2-D pooling layers.
private func poolingConfig(_ base: LayerConfig, _ poolSize: (Int, Int), _ strides: (Int, Int)?, _ padding: Padding) -> LayerConfig {
    var config = base
    config["pool_size"] = ConfigValue([poolSize.0, poolSize.1])
    config["strides"] = strides.map { ConfigValue([$0.0, $0.1]) } ?? .null
    config["padding"] = .string(padding.rawValue)
    return config
}
