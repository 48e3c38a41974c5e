import Foundation
import Testing
@testable import SynapseNN

/// A custom layer that registers itself, for the registration hook.
private final class LayerConfigTestsScale: Layer, ConfigurableLayer {
    let factor: Float
    init(factor: Float, name: String? = nil) {
        self.factor = factor
        super.init(name: name)
    }
    override func forward(_ input: Tensor, training: Bool) -> Tensor { input * factor }
    var config: LayerConfig {
        var config = baseConfig()
        config["factor"] = ConfigValue(factor)
        return config
    }
    convenience init(config: LayerConfig) throws {
        self.init(factor: try config.float("factor"), name: try config.name())
    }
}

/// One configured instance of every built-in layer (non-default arguments where
/// there are any) with a per-sample input shape it accepts.
private func builtInSamples() -> [(layer: Layer, inputShape: [Int])] {
    [
        (Input(shape: [6, 5, 3], name: "images"), [6, 5, 3]),
        (Dense(7, activation: .leakyRelu(alpha: 0.1), useBias: false, kernelInitializer: .heNormal(seed: 3),
               biasInitializer: Constant(0.5), kernelRegularizer: L2(0.02), biasRegularizer: L1L2(l1: 0.1, l2: 0.2), name: "d"), [4]),
        (Dense(3, activation: .gelu(approximate: true), kernelInitializer: VarianceScaling(scale: 0.7, mode: .fanOut, distribution: .untruncatedNormal, seed: 9),
               biasInitializer: RandomUniform(minimum: -0.2, maximum: 0.3, seed: UInt64.max), kernelRegularizer: L1(0.003)), [2, 5]),
        (Activation(.elu(alpha: 0.5)), [3]),
        (Dropout(0.25), [3]),
        (Flatten(), [2, 3, 4]),
        (Reshape([-1, 2]), [3, 4]),
        (Conv1D(4, kernelSize: 3, strides: 2, padding: .same, dilationRate: 1, activation: .tanh,
                kernelInitializer: TruncatedNormal(mean: 0.1, standardDeviation: 0.2, seed: 5)), [9, 2]),
        (Conv2D(5, kernelSize: (3, 2), strides: (1, 1), padding: .valid, dilationRate: (2, 1), activation: .relu,
                biasInitializer: RandomNormal(mean: 1, standardDeviation: 0.5), kernelRegularizer: L2(0.01)), [9, 7, 3]),
        (Conv2D(2, kernelSize: 3, strides: 2, padding: .same), [7, 8, 1]),
        (Conv2DTranspose(3, kernelSize: (3, 3), strides: (2, 2), padding: .valid, activation: .sigmoid,
                         kernelInitializer: Orthogonal(gain: 2, seed: 1)), [4, 5, 2]),
        (Conv2DTranspose(2, kernelSize: 1, strides: 3, padding: .valid), [2, 2, 2]),
        (MaxPooling2D(poolSize: (3, 2), strides: (1, 2), padding: .same), [5, 5, 2]),
        (AveragePooling2D(2), [6, 5, 3]),
        (GlobalAveragePooling2D(keepDims: true), [4, 4, 3]),
        (GlobalMaxPooling2D(), [4, 4, 3]),
        (BatchNormalization(momentum: 0.9, epsilon: 1e-5, center: false, scale: true), [5]),
        (LayerNormalization(epsilon: 1e-6, center: true, scale: false), [2, 6]),
        (UpSampling2D(size: (2, 3)), [2, 3, 1]),
        (ZeroPadding2D(padding: ((1, 2), (0, 3))), [3, 3, 2]),
        (SpatialDropout2D(0.4), [3, 3, 2]),
        (Rescaling(scale: 0.5, offset: -1), [3]),
        (Embedding(inputDim: 11, outputDim: 4, maskZero: true), [5]),
        (Masking(maskValue: 0), [5, 3]),
        (SimpleRNN(4, returnSequences: true), [5, 3]),
        (LSTM(4, goBackwards: true), [5, 3]),
        (GRU(3, returnSequences: true), [5, 2]), (GRU(3, goBackwards: true, resetAfter: false), [5, 2]),
        (GlobalAveragePooling1D(), [5, 3]), (GlobalMaxPooling1D(keepDims: true), [5, 3]), (Cropping2D(cropping: ((1, 0), (2, 1))), [4, 5, 2]),
        (Permute([2, 1]), [3, 4]), (RepeatVector(3), [4]), (DepthwiseConv2D(kernelSize: 3, padding: .same, depthMultiplier: 2), [5, 5, 2]),
        (SeparableConv2D(4, kernelSize: (3, 2), strides: (2, 1)), [6, 5, 3]),
        (TimeDistributed(Dense(3, activation: .relu)), [4, 2]),
        (Bidirectional(LSTM(3, returnSequences: true), mergeMode: .sum), [5, 2]),
        (MultiHeadAttention(numHeads: 2, keyDim: 3, valueDim: 4, dropout: 0.1, outputDim: 5, useCausalMask: true), [4, 6]),
        (PositionEmbedding(sequenceLength: 7, initializer: RandomNormal(mean: 0, standardDeviation: 0.02, seed: 3)), [5, 4]),
        (Add(), [3]), (Subtract(name: "difference"), [3]), (Multiply(), [2, 3]), (Average(), [3]),
        (Maximum(), [3]), (Minimum(), [3]), (Concatenate(axis: 1), [2, 3]), (Dot(axes: (2, -1), normalize: true), [2, 3]),
    ]
}

