// Configuration of MultiHeadAttention (Keras keys).

extension MultiHeadAttention: ConfigurableLayer {
    /// `num_heads`, `key_dim`, `value_dim`, `dropout`, `use_bias`, `output_shape`,
    /// `kernel_initializer`, `bias_initializer`; `use_causal_mask` only when set
    /// (Keras passes it at call time and would refuse the key).
    public var config: LayerConfig {
        var config = baseConfig()
        config["num_heads"] = .int(numHeads)
        config["key_dim"] = .int(keyDim)
        config["value_dim"] = .int(valueDim)
        config["dropout"] = ConfigValue(dropout)
        config["use_bias"] = .bool(useBias)
        config["output_shape"] = outputDim.map { .int($0) } ?? .null
        config["attention_axes"] = .null
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        if useCausalMask { config["use_causal_mask"] = .bool(true) }
        return config
    }

    /// Rebuilds a `MultiHeadAttention` from ``config`` (Keras' own configs too).
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        // Keras writes the axes it resolved at build time: [1] for sequences.
        if let axes = config["attention_axes"], !axes.isNull {
            let list = axes.arrayValue ?? [axes]
            guard list.count == 1, let axis = list[0].intValue, axis == 1 || axis == -2 else {
                throw config.invalid("attention_axes", "only attention over the steps axis (null, 1 or [1]) is supported, found \(axes)")
            }
        }
        var outputDim: Int?
        if let value = config["output_shape"], !value.isNull {
            // Keras writes an integer or a one-element list.
            var single = config
            single["output_shape"] = value.arrayValue?.count == 1 ? value.arrayValue![0] : value
            outputDim = try single.int("output_shape", range: 1...LayerConfig.maximumSize)
        }
        let keyDim = try config.int("key_dim", range: 1...LayerConfig.maximumSize)
        self.init(numHeads: try config.int("num_heads", range: 1...4096), keyDim: keyDim,
                  valueDim: try config.int("value_dim", default: keyDim, range: 1...LayerConfig.maximumSize),
                  dropout: try config.float("dropout", default: 0, where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 },
                  useBias: try config.bool("use_bias", default: true), outputDim: outputDim,
                  useCausalMask: try config.bool("use_causal_mask", default: false),
                  kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  name: try config.name())
    }
}

extension PositionEmbedding: ConfigurableLayer {
    /// `sequence_length` and `initializer` (keras-hub's keys).
    public var config: LayerConfig {
        var config = baseConfig()
        config["sequence_length"] = .int(sequenceLength)
        config["initializer"] = InitializerConfig.value(of: initializer)
        return config
    }

    /// Rebuilds a `PositionEmbedding` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(sequenceLength: try config.int("sequence_length", range: 1...LayerConfig.maximumSize),
                  initializer: try config.initializer("initializer", default: .glorotUniform()), name: try config.name())
    }

    /// Same shape out; `embeddings` `[sequenceLength, D]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 2, inputShape[0] <= sequenceLength else {
            throw incompatible(inputShape, "expects sequences [steps ≤ \(sequenceLength), features]")
        }
        return InferredShapes(output: inputShape, parameters: ["embeddings": [sequenceLength, inputShape[1]]])
    }
}
