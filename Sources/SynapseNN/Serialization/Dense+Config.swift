// Configurations of the core layers: Dense, Activation, Dropout (Keras keys).

extension Dense: ConfigurableLayer {
    /// `units`, `activation`, `use_bias`, `kernel_initializer`, `bias_initializer`,
    /// `kernel_regularizer`, `bias_regularizer`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["units"] = .int(units)
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        config["kernel_regularizer"] = RegularizerConfig.value(of: kernelRegularizer)
        config["bias_regularizer"] = RegularizerConfig.value(of: biasRegularizer)
        return config
    }

    /// Rebuilds a `Dense` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.int("units", range: 1...LayerConfig.maximumSize),
                  activation: try config.activation(),
                  useBias: try config.bool("use_bias", default: true),
                  kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  kernelRegularizer: try config.regularizer("kernel_regularizer"),
                  biasRegularizer: try config.regularizer("bias_regularizer"),
                  name: try config.name())
    }

    /// `[..., in] → [..., units]`; kernel `[in, units]`, bias `[units]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard let inputSize = inputShape.last else { throw incompatible(inputShape, "needs inputs with at least one axis per sample") }
        var parameters = ["kernel": [inputSize, units]]
        if useBias { parameters["bias"] = [units] }
        return InferredShapes(output: inputShape.dropLast() + [units], parameters: parameters)
    }
}

extension Activation: ConfigurableLayer {
    /// `activation`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["activation"] = function.configValue
        return config
    }

    /// Rebuilds an `Activation` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.activation("activation", default: nil), name: try config.name())
    }

    /// Same shape out.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { InferredShapes(output: inputShape) }
}

extension Dropout: ConfigurableLayer {
    /// `rate`. The mask seed is not part of the config: a loaded `Dropout` draws
    /// from ``/SynapseCore/Random``.
    public var config: LayerConfig {
        var config = baseConfig()
        config["rate"] = ConfigValue(rate)
        return config
    }

    /// Rebuilds a `Dropout` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.float("rate", where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 }, name: try config.name())
    }

    /// Same shape out (the identity at inference).
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        InferredShapes(output: inputShape, preservesDType: true)
    }
}
