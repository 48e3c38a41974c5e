// Configurations of the recurrent layers (Keras keys): Embedding, Masking,
// SimpleRNN, LSTM, GRU.

extension Embedding: ConfigurableLayer {
    /// `input_dim`, `output_dim`, `mask_zero`, `embeddings_initializer`, `embeddings_regularizer`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["input_dim"] = .int(inputDim)
        config["output_dim"] = .int(outputDim)
        config["mask_zero"] = .bool(maskZero)
        config["embeddings_initializer"] = InitializerConfig.value(of: embeddingsInitializer)
        config["embeddings_regularizer"] = RegularizerConfig.value(of: embeddingsRegularizer)
        return config
    }

    /// Rebuilds an `Embedding` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(inputDim: try config.int("input_dim", range: 1...LayerConfig.maximumSize),
                  outputDim: try config.int("output_dim", range: 1...LayerConfig.maximumSize),
                  maskZero: try config.bool("mask_zero", default: false),
                  embeddingsInitializer: try config.initializer("embeddings_initializer",
                                                                default: .randomUniform(minimum: -0.05, maximum: 0.05)),
                  embeddingsRegularizer: try config.regularizer("embeddings_regularizer"),
                  name: try config.name())
    }

    /// `[...] → [..., outputDim]`; takes integer ids.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        InferredShapes(output: inputShape + [outputDim], parameters: ["embeddings": [inputDim, outputDim]], acceptsAnyDType: true)
    }
}

extension Masking: ConfigurableLayer {
    /// `mask_value`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["mask_value"] = ConfigValue(maskValue)
        return config
    }

    /// Rebuilds a `Masking` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(maskValue: try config.float("mask_value", default: 0), name: try config.name())
    }

    /// Same shape out.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { InferredShapes(output: inputShape) }
}

extension RecurrentLayer {
    /// The keys every recurrent layer shares.
    func recurrentConfig(_ base: LayerConfig) -> LayerConfig {
        var config = base
        config["units"] = .int(units)
        config["activation"] = activation.configValue
        config["recurrent_activation"] = recurrentActivation.configValue
        config["use_bias"] = .bool(useBias)
        config["return_sequences"] = .bool(returnSequences)
        config["return_state"] = .bool(returnState)
        config["go_backwards"] = .bool(goBackwards)
        config["dropout"] = ConfigValue(dropout)
        config["recurrent_dropout"] = ConfigValue(recurrentDropout)
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["recurrent_initializer"] = InitializerConfig.value(of: recurrentInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        return config
    }

    /// The constructor arguments every recurrent layer shares, read and validated.
    struct Arguments {
        var units: Int
        var activation: ActivationFunction
        var recurrentActivation: ActivationFunction
        var useBias, returnSequences, returnState, goBackwards: Bool
        var dropout, recurrentDropout: Float
        var kernelInitializer, recurrentInitializer, biasInitializer: any Initializer
        var name: String?

        init(_ config: LayerConfig) throws {
            units = try config.int("units", range: 1...LayerConfig.maximumSize)
            activation = try config.activation("activation", default: .tanh)
            recurrentActivation = try config.activation("recurrent_activation", default: .sigmoid)
            for (key, function) in [("activation", activation), ("recurrent_activation", recurrentActivation)]
            where RecurrentLayer.coreActivation(function) == nil {
                throw config.invalid(key, "must be tanh, sigmoid, relu or linear for a recurrent layer")
            }
            useBias = try config.bool("use_bias", default: true)
            returnSequences = try config.bool("return_sequences", default: false)
            returnState = try config.bool("return_state", default: false)
            goBackwards = try config.bool("go_backwards", default: false)
            dropout = try config.float("dropout", default: 0, where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 }
            recurrentDropout = try config.float("recurrent_dropout", default: 0, where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 }
            kernelInitializer = try config.initializer("kernel_initializer", default: .glorotUniform())
            recurrentInitializer = try config.initializer("recurrent_initializer", default: .orthogonal())
            biasInitializer = try config.initializer("bias_initializer", default: .zeros)
            name = try config.name()
        }
    }

    /// `[time, features] → [time, units]` or `[units]`.
    func recurrentShapes(_ inputShape: [Int], incompatible: ([Int], String) -> ModelFileError) throws -> InferredShapes {
        guard inputShape.count == 2 else { throw incompatible(inputShape, "needs inputs [time, features] per sample") }
        let width = cell.gateCount * units
        var parameters = ["kernel": [inputShape[1], width], "recurrent_kernel": [units, width]]
        if useBias { parameters["bias"] = biasShape }
        return InferredShapes(output: returnSequences ? [inputShape[0], units] : [units], parameters: parameters)
    }
}

extension LSTM: ConfigurableLayer {
    /// The shared recurrent keys and `unit_forget_bias`.
    public var config: LayerConfig {
        var config = recurrentConfig(baseConfig())
        config["unit_forget_bias"] = .bool(unitForgetBias)
        return config
    }

