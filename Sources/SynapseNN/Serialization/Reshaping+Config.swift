// Configurations of Cropping2D, Permute and RepeatVector (Keras keys).

extension Cropping2D: ConfigurableLayer {
    /// `cropping` as `[[top, bottom], [left, right]]`. Reading also accepts one
    /// integer, `[rows, columns]` (symmetric) and a mix such as `[[1, 2], 3]`, as Keras
    /// does, and `data_format` when it is "channels_last".
    public var config: LayerConfig {
        var config = baseConfig()
        config["cropping"] = [ConfigValue([cropping.0.0, cropping.0.1]), ConfigValue([cropping.1.0, cropping.1.1])]
        return config
    }

    /// Rebuilds a `Cropping2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireChannelsLast()
        let range = 0...LayerConfig.maximumSize
        guard let value = config["cropping"], !value.isNull else {
            self.init(name: try config.name())
            return
        }
        // One side's pair: `n` (symmetric) or `[before, after]`.
        func pair(_ value: ConfigValue) -> (Int, Int)? {
            if let single = value.intValue { return range.contains(single) ? (single, single) : nil }
            guard let elements = value.arrayValue, elements.count == 2, let first = elements[0].intValue,
                  let second = elements[1].intValue, range.contains(first), range.contains(second) else { return nil }
            return (first, second)
        }
        if let single = value.intValue, range.contains(single) {
            self.init(single, name: try config.name())
        } else if let sides = value.arrayValue, sides.count == 2, let vertical = pair(sides[0]), let horizontal = pair(sides[1]) {
            self.init(cropping: (vertical, horizontal), name: try config.name())
        } else {
            throw config.invalid("cropping", "must be an integer, [rows, columns] or [[top, bottom], [left, right]] with integers in \(range), found \(value)")
        }
    }

    /// `[H, W, C] → [H − top − bottom, W − left − right, C]`; at least one row and
    /// one column must remain.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        let ((top, bottom), (left, right)) = cropping
        let (height, width) = (inputShape[0] - top - bottom, inputShape[1] - left - right)
        guard height > 0, width > 0 else {
            throw incompatible(inputShape, "cropping ((\(top), \(bottom)), (\(left), \(right))) leaves no rows or no columns")
        }
        return InferredShapes(output: [height, width, inputShape[2]], preservesDType: true)
    }
}

extension Permute: ConfigurableLayer {
    /// `dims` (1-based per-sample axes).
    public var config: LayerConfig {
        var config = baseConfig()
        config["dims"] = ConfigValue(dims)
        return config
    }

    /// Rebuilds a `Permute` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let dims = try config.intArray("dims", range: 1...8)
        guard !dims.isEmpty, dims.sorted() == Array(1...dims.count) else {
            throw config.invalid("dims", "must be a permutation of 1...n (per-sample axes, counted from 1), found \(ConfigValue(dims))")
        }
        self.init(dims, name: try config.name())
    }

    /// The input's per-sample dimensions in the order of `dims`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == dims.count else {
            throw incompatible(inputShape, "dims \(dims) permute \(dims.count) per-sample axes, the input has \(inputShape.count)")
        }
        return InferredShapes(output: dims.map { inputShape[$0 - 1] }, preservesDType: true)
    }
}

extension RepeatVector: ConfigurableLayer {
    /// `n`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["n"] = .int(n)
        return config
    }

    /// Rebuilds a `RepeatVector` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.int("n", range: 1...LayerConfig.maximumSize), name: try config.name())
    }

    /// `[features] → [n, features]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 1 else { throw incompatible(inputShape, "expected per-sample shape [features]") }
        guard ShapeArithmetic.elementCount([n, inputShape[0]]) != nil else { throw incompatible(inputShape, "too many elements") }
        return InferredShapes(output: [n, inputShape[0]], preservesDType: true)
    }
}
