import Testing
@testable import SynapseTraining

/// The architecture JSON in Keras 3's serialisation format, written and read.
@Suite("Keras 3 architecture format")
struct KerasSerializationTests {
    /// `config.json` of a `.keras` file that Keras 3.15 wrote for
    /// `Sequential([Input((4,)), Dense(3, activation="relu"), Dense(2, activation="softmax")])`.
    static let kerasWritten = #"""
{"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null, "shared_object_id": 140173690563280}, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, "ragged": false, "name": "input_layer", "optional": false}, "registered_name": null}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 3, "activation": "relu", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 4]}}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null, "shared_object_id": 140173690563280}, "units": 2, "activation": "softmax", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}], "build_input_shape": [null, 4]}, "registered_name": null, "build_config": {"input_shape": [null, 4]}, "compile_config": {}}
"""#

    @Test("a Keras-written architecture reads and builds: marks, DTypePolicy and InputLayer's extra keys ignored")
    func readsKerasOutput() throws {
        let architecture = try ModelArchitecture(jsonText: Self.kerasWritten)
        #expect(architecture.layers.map(\.className) == ["InputLayer", "Dense", "Dense"])
        #expect(architecture.layers.map(\.layerName) == ["input_layer", "dense", "dense_1"])
        let model = Sequential(name: architecture.name)
        for config in architecture.layers { model.add(try LayerRegistry.makeLayer(from: config)) }
        let output = model(Tensor.ones([5, 4]))
        #expect(output.shape == [5, 2])
        #expect(model.parameterCount == 4 * 3 + 3 + 3 * 2 + 2)
    }

    @Test("Synapse writes the marks on every object and reads its own output back unchanged")
    func roundTrip() throws {
        let model = Sequential(name: "net") {
            Input(shape: [6])
            Dense(4, activation: .tanh, kernelRegularizer: L2(0.01))
            Dropout(0.5)
            Dense(1)
        }
        let architecture = ModelArchitecture(name: model.name, buildInputShape: [6],
                                             layers: try model.layers.map(LayerRegistry.config(of:)))
        let written = architecture.configValue
        #expect(written.objectValue?["module"] == "keras")
        let layers = try #require(written.objectValue?["config"]?.objectValue?["layers"]?.arrayValue)
        #expect(layers.allSatisfy { $0.objectValue?["module"] == "keras.layers" && $0.objectValue?["registered_name"] == Optional(ConfigValue.null) })
        let dense = try #require(layers[1].objectValue?["config"]?.objectValue)
        #expect(dense["kernel_initializer"]?.objectValue?["module"] == "keras.initializers")
        #expect(dense["kernel_regularizer"]?.objectValue?["module"] == "keras.regularizers")
        #expect(KerasSerialization.plain(written) != architecture.synapseConfigValue, "the input became an InputLayer")
        let reread = try ModelArchitecture(jsonText: try architecture.jsonText())
        #expect(reread.layers.map(\.className) == ["InputLayer", "Dense", "Dropout", "Dense"])
        #expect(reread.layers.dropFirst() == architecture.layers.dropFirst())
        #expect(reread.buildInputShape == [6] && reread.name == "net")
    }
}
