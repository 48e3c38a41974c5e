// Configurations of DepthwiseConv2D and SeparableConv2D (Keras keys).

extension DepthwiseConv2D: ConfigurableLayer {
    /// `kernel_size`, `strides`, `padding`, `depth_multiplier`, `dilation_rate`,
    /// `activation`, `use_bias`, `depthwise_initializer`, `bias_initializer`,
    /// `depthwise_regularizer`, `bias_regularizer`. Reading also accepts `data_format`
    /// when it is "channels_last".
    public var config: LayerConfig {
        var config = baseConfig()
        config["kernel_size"] = ConfigValue([kernelSize.0, kernelSize.1])
        config["strides"] = ConfigValue([strides.0, strides.1])
        config["padding"] = .string(padding.rawValue)
        config["depth_multiplier"] = .int(depthMultiplier)
        config["dilation_rate"] = ConfigValue([dilationRate.0, dilationRate.1])
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["depthwise_initializer"] = InitializerConfig.value(of: depthwiseInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        config["depthwise_regularizer"] = RegularizerConfig.value(of: depthwiseRegularizer)
        config["bias_regularizer"] = RegularizerConfig.value(of: biasRegularizer)
        return config
    }

    /// Rebuilds a `DepthwiseConv2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireChannelsLast()
        self.init(kernelSize: try config.intPair("kernel_size"), strides: try config.intPair("strides", default: (1, 1)),
                  padding: try config.padding(),
                  depthMultiplier: try config.int("depth_multiplier", default: 1, range: 1...LayerConfig.maximumSize),
                  dilationRate: try config.intPair("dilation_rate", default: (1, 1)), activation: try config.activation(),
                  useBias: try config.bool("use_bias", default: true),
                  depthwiseInitializer: try config.initializer("depthwise_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  depthwiseRegularizer: try config.regularizer("depthwise_regularizer"),
                  biasRegularizer: try config.regularizer("bias_regularizer"),
                  name: try config.name())
    }

    /// `[H, W, C] → [outH, outW, C·m]`; depthwise kernel `[kh, kw, C, m]`, bias `[C·m]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        let (height, width) = try windowOutput(self, inputShape, window: kernelSize, strides: strides,
                                               dilation: dilationRate, padding: padding, what: "kernel")
        guard let channels = ShapeArithmetic.elementCount([inputShape[2], depthMultiplier]),
              ShapeArithmetic.elementCount([height, width, channels]) != nil else {
            throw incompatible(inputShape, "too many elements")
        }
        var parameters = ["depthwise_kernel": [kernelSize.0, kernelSize.1, inputShape[2], depthMultiplier]]
        if useBias { parameters["bias"] = [channels] }
        return InferredShapes(output: [height, width, channels], parameters: parameters)
    }
}

extension SeparableConv2D: ConfigurableLayer {
    /// `filters`, `kernel_size`, `strides`, `padding`, `depth_multiplier`,
    /// `dilation_rate`, `activation`, `use_bias`, `depthwise_initializer`,
    /// `pointwise_initializer`, `bias_initializer` and the three regularizers.
    /// Reading also accepts `data_format` when it is "channels_last".
    public var config: LayerConfig {
        var config = baseConfig()
        config["filters"] = .int(filters)
        config["kernel_size"] = ConfigValue([kernelSize.0, kernelSize.1])
        config["strides"] = ConfigValue([strides.0, strides.1])
        config["padding"] = .string(padding.rawValue)
        config["depth_multiplier"] = .int(depthMultiplier)
        config["dilation_rate"] = ConfigValue([dilationRate.0, dilationRate.1])
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["depthwise_initializer"] = InitializerConfig.value(of: depthwiseInitializer)
        config["pointwise_initializer"] = InitializerConfig.value(of: pointwiseInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        config["depthwise_regularizer"] = RegularizerConfig.value(of: depthwiseRegularizer)
        config["pointwise_regularizer"] = RegularizerConfig.value(of: pointwiseRegularizer)
        config["bias_regularizer"] = RegularizerConfig.value(of: biasRegularizer)
        return config
    }

    /// Rebuilds a `SeparableConv2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        try config.requireChannelsLast()
        self.init(try config.int("filters", range: 1...LayerConfig.maximumSize),
                  kernelSize: try config.intPair("kernel_size"), strides: try config.intPair("strides", default: (1, 1)),
                  padding: try config.padding(),
                  depthMultiplier: try config.int("depth_multiplier", default: 1, range: 1...LayerConfig.maximumSize),
                  dilationRate: try config.intPair("dilation_rate", default: (1, 1)), activation: try config.activation(),
                  useBias: try config.bool("use_bias", default: true),
                  depthwiseInitializer: try config.initializer("depthwise_initializer", default: .glorotUniform()),
                  pointwiseInitializer: try config.initializer("pointwise_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  depthwiseRegularizer: try config.regularizer("depthwise_regularizer"),
                  pointwiseRegularizer: try config.regularizer("pointwise_regularizer"),
                  biasRegularizer: try config.regularizer("bias_regularizer"),
                  name: try config.name())
    }

    /// `[H, W, C] → [outH, outW, filters]`; depthwise kernel `[kh, kw, C, m]`,
    /// pointwise kernel `[1, 1, C·m, filters]`, bias `[filters]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        let (height, width) = try windowOutput(self, inputShape, window: kernelSize, strides: strides,
                                               dilation: dilationRate, padding: padding, what: "kernel")
        guard let channels = ShapeArithmetic.elementCount([inputShape[2], depthMultiplier]),
              ShapeArithmetic.elementCount([channels, filters]) != nil else {
            throw incompatible(inputShape, "too many elements")
        }
        var parameters = ["depthwise_kernel": [kernelSize.0, kernelSize.1, inputShape[2], depthMultiplier],
                          "pointwise_kernel": [1, 1, channels, filters]]
        if useBias { parameters["bias"] = [filters] }
        return InferredShapes(output: [height, width, filters], parameters: parameters)
    }
}
