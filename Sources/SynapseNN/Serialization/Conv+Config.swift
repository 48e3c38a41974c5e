// Configurations of the convolution layers: Conv2D, Conv1D, Conv2DTranspose (Keras keys).

extension Conv2D: ConfigurableLayer {
    /// `filters`, `kernel_size`, `strides`, `padding`, `dilation_rate`, `activation`,
    /// `use_bias`, initializers and regularizers.
    public var config: LayerConfig {
        var config = baseConfig()
        config["filters"] = .int(filters)
        config["kernel_size"] = ConfigValue([kernelSize.0, kernelSize.1])
        config["strides"] = ConfigValue([strides.0, strides.1])
        config["padding"] = .string(padding.rawValue)
        config["dilation_rate"] = ConfigValue([dilationRate.0, dilationRate.1])
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        config["kernel_regularizer"] = RegularizerConfig.value(of: kernelRegularizer)
        config["bias_regularizer"] = RegularizerConfig.value(of: biasRegularizer)
        return config
    }

    /// Rebuilds a `Conv2D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let strides = try config.intPair("strides", default: (1, 1))
        let dilation = try config.intPair("dilation_rate", default: (1, 1))
        guard strides == (1, 1) || dilation == (1, 1) else {
            throw config.invalid("dilation_rate", "must be 1 when strides are above 1 (as Keras)")
        }
        self.init(try config.int("filters", range: 1...LayerConfig.maximumSize),
                  kernelSize: try config.intPair("kernel_size"), strides: strides, padding: try config.padding(),
                  dilationRate: dilation, activation: try config.activation(), useBias: try config.bool("use_bias", default: true),
                  kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  kernelRegularizer: try config.regularizer("kernel_regularizer"),
                  biasRegularizer: try config.regularizer("bias_regularizer"),
                  name: try config.name())
    }

    /// `[H, W, C] → [outH, outW, filters]`; kernel `[kh, kw, C, filters]`, bias `[filters]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        let (height, width) = try windowOutput(self, inputShape, window: kernelSize, strides: strides,
                                               dilation: dilationRate, padding: padding, what: "kernel")
        var parameters = ["kernel": [kernelSize.0, kernelSize.1, inputShape[2], filters]]
        if useBias { parameters["bias"] = [filters] }
        return InferredShapes(output: [height, width, filters], parameters: parameters)
    }
}

extension Conv1D: ConfigurableLayer {
    /// `filters`, `kernel_size`, `strides`, `padding`, `dilation_rate` (one-element
    /// lists, as Keras writes them), `activation`, `use_bias`, initializers.
    public var config: LayerConfig {
        var config = baseConfig()
        config["filters"] = .int(filters)
        config["kernel_size"] = ConfigValue([kernelSize])
        config["strides"] = ConfigValue([strides])
        config["padding"] = .string(padding.rawValue)
        config["dilation_rate"] = ConfigValue([dilationRate])
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        return config
    }

    /// Rebuilds a `Conv1D` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.int("filters", range: 1...LayerConfig.maximumSize),
                  kernelSize: try config.single("kernel_size", default: nil), strides: try config.single("strides", default: 1),
                  padding: try config.padding(allowsCausal: true), dilationRate: try config.single("dilation_rate", default: 1),
                  activation: try config.activation(), useBias: try config.bool("use_bias", default: true),
                  kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  name: try config.name())
    }

    /// `[steps, C] → [outSteps, filters]`; kernel `[k, C, filters]`, bias `[filters]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 2 else { throw incompatible(inputShape, "expected per-sample shape [steps, channels]") }
        let (_, steps) = try windowOutput(self, [1] + inputShape, window: (1, kernelSize), strides: (1, strides),
                                          dilation: (1, dilationRate), padding: padding, what: "kernel")
        var parameters = ["kernel": [kernelSize, inputShape[1], filters]]
        if useBias { parameters["bias"] = [filters] }
        return InferredShapes(output: [steps, filters], parameters: parameters)
    }
}

extension Conv2DTranspose: ConfigurableLayer {
    /// `filters`, `kernel_size`, `strides`, `padding`, `activation`, `use_bias`, initializers.
    public var config: LayerConfig {
        var config = baseConfig()
        config["filters"] = .int(filters)
        config["kernel_size"] = ConfigValue([kernelSize.0, kernelSize.1])
        config["strides"] = ConfigValue([strides.0, strides.1])
        config["padding"] = .string(padding.rawValue)
        config["output_padding"] = outputPadding.map { ConfigValue([$0.0, $0.1]) } ?? .null
        config["dilation_rate"] = ConfigValue([dilationRate.0, dilationRate.1])
        config["activation"] = activation.configValue
        config["use_bias"] = .bool(useBias)
        config["kernel_initializer"] = InitializerConfig.value(of: kernelInitializer)
        config["bias_initializer"] = InitializerConfig.value(of: biasInitializer)
        return config
    }

