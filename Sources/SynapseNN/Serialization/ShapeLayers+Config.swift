// Configurations of Input, Flatten and Reshape (Keras keys).

extension Input: ConfigurableLayer {
    /// `shape` (per sample) and `dtype` ("float32", "int32" or "bool"). Reading also
    /// accepts Keras' `batch_shape` / `batch_input_shape` (batch dimension first).
    public var config: LayerConfig {
        var config = baseConfig()
        config["shape"] = ConfigValue(shape)
        config["dtype"] = .string(dtype.rawValue)
        return config
    }

    /// Rebuilds an `Input` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let shape: [Int]
        if config.contains("shape") {
            shape = try config.intArray("shape")
        } else if let key = ["batch_shape", "batch_input_shape"].first(where: config.contains) {
            guard let batchShape = config[key]?.arrayValue, !batchShape.isEmpty else {
                throw config.invalid(key, "must be a list starting with the batch dimension")
            }
            var perSample = config
            perSample["shape"] = .array(Array(batchShape.dropFirst()))
            shape = try perSample.intArray("shape")
        } else {
            throw ModelFileError.missingConfigKey(layer: config.layerName, className: config.className, key: "shape")
        }
        let dtypeName = try config.string("dtype", default: "float32")
        guard let dtype = DType(rawValue: dtypeName) else {
            throw config.invalid("dtype", "must be float32, int32 or bool, found \"\(dtypeName.prefix(40))\"")
        }
        self.init(shape: shape, dtype: dtype, name: try config.name())
    }

    /// Checks that inputs have the declared shape.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape == shape else { throw incompatible(inputShape, "the model declares inputs of shape \(Shape.describe(shape))") }
        return InferredShapes(output: shape, preservesDType: true)
    }
}

extension Flatten: ConfigurableLayer {
    /// No arguments besides `name` and `trainable`.
    public var config: LayerConfig { baseConfig() }

    /// Rebuilds a `Flatten` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(name: try config.name())
    }

    /// `[d1, d2, ...] → [d1·d2·…]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard let count = ShapeArithmetic.elementCount(inputShape) else { throw incompatible(inputShape, "too many elements") }
        return InferredShapes(output: [count], preservesDType: true)
    }
}

extension Reshape: ConfigurableLayer {
    /// `target_shape` (per sample; one entry may be -1).
    public var config: LayerConfig {
        var config = baseConfig()
        config["target_shape"] = ConfigValue(targetShape)
        return config
    }

    /// Rebuilds a `Reshape` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let target = try config.intArray("target_shape", range: -1...LayerConfig.maximumSize)
        guard !target.contains(0), target.filter({ $0 == -1 }).count <= 1 else {
            throw config.invalid("target_shape", "must hold positive sizes and at most one -1, found \(ConfigValue(target))")
        }
        self.init(target, name: try config.name())
    }

    /// The target shape, with a -1 resolved; the element count must not change.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard let count = ShapeArithmetic.elementCount(inputShape),
              let known = ShapeArithmetic.elementCount(targetShape.filter { $0 != -1 }), known > 0 else {
            throw incompatible(inputShape, "too many elements")
        }
        var output = targetShape
        if let unknown = targetShape.firstIndex(of: -1) {
            guard count % known == 0 else { throw incompatible(inputShape, "\(count) elements cannot be reshaped to \(Shape.describe(targetShape))") }
            output[unknown] = count / known
        }
        guard ShapeArithmetic.elementCount(output) == count else {
            throw incompatible(inputShape, "\(count) elements cannot be reshaped to \(Shape.describe(targetShape))")
        }
        return InferredShapes(output: output, preservesDType: true)
    }
}
