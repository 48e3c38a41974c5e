import Foundation
import Testing
@testable import SynapseNN

/// The new layers, each with non-default arguments, and a per-sample input shape it takes.
private func samples() -> [(layer: Layer, inputShape: [Int])] {
    [
        (GlobalAveragePooling1D(keepDims: true, name: "gap"), [5, 3]),
        (GlobalMaxPooling1D(), [4, 2]),
        (Cropping2D(cropping: ((1, 2), (0, 3))), [6, 7, 2]),
        (Cropping2D(2), [5, 5, 1]),
        (Permute([3, 1, 2]), [2, 3, 4]),
        (RepeatVector(4), [3]),
        (DepthwiseConv2D(kernelSize: (3, 2), strides: (2, 1), padding: .same, depthMultiplier: 3, activation: .relu,
                         depthwiseInitializer: .heNormal(seed: 4), biasInitializer: Constant(0.1),
                         depthwiseRegularizer: L2(0.01), biasRegularizer: L1(0.02)), [7, 5, 2]),
        (DepthwiseConv2D(kernelSize: 2, dilationRate: 2, useBias: false), [6, 6, 3]),
        (SeparableConv2D(4, kernelSize: (3, 3), strides: (2, 2), padding: .valid, depthMultiplier: 2, activation: .tanh,
                         pointwiseInitializer: RandomNormal(mean: 0, standardDeviation: 0.2, seed: 1),
                         pointwiseRegularizer: L2(0.5)), [7, 8, 3]),
        (SeparableConv2D(2, kernelSize: 3, padding: .same, useBias: false), [4, 4, 2]),
    ]
}