    /// Rebuilds a `Conv2DTranspose` from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid.
    public convenience init(config: LayerConfig) throws {
        let strides = try config.intPair("strides", default: (1, 1))
        let dilation = try config.intPair("dilation_rate", default: (1, 1))
        guard dilation == (1, 1) || strides == (1, 1) else {
            throw config.invalid("dilation_rate", "must be 1 when the strides are above 1 (as Keras), found \(dilation) with strides \(strides)")
        }
        let outputPadding = try config.optionalIntPair("output_padding", range: 0...LayerConfig.maximumSize)
        if let padding = outputPadding {
            guard padding.0 >= 0, padding.1 >= 0, padding.0 < Swift.max(strides.0, dilation.0), padding.1 < Swift.max(strides.1, dilation.1) else {
                throw config.invalid("output_padding", "must be non-negative and smaller than the strides \(strides), found \(padding)")
            }
        }
        self.init(try config.int("filters", range: 1...LayerConfig.maximumSize),
                  kernelSize: try config.intPair("kernel_size"), strides: strides,
                  padding: try config.padding(), outputPadding: outputPadding, dilationRate: dilation,
                  activation: try config.activation(),
                  useBias: try config.bool("use_bias", default: true),
                  kernelInitializer: try config.initializer("kernel_initializer", default: .glorotUniform()),
                  biasInitializer: try config.initializer("bias_initializer", default: .zeros),
                  name: try config.name())
    }

    /// `[H, W, C] → [H·s, W·s, filters]` ("same") or `[(H−1)·s + max(k, s), ...]`
    /// ("valid"), or Keras' sizes with output padding and dilation; kernel
    /// `[kh, kw, filters, C]`, bias `[filters]`.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: the per-sample output shape and the parameter shapes.
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   when the layer cannot take inputs of that shape.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        guard inputShape.count == 3 else { throw incompatible(inputShape, "expected per-sample shape [H, W, C]") }
        let outputHeight = Tensor.conv2DTransposeOutputSize(input: inputShape[0], window: kernelSize.0, stride: strides.0, dilation: dilationRate.0,
                                                            padding: padding, outputPadding: outputPadding?.0)
        let outputWidth = Tensor.conv2DTransposeOutputSize(input: inputShape[1], window: kernelSize.1, stride: strides.1, dilation: dilationRate.1,
                                                           padding: padding, outputPadding: outputPadding?.1)
        guard outputHeight > 0, outputWidth > 0 else { throw incompatible(inputShape, "the output would be empty (\(outputHeight)×\(outputWidth))") }
        var parameters = ["kernel": [kernelSize.0, kernelSize.1, filters, inputShape[2]]]
        if useBias { parameters["bias"] = [filters] }
        return InferredShapes(output: [outputHeight, outputWidth, filters], parameters: parameters)
    }
}

extension LayerConfig {
    /// One integer ≥ 1, written `n` or `[n]` (Keras writes 1-D sizes as one-element lists).
    func single(_ key: String, default defaultValue: Int?) throws -> Int {
        guard let value = values[key], !value.isNull else {
            if let defaultValue { return defaultValue }
            throw ModelFileError.missingConfigKey(layer: layerName, className: className, key: key)
        }
        let integer = value.intValue ?? value.arrayValue.flatMap { $0.count == 1 ? $0[0].intValue : nil }
        guard let integer, (1...LayerConfig.maximumSize).contains(integer) else {
            throw invalid(key, "must be an integer in 1...\(LayerConfig.maximumSize) (or a one-element list), found \(value)")
        }
        return integer
    }
}

/// The output height and width of a window (kernel or pool) sliding over an NHWC
/// per-sample shape, or a shape error naming the layer.
func windowOutput<L: ConfigurableLayer>(_ layer: L, _ inputShape: [Int], window: (Int, Int), strides: (Int, Int),
                                        dilation: (Int, Int) = (1, 1), padding: Padding, what: String) throws -> (Int, Int) {
    guard inputShape.count == 3 else { throw layer.incompatible(inputShape, "expected per-sample shape [H, W, C]") }
    guard let geometry = WindowGeometry(inputShape: [1] + inputShape, window: window, strides: strides,
                                        dilation: dilation, padding: padding) else {
        throw layer.incompatible(inputShape, "a \(window.0)×\(window.1) \(what)\(dilation == (1, 1) ? "" : " with dilation \(dilation.0)×\(dilation.1)") does not fit with 'valid' padding")
    }
    return (geometry.outputHeight, geometry.outputWidth)
}
