// Configurations of UpSampling2D, ZeroPadding2D and SpatialDropout2D (Keras keys).

extension UpSampling2D: ConfigurableLayer {
    /// `size` and `interpolation` (always "nearest").
    public var config: LayerConfig {
        var config = baseConfig()
        config["size"] = ConfigValue([size.0, size.1])
        config["interpolation"] = "nearest"
        return config
    }

    /// Rebuilds an `UpSampling2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let interpolation = try config.string("interpolation", default: "nearest")
        guard interpolation == "nearest" else {
            throw config.invalid("interpolation", "must be \"nearest\" (the only mode Synapse has), found \"\(interpolation.prefix(40))\"")
        }
        self.init(size: try config.intPair("size", default: (2, 2)), name: try config.name())
    }

    /// `[H, W, C] → [H·size.0, W·size.1, C]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        return InferredShapes(output: [inputShape[0] * size.0, inputShape[1] * size.1, inputShape[2]])
    }
}

extension ZeroPadding2D: ConfigurableLayer {
    /// `padding` as `[[top, bottom], [left, right]]`; reading also accepts one integer
    /// or `[rows, columns]` (symmetric), as Keras does.
    public var config: LayerConfig {
        var config = baseConfig()
        config["padding"] = [ConfigValue([padding.0.0, padding.0.1]), ConfigValue([padding.1.0, padding.1.1])]
        return config
    }

    /// Rebuilds a `ZeroPadding2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let range = 0...LayerConfig.maximumSize
        guard let value = config["padding"], !value.isNull else {
            self.init(padding: ((1, 1), (1, 1)), name: try config.name())
            return
        }
        func pair(_ value: ConfigValue) -> (Int, Int)? {
            guard let elements = value.arrayValue, elements.count == 2, let first = elements[0].intValue,
                  let second = elements[1].intValue, range.contains(first), range.contains(second) else { return nil }
            return (first, second)
        }
        if let rows = value.arrayValue, rows.count == 2, rows.allSatisfy({ $0.arrayValue != nil }) {
            guard let vertical = pair(rows[0]), let horizontal = pair(rows[1]) else {
                throw config.invalid("padding", "must be [[top, bottom], [left, right]] with integers in \(range), found \(value)")
            }
            self.init(padding: (vertical, horizontal), name: try config.name())
        } else {
            let (rows, columns) = try config.intPair("padding", range: range)
            self.init(padding: ((rows, rows), (columns, columns)), name: try config.name())
        }
    }

    /// `[H, W, C] → [H + top + bottom, W + left + right, C]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        return InferredShapes(output: [inputShape[0] + padding.0.0 + padding.0.1, inputShape[1] + padding.1.0 + padding.1.1, inputShape[2]])
    }
}

extension SpatialDropout2D: ConfigurableLayer {
    /// `rate`. The mask seed is not part of the config: a loaded layer draws from ``/SynapseCore/Random``.
    public var config: LayerConfig {
        var config = baseConfig()
        config["rate"] = ConfigValue(rate)
        return config
    }

    /// Rebuilds a `SpatialDropout2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.float("rate", where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 }, name: try config.name())
    }

    /// Same shape out (the identity at inference); inputs must be images.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        return InferredShapes(output: inputShape, preservesDType: true)
    }
}