    /// Rebuilds an `LSTM` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let a = try Arguments(config)
        self.init(a.units, activation: a.activation, recurrentActivation: a.recurrentActivation, useBias: a.useBias,
                  unitForgetBias: try config.bool("unit_forget_bias", default: true), returnSequences: a.returnSequences,
                  returnState: a.returnState, goBackwards: a.goBackwards, dropout: a.dropout, recurrentDropout: a.recurrentDropout,
                  kernelInitializer: a.kernelInitializer, recurrentInitializer: a.recurrentInitializer,
                  biasInitializer: a.biasInitializer, name: a.name)
    }

    /// The output and weight shapes for a per-sample input `[time, features]`, without building.
    ///
    /// - Parameter inputShape: the per-sample input shape, `[time, features]`.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)`` for another rank.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { try recurrentShapes(inputShape, incompatible: incompatible) }
}

extension GRU: ConfigurableLayer {
    /// The shared recurrent keys and `reset_after`.
    public var config: LayerConfig {
        var config = recurrentConfig(baseConfig())
        config["reset_after"] = .bool(resetAfter)
        return config
    }

    /// Rebuilds a `GRU` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let a = try Arguments(config)
        self.init(a.units, activation: a.activation, recurrentActivation: a.recurrentActivation, useBias: a.useBias,
                  returnSequences: a.returnSequences, returnState: a.returnState, goBackwards: a.goBackwards,
                  dropout: a.dropout, recurrentDropout: a.recurrentDropout,
                  resetAfter: try config.bool("reset_after", default: true), kernelInitializer: a.kernelInitializer,
                  recurrentInitializer: a.recurrentInitializer, biasInitializer: a.biasInitializer, name: a.name)
    }

    /// The output and weight shapes for a per-sample input `[time, features]`, without building.
    ///
    /// - Parameter inputShape: the per-sample input shape, `[time, features]`.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)`` for another rank.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { try recurrentShapes(inputShape, incompatible: incompatible) }
}

extension SimpleRNN: ConfigurableLayer {
    /// The shared recurrent keys.
    public var config: LayerConfig { recurrentConfig(baseConfig()) }

    /// Rebuilds a `SimpleRNN` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let a = try Arguments(config)
        self.init(a.units, activation: a.activation, useBias: a.useBias, returnSequences: a.returnSequences,
                  returnState: a.returnState, goBackwards: a.goBackwards, dropout: a.dropout,
                  recurrentDropout: a.recurrentDropout, kernelInitializer: a.kernelInitializer,
                  recurrentInitializer: a.recurrentInitializer, biasInitializer: a.biasInitializer, name: a.name)
    }

    /// The output and weight shapes for a per-sample input `[time, features]`, without building.
    ///
    /// - Parameter inputShape: the per-sample input shape, `[time, features]`.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)`` for another rank.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? { try recurrentShapes(inputShape, incompatible: incompatible) }
}