@Suite("Layer configuration")
struct LayerConfigTests {
    // MARK: ConfigValue

    @Test("ConfigValue round-trips through JSON text, keeping integers, numbers, strings, null, arrays and objects")
    func configValueJSON() throws {
        let value: ConfigValue = ["units": 64, "rate": 0.25, "name": "dense_1", "seed": nil, "shape": [28, 28, 1],
                                  "nested": ["flag": true, "list": []]]
        let text = try value.jsonText()
        #expect(text == #"{"name":"dense_1","nested":{"flag":true,"list":[]},"rate":0.25,"seed":null,"shape":[28,28,1],"units":64}"#)
        #expect(try ConfigValue(jsonText: text) == value)
        #expect(throws: (any Error).self) { try ConfigValue(jsonText: "{\"units\": ") }
    }

    @Test("Floats are written with the fewest digits and read back to the same Float")
    func floatsAreShortAndExact() throws {
        #expect(try ConfigValue(Float(0.3)).jsonText() == "0.3")
        #expect(try ConfigValue(Float(1e-7)).jsonText() == "1e-07")
        var generator = RandomGenerator(seed: 11)
        let samples = Tensor.randomNormal([2000], standardDeviation: 100, generator: &generator).scalars
            + [Float.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3, 0.1, -0]
        for sample in samples {
            let back = try ConfigValue(jsonText: ConfigValue(sample).jsonText()).doubleValue.map(Float.init)
            #expect(back?.bitPattern == sample.bitPattern || (sample == 0 && back == 0), "\(sample) read back as \(String(describing: back))")
        }
    }

    @Test("Integral doubles read as integers; fractions and non-numbers do not")
    func integerReading() {
        #expect(ConfigValue.double(3).intValue == 3)
        #expect(ConfigValue.double(3.5).intValue == nil)
        #expect(ConfigValue.double(1e300).intValue == nil)
        #expect(ConfigValue.string("3").intValue == nil)
        #expect(ConfigValue.bool(true).intValue == nil)
    }

    // MARK: Round trips