@Suite("Configs of the 1-D global pooling, cropping, permute, repeat and depthwise layers")
struct ShapeAndDepthwiseLayerConfigTests {
    @Test("Each layer is registered and rebuilds from its config (through JSON) with the same type and config")
    func roundTrip() throws {
        for name in ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "Cropping2D", "Permute", "RepeatVector",
                     "DepthwiseConv2D", "SeparableConv2D"] {
            #expect(LayerRegistry.builtInTypeNames.contains(name), "\(name)")
        }
        for (layer, _) in samples() {
            let config = try LayerRegistry.config(of: layer)
            let decoded = try JSONDecoder().decode(LayerConfig.self, from: JSONEncoder().encode(config))
            let rebuilt = try LayerRegistry.makeLayer(from: decoded)
            #expect(type(of: rebuilt) == type(of: layer))
            #expect(try LayerRegistry.config(of: rebuilt) == config, "\(config.className)")
            #expect(rebuilt.name == layer.name)
        }
    }

    @Test("Configs use Keras' keys and values")
    func kerasKeys() {
        let depthwise = DepthwiseConv2D(kernelSize: 3, strides: 2, padding: .same, depthMultiplier: 2).config
        #expect(depthwise["kernel_size"] == [3, 3] && depthwise["strides"] == [2, 2] && depthwise["padding"] == "same")
        #expect(depthwise["depth_multiplier"] == 2 && depthwise["dilation_rate"] == [1, 1] && depthwise["use_bias"] == true)
        #expect(depthwise["depthwise_initializer"] == ["class_name": "GlorotUniform", "config": ["seed": nil]])
        let separable = SeparableConv2D(8, kernelSize: 3).config
        #expect(separable["filters"] == 8 && separable["pointwise_initializer"] == ["class_name": "GlorotUniform", "config": ["seed": nil]])
        #expect(separable["bias_initializer"] == ["class_name": "Zeros", "config": [:]] && separable["pointwise_regularizer"] == .null)
        #expect(Cropping2D(cropping: ((1, 2), (3, 4))).config["cropping"] == [[1, 2], [3, 4]])
        #expect(Permute([2, 1]).config["dims"] == [2, 1] && RepeatVector(5).config["n"] == 5)
        #expect(GlobalAveragePooling1D().config["keepdims"] == false && GlobalMaxPooling1D(keepDims: true).config["keepdims"] == true)
    }

    @Test("Keras spellings are accepted: one integer or a symmetric pair for cropping, single integers for pairs, channels_last")
    func kerasSpellings() throws {
        func cropping(_ value: ConfigValue) throws -> ((Int, Int), (Int, Int)) {
            let layer = try LayerRegistry.makeLayer(from: LayerConfig(className: "Cropping2D", values: ["name": "c", "cropping": value,
                                                                                                       "data_format": "channels_last"]))
            return try #require(layer as? Cropping2D).cropping
        }
        let single = try cropping(2), pair = try cropping([1, 3]), mixed = try cropping([[1, 2], 3])
        #expect(single.0 == (2, 2) && single.1 == (2, 2))
        #expect(pair.0 == (1, 1) && pair.1 == (3, 3))
        #expect(mixed.0 == (1, 2) && mixed.1 == (3, 3))
        let identity = try #require(try LayerRegistry.makeLayer(from: LayerConfig(className: "Cropping2D", values: ["name": "c"])) as? Cropping2D)
        #expect(identity.cropping.0 == (0, 0) && identity.cropping.1 == (0, 0))
        let depthwise = try #require(try LayerRegistry.makeLayer(from: LayerConfig(className: "DepthwiseConv2D", values: [
            "name": "d", "kernel_size": 3, "strides": 2, "dilation_rate": 1, "data_format": "channels_last",
            "depthwise_initializer": "he_uniform", "activity_regularizer": nil, "depthwise_constraint": nil,
        ])) as? DepthwiseConv2D)
        #expect(depthwise.kernelSize == (3, 3) && depthwise.strides == (2, 2) && depthwise.depthMultiplier == 1)
        #expect(InitializerConfig.value(of: depthwise.depthwiseInitializer) == ["class_name": "HeUniform", "config": ["seed": nil]])
    }

    @Test("Bad values throw invalidConfig naming the key; missing required keys throw missingConfigKey")
    func invalidValues() {
        let cases: [(String, [String: ConfigValue], String)] = [
            ("GlobalAveragePooling1D", ["keepdims": 1], "keepdims"),
            ("GlobalAveragePooling1D", ["data_format": "channels_first"], "data_format"),
            ("GlobalMaxPooling1D", ["data_format": 3], "data_format"),
            ("Cropping2D", ["cropping": [[1, -1], [0, 0]]], "cropping"),
            ("Cropping2D", ["cropping": [1, 2, 3]], "cropping"),
            ("Cropping2D", ["cropping": -2], "cropping"),
            ("Cropping2D", ["cropping": "2"], "cropping"),
            ("Cropping2D", ["cropping": 1, "data_format": "channels_first"], "data_format"),
            ("Permute", ["dims": [1, 3]], "dims"),
            ("Permute", ["dims": [0, 1]], "dims"),
            ("Permute", ["dims": []], "dims"),
            ("Permute", ["dims": [2, 1, 1]], "dims"),
            ("Permute", ["dims": "21"], "dims"),
            ("RepeatVector", ["n": 0], "n"),
            ("RepeatVector", ["n": "3"], "n"),
            ("RepeatVector", ["n": 1e12], "n"),
            ("DepthwiseConv2D", ["kernel_size": [3, 0]], "kernel_size"),
            ("DepthwiseConv2D", ["kernel_size": 3, "depth_multiplier": 0], "depth_multiplier"),
            ("DepthwiseConv2D", ["kernel_size": 3, "strides": [1, -1]], "strides"),
            ("DepthwiseConv2D", ["kernel_size": 3, "dilation_rate": 0], "dilation_rate"),
            ("DepthwiseConv2D", ["kernel_size": 3, "padding": "causal"], "padding"),
            ("DepthwiseConv2D", ["kernel_size": 3, "data_format": "channels_first"], "data_format"),
            ("DepthwiseConv2D", ["kernel_size": 3, "depthwise_initializer": ["class_name": "Mystery"]], "depthwise_initializer"),
            ("DepthwiseConv2D", ["kernel_size": 3, "depthwise_regularizer": ["class_name": "L2", "config": ["l2": -1]]], "depthwise_regularizer.l2"),
            ("SeparableConv2D", ["filters": 0, "kernel_size": 3], "filters"),
            ("SeparableConv2D", ["filters": 2, "kernel_size": 3, "depth_multiplier": -1], "depth_multiplier"),
            ("SeparableConv2D", ["filters": 2, "kernel_size": 3, "use_bias": "no"], "use_bias"),
            ("SeparableConv2D", ["filters": 2, "kernel_size": 3, "activation": "relu6x"], "activation"),
            ("SeparableConv2D", ["filters": 2, "kernel_size": 3, "pointwise_initializer": ["class_name": "RandomNormal", "config": ["stddev": -1]]], "pointwise_initializer.stddev"),
        ]
        for (className, values, key) in cases {
            var named = values
            named["name"] = "layer_x"
            let error = error(className, named)
            guard case .invalidConfig(_, let errorClass, let errorKey, let reason)? = error else {
                Issue.record("\(className) \(values): expected invalidConfig for \(key), got \(String(describing: error))")
                continue
            }
            #expect(errorClass == className && errorKey == key, "\(className): \(error!)")
            #expect(!reason.isEmpty && !error!.description.contains("\n"))
        }
        #expect(error("Permute", ["name": "p"]) == .missingConfigKey(layer: "p", className: "Permute", key: "dims"))
        #expect(error("RepeatVector", ["name": "r"]) == .missingConfigKey(layer: "r", className: "RepeatVector", key: "n"))
        #expect(error("DepthwiseConv2D", ["name": "d"]) == .missingConfigKey(layer: "d", className: "DepthwiseConv2D", key: "kernel_size"))
        #expect(error("SeparableConv2D", ["name": "s", "kernel_size": 3]) == .missingConfigKey(layer: "s", className: "SeparableConv2D", key: "filters"))
        let message = error("Permute", ["name": "p", "dims": [1, 3]])?.description ?? ""
        #expect(message.contains("layer 'p' (Permute)") && message.contains("dims") && message.contains("permutation"))
    }

    @Test("Shape inference agrees with building and calling each layer")
    func inferenceMatchesBuilding() throws {
        for (layer, inputShape) in samples() {
            let configurable = layer as! any ConfigurableLayer
            let inferred = try #require(try configurable.inferShapes(inputShape: inputShape), "\(layer.name)")
            let output = withoutGradient { layer(Tensor.zeros([2] + inputShape), training: false) }
            #expect([2] + inferred.output == output.shape, "\(layer.name): inferred \(inferred.output), got \(output.shape)")
            let built = Dictionary(uniqueKeysWithValues: layer.namedParameters.map {
                ($0.name.split(separator: ".").last.map(String.init)!, $0.parameter.shape)
            })
            #expect(built == inferred.parameters, "\(layer.name)")
        }
    }

    @Test("Shape inference rejects inputs a layer cannot take, naming the layer")
    func inferenceErrors() {
        let cases: [(any ConfigurableLayer, [Int])] = [
            (GlobalAveragePooling1D(name: "gap"), [4, 4, 2]),
            (GlobalMaxPooling1D(name: "gmp"), [4]),
            (Cropping2D(cropping: ((2, 2), (0, 0)), name: "crop"), [4, 4, 1]),
            (Cropping2D(cropping: ((0, 0), (1, 1)), name: "crop"), [4, 2, 1]),
            (Cropping2D(name: "crop"), [4, 4]),
            (Permute([2, 1], name: "perm"), [2, 3, 4]),
            (RepeatVector(3, name: "rep"), [2, 3]),
            (DepthwiseConv2D(kernelSize: 5, name: "dw"), [4, 9, 1]),
            (DepthwiseConv2D(kernelSize: 3, name: "dw"), [9, 9]),
            (SeparableConv2D(2, kernelSize: 3, dilationRate: 3, name: "sep"), [6, 9, 1]),
        ]
        for (layer, shape) in cases {
            do {
                _ = try layer.inferShapes(inputShape: shape)
                Issue.record("\(layer.name) on \(shape): expected an error")
            } catch let error as ModelFileError {
                guard case .incompatibleShape(let name, let className, let inputShape, let reason) = error else {
                    Issue.record("\(layer.name): unexpected \(error)")
                    continue
                }
                #expect(name == layer.name && className == type(of: layer).className && inputShape == shape && !reason.isEmpty)
            } catch {
                Issue.record("\(layer.name): unexpected \(error)")
            }
        }
    }

    private func error(_ className: String, _ values: [String: ConfigValue]) -> ModelFileError? {
        do {
            _ = try LayerRegistry.makeLayer(from: LayerConfig(className: className, values: values))
            return nil
        } catch {
            return error as? ModelFileError
        }
    }
}