    @Test("Every built-in layer is registered and covered by this suite")
    func everyBuiltInIsCovered() {
        let covered = Set(builtInSamples().map { type(of: $0.layer as! any ConfigurableLayer).className })
        #expect(Set(LayerRegistry.builtInTypeNames) == covered)
        #expect(LayerRegistry.builtInTypeNames.count == 43)
        for name in LayerRegistry.builtInTypeNames { #expect(LayerRegistry.factory(for: name) != nil, "\(name)") }
    }

    @Test("Every built-in layer rebuilds from its config (through JSON text) with the same type and config")
    func builtInRoundTrip() throws {
        for (layer, _) in builtInSamples() {
            let config = try LayerRegistry.config(of: layer)
            let decoded = try JSONDecoder().decode(LayerConfig.self, from: JSONEncoder().encode(config))
            let rebuilt = try LayerRegistry.makeLayer(from: decoded)
            #expect(type(of: rebuilt) == type(of: layer))
            #expect(try LayerRegistry.config(of: rebuilt) == config, "\(config.className)")
            #expect(rebuilt.name == layer.name && rebuilt.hasExplicitName)
        }
    }

    @Test("Configs use Keras' keys and values")
    func kerasKeys() throws {
        let dense = Dense(64, activation: .relu, kernelRegularizer: L2(0.01), name: "dense_1").config
        #expect(dense.className == "Dense")
        #expect(dense["units"] == 64 && dense["activation"] == "relu" && dense["use_bias"] == true)
        #expect(dense["kernel_initializer"] == ["class_name": "GlorotUniform", "config": ["seed": nil]])
        #expect(dense["bias_initializer"] == ["class_name": "Zeros", "config": [:]])
        #expect(dense["kernel_regularizer"] == ["class_name": "L2", "config": ["l2": 0.01]])
        #expect(dense["bias_regularizer"] == .null)
        #expect(dense["name"] == "dense_1" && dense["trainable"] == true)
        let conv = Conv2D(32, kernelSize: 3, strides: 2, padding: .same).config
        #expect(conv["filters"] == 32 && conv["kernel_size"] == [3, 3] && conv["strides"] == [2, 2])
        #expect(conv["padding"] == "same" && conv["dilation_rate"] == [1, 1])
        #expect(MaxPooling2D(2).config["pool_size"] == [2, 2] && MaxPooling2D(2).config["strides"] == .null)
        #expect(Dropout(0.5).config["rate"] == 0.5)
        #expect(Reshape([7, 7, 1]).config["target_shape"] == [7, 7, 1])
        #expect(Input(shape: [784]).config["shape"] == [784])
        let batchNorm = BatchNormalization().config
        #expect(batchNorm["momentum"] == 0.99 && batchNorm["epsilon"] == 0.001 && batchNorm["axis"] == -1)
        let encoded = try String(decoding: JSONEncoder().encode(Flatten(name: "f").config), as: UTF8.self)
        #expect(encoded.contains(#""class_name":"Flatten""#) && encoded.contains(#""config":{"#))
    }

    @Test("Keras spellings are accepted: single integers for pairs, InputLayer with batch_shape, snake-case initializers")
    func kerasSpellings() throws {
        let conv = try #require(try LayerRegistry.makeLayer(from: LayerConfig(className: "Conv2D", values: [
            "name": "c", "filters": 4, "kernel_size": 3, "strides": 1, "kernel_initializer": "he_uniform",
        ])) as? Conv2D)
        #expect(conv.kernelSize == (3, 3) && conv.strides == (1, 1))
        #expect(InitializerConfig.value(of: conv.kernelInitializer) == ["class_name": "HeUniform", "config": ["seed": nil]])
        let input = try #require(try LayerRegistry.makeLayer(from: LayerConfig(className: "InputLayer", values: [
            "name": "in", "batch_shape": [nil, 28, 28, 1], "dtype": "float32",
        ])) as? Input)
        #expect(input.shape == [28, 28, 1])
        let padding = try #require(try LayerRegistry.makeLayer(from: LayerConfig(className: "ZeroPadding2D", values: ["name": "z", "padding": [1, 2]])) as? ZeroPadding2D)
        #expect(padding.padding.0 == (1, 1) && padding.padding.1 == (2, 2))
    }

    @Test("The trainable flag is stored and restored")
    func trainableFlag() throws {
        let frozen = Dense(3)
        frozen.isTrainable = false
        let rebuilt = try LayerRegistry.makeLayer(from: frozen.config)
        #expect(!rebuilt.isTrainable)
        rebuilt.buildIfNeeded(inputShape: [2])
        #expect(rebuilt.trainableParameters.isEmpty && rebuilt.parameters.count == 2)
    }

    // MARK: Shape inference

    @Test("Shape inference agrees with building and calling every built-in layer")
    func shapeInferenceMatchesBuilding() throws {
        // Layers that take several inputs are inferred with several in MergeLayerTests;
        // wrappers cannot tell their nested parameters' shapes without building.
        for (layer, inputShape) in builtInSamples() where !(layer is MultiInputLayer || layer is TimeDistributed || layer is Bidirectional) {
            let configurable = layer as! any ConfigurableLayer
            let inferred = try #require(try configurable.inferShapes(inputShape: inputShape), "\(layer.name)")
            let output = withoutGradient { layer(Tensor.zeros([2] + inputShape), training: false) }
            #expect([2] + inferred.output == output.shape, "\(layer.name): inferred \(inferred.output), got \(output.shape)")
            let built = Dictionary(uniqueKeysWithValues: layer.namedParameters.map { ($0.name.split(separator: ".").last.map(String.init)!, $0.parameter.shape) })
            #expect(built == inferred.parameters, "\(layer.name)")
        }
    }

    @Test("Shape inference rejects layers that cannot take their input, naming the layer")
    func shapeInferenceErrors() throws {
        let cases: [([Layer], [Int], DType)] = [
            ([Dense(4, name: "d"), Conv2D(2, kernelSize: 3, name: "conv")], [5], .float32),
            ([MaxPooling2D(poolSize: (4, 4), name: "pool")], [3, 3, 1], .float32),
            ([Conv2D(2, kernelSize: 5, name: "conv")], [4, 9, 1], .float32),
            ([Reshape([5, -1], name: "r")], [3, 4], .float32),
            ([Input(shape: [3], name: "in")], [4], .float32),
            ([Dense(1 << 24, name: "huge"), Dense(1 << 24, name: "huger")], [32], .float32),
            ([Input(shape: [3], dtype: .int32, name: "in"), Flatten(name: "f"), Dense(2, name: "d")], [3], .int32),
        ]
        let culprits = ["conv", "pool", "conv", "r", "in", "huger", "d"]
        for ((layers, shape, dtype), culprit) in zip(cases, culprits) {
            do {
                _ = try LayerShapeInference.infer(layers, inputShape: shape, inputDType: dtype)
                Issue.record("\(culprit): expected an error")
            } catch let error as ModelFileError {
                guard case .incompatibleShape(let layer, _, _, _) = error else { Issue.record("\(error)"); continue }
                #expect(layer == culprit, "\(error)")
            }
        }
        // Parameters are capped too: [2^10, 2^22] has 2^32 elements; [2^10, 2^20] passes.
        #expect(throws: ModelFileError.self) { try LayerShapeInference.infer([Dense(1 << 22, name: "wide")], inputShape: [1 << 10]) }
        #expect(try LayerShapeInference.infer([Dense(1 << 20, name: "wide")], inputShape: [1 << 10]).count == 1)
    }

    @Test("Shape inference stops at a layer that cannot infer without building")
    func shapeInferenceStopsAtCustomLayers() throws {
        let shapes = try LayerShapeInference.infer([Dense(3), LayerConfigTestsScale(factor: 2), Dense(2)], inputShape: [4])
        #expect(shapes.count == 3)
        #expect(shapes[0]?.output == [3] && shapes[1] == nil && shapes[2] == nil)
    }

    // MARK: Errors

    private func error(_ className: String, _ values: [String: ConfigValue]) -> ModelFileError? {
        do {
            _ = try LayerRegistry.makeLayer(from: LayerConfig(className: className, values: values))
            return nil
        } catch {
            return error as? ModelFileError
        }
    }

    @Test("A missing key throws missingConfigKey naming the layer and the key")
    func missingKey() {
        let error = error("Dense", ["name": "dense_3", "activation": "relu"])
        #expect(error == .missingConfigKey(layer: "dense_3", className: "Dense", key: "units"))
        #expect(error?.description == #"layer 'dense_3' (Dense): configuration has no "units""#)
        #expect(self.error("Conv2D", ["name": "c", "filters": 3]) == .missingConfigKey(layer: "c", className: "Conv2D", key: "kernel_size"))
    }

    @Test("Out-of-range and mistyped values throw invalidConfig naming the key, before any precondition could stop the process")
    func invalidValues() {
        let cases: [(String, [String: ConfigValue], String)] = [
            ("Dense", ["units": -3], "units"),
            ("Dense", ["units": 0], "units"),
            ("Dense", ["units": 1e12], "units"),
            ("Dense", ["units": "64"], "units"),
            ("Dense", ["units": 4, "use_bias": "yes"], "use_bias"),
            ("Dense", ["units": 4, "activation": "relu6x"], "activation"),
            ("Dense", ["units": 4, "activation": ["name": "leaky_relu", "alpha": "big"]], "activation.alpha"),
            ("Dense", ["units": 4, "kernel_initializer": ["class_name": "Mystery"]], "kernel_initializer"),
            ("Dense", ["units": 4, "kernel_initializer": ["class_name": "RandomNormal", "config": ["stddev": -1]]], "kernel_initializer.stddev"),
            ("Dense", ["units": 4, "kernel_regularizer": ["class_name": "L2", "config": ["l2": -0.5]]], "kernel_regularizer.l2"),
            ("Dense", ["units": 4, "kernel_regularizer": ["class_name": "Orthogonality"]], "kernel_regularizer"),
            ("Dense", ["units": 4, "name": "a.b"], "name"),
            ("Dropout", ["rate": 1], "rate"),
            ("Dropout", ["rate": -0.1], "rate"),
            ("SpatialDropout2D", ["rate": 2], "rate"),
            ("BatchNormalization", ["momentum": 1], "momentum"),
            ("BatchNormalization", ["epsilon": 0], "epsilon"),
            ("BatchNormalization", ["axis": 1], "axis"),
            ("LayerNormalization", ["epsilon": -1], "epsilon"),
            ("Conv2D", ["filters": 2, "kernel_size": [3, 3], "strides": 2, "dilation_rate": 2], "dilation_rate"),
            ("Conv2D", ["filters": 2, "kernel_size": [3, 0]], "kernel_size"),
            ("Conv2D", ["filters": 2, "kernel_size": [3, 3, 3]], "kernel_size"),
            ("Conv2D", ["filters": 2, "kernel_size": 3, "padding": "causal"], "padding"),
            ("Conv1D", ["filters": 2, "kernel_size": [0]], "kernel_size"),
            ("Conv2DTranspose", ["filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2], "dilation_rate"),
            ("Conv2DTranspose", ["filters": 2, "kernel_size": 3, "strides": 2, "output_padding": [2, 1]], "output_padding"),
            ("MaxPooling2D", ["pool_size": [0, 2]], "pool_size"),
            ("AveragePooling2D", ["strides": -1], "strides"),
            ("Reshape", ["target_shape": [-1, -1]], "target_shape"),
            ("Reshape", ["target_shape": [0, 4]], "target_shape"),
            ("Input", ["shape": [28, -28]], "shape"),
            ("Input", ["shape": [4], "dtype": "float16"], "dtype"),
            ("UpSampling2D", ["size": [2, 2], "interpolation": "bilinear"], "interpolation"),
            ("ZeroPadding2D", ["padding": [[1, -1], [0, 0]]], "padding"),
            ("GlobalMaxPooling2D", ["keepdims": 1], "keepdims"),
        ]
        for (className, values, key) in cases {
            var named = values
            named["name"] = named["name"] ?? "layer_x"
            let error = error(className, named)
            guard case .invalidConfig(_, let errorClass, let errorKey, let reason)? = error else {
                Issue.record("\(className) \(values): expected invalidConfig for \(key), got \(String(describing: error))")
                continue
            }
            #expect(errorClass == className && errorKey == key, "\(className): \(error!)")
            #expect(!reason.isEmpty && !error!.description.contains("\n"))
        }
    }

    @Test("An unknown class throws unknownLayerClass listing the registered classes")
    func unknownClass() {
        let error = error("Densely", ["name": "x", "units": 3])
        guard case .unknownLayerClass(let className, let layer, let known)? = error else {
            Issue.record("\(String(describing: error))")
            return
        }
        #expect(className == "Densely" && layer == "x" && known.contains("Dense"))
        #expect(error!.description.contains("LayerRegistry.register"))
    }

    @Test("A layer that does not conform to ConfigurableLayer cannot describe itself")
    func notSerializable() {
        final class Opaque: Layer {
            override func forward(_ input: Tensor, training: Bool) -> Tensor { input }
        }
        #expect(throws: ModelFileError.notSerializable(layer: "opaque", type: "Opaque")) { try LayerRegistry.config(of: Opaque()) }
    }

    // MARK: Registration hook

    @Test("A custom layer registers itself and round-trips; unregistering removes it")
    func customRegistration() throws {
        let original = LayerConfigTestsScale(factor: 2.5, name: "scale")
        let config = original.config
        #expect(config.className == "LayerConfigTestsScale")
        #expect(throws: ModelFileError.self) { try LayerRegistry.makeLayer(from: config) }
        LayerRegistry.register(LayerConfigTestsScale.self)
        defer { LayerRegistry.unregister(typeName: "LayerConfigTestsScale") }
        let rebuilt = try #require(try LayerRegistry.makeLayer(from: config) as? LayerConfigTestsScale)
        #expect(rebuilt.factor == 2.5 && rebuilt.name == "scale")
        #expect(LayerRegistry.registeredTypeNames.contains("LayerConfigTestsScale"))
        #expect(rebuilt(Tensor([1, 2], shape: [1, 2])).scalars == [2.5, 5])
    }

    @Test("A factory registered by name builds layers from configs")
    func factoryRegistration() throws {
        LayerRegistry.register(typeName: "LayerConfigTestsDoubler") { config in
            LayerConfigTestsScale(factor: 2, name: try config.name())
        }
        defer { LayerRegistry.unregister(typeName: "LayerConfigTestsDoubler") }
        let layer = try LayerRegistry.makeLayer(from: LayerConfig(className: "LayerConfigTestsDoubler", values: ["name": "twice"]))
        #expect((layer as? LayerConfigTestsScale)?.factor == 2 && layer.name == "twice")
    }
}
