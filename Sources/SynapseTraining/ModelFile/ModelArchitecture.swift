/// The architecture of a saved model, as Keras writes it: the model class, its
/// name, the shape it was built for, and each layer's ``/SynapseNN/LayerConfig``.
///
/// ```json
/// {"class_name": "Sequential",
///  "config": {"name": "mnist", "build_input_shape": [null, 28, 28, 1],
///             "layers": [{"class_name": "Conv2D", "name": "conv2d", "config": {...}}, ...]}}
/// ```
///
/// `build_input_shape` includes the batch dimension as `null` (Keras' form);
/// ``buildInputShape`` is per sample.
public struct ModelArchitecture: Sendable, Hashable {
    /// The model class: "Sequential", "Functional", or the registered class name of
    /// a `Model` subclass that conforms to `ConfigurableLayer`.
    public var className: String
    /// The model's name.
    public var name: String
    /// The per-sample input shape the model was built for, or `nil` if it was not built.
    public var buildInputShape: [Int]?
    /// The layers' configurations, in order.
    public var layers: [LayerConfig]
    /// How the layers connect, for a functional model (class "Functional"); `nil`
    /// for a ``Sequential`` stack.
    public var topology: FunctionalTopology?
    /// The constructor arguments of a registered `Model` subclass (its
    /// `ConfigurableLayer/config`, Keras' `get_config`), rebuilt through
    /// ``/SynapseNN/LayerRegistry``; `nil` for a ``Sequential`` or functional model, whose
    /// ``layers`` describe it instead.
    public var subclassConfig: LayerConfig?

    /// The class names a functional architecture may carry (Keras 3 writes
    /// "Functional", Keras 2 "Functional" or "Model").
    public static let functionalClassNames: Set<String> = ["Functional", "Model"]

    /// Most layers an architecture may list.
    public static let maximumLayerCount = 100_000

    /// - Parameters:
    ///   - className: the model class ("Sequential").
    ///   - name: the model's name.
    ///   - buildInputShape: per-sample input shape, or `nil` for an unbuilt model.
    ///   - layers: the layer configurations, in order.
    ///   - topology: how the layers connect, for a functional model (`className`
    ///     "Functional"); `nil` (the default) for a stack.
    public init(className: String = "Sequential", name: String, buildInputShape: [Int]?, layers: [LayerConfig],
                topology: FunctionalTopology? = nil) {
        (self.className, self.name, self.buildInputShape, self.layers) = (className, name, buildInputShape, layers)
        self.topology = topology
    }

    /// The architecture of a registered `Model` subclass: its config, and the shape
    /// it was built for.
    ///
    /// - Parameters:
    ///   - subclassConfig: the model's `ConfigurableLayer/config` (class name, `name`
    ///     and constructor arguments).
    ///   - buildInputShape: the per-sample input shape the model was built for.
    public init(subclassConfig: LayerConfig, buildInputShape: [Int]) {
        self.init(className: subclassConfig.className, name: subclassConfig.layerName, buildInputShape: buildInputShape, layers: [])
        self.subclassConfig = subclassConfig
    }

    /// The JSON form, in Keras 3's serialisation format (module and registered name
    /// on every object, the input as an `InputLayer`), so `keras.models.model_from_json`
    /// reads it.
    public var configValue: ConfigValue {
        KerasSerialization.annotated(synapseConfigValue)
    }

    /// The JSON form without Keras' marks.
    var synapseConfigValue: ConfigValue {
        let shape: ConfigValue = buildInputShape.map { .array([.null] + $0.map(ConfigValue.int)) } ?? .null
        if let subclassConfig {
            var config = subclassConfig.values
            config["build_input_shape"] = shape
            return ["class_name": .string(className), "config": .object(config)]
        }
        let layerValues: [ConfigValue] = layers.map { layer in
            var entry: [String: ConfigValue] = ["class_name": .string(layer.className), "name": .string(layer.layerName),
                                                "config": .object(layer.values)]
            if let topology { entry["inbound_nodes"] = topology.inboundNodesValue(of: layer.layerName) }
            return .object(entry)
        }
        var config: [String: ConfigValue] = ["name": .string(name), "build_input_shape": shape, "layers": .array(layerValues)]
        if let topology {
            config["input_layers"] = FunctionalTopology.referencesValue(topology.inputs)
            config["output_layers"] = FunctionalTopology.referencesValue(topology.outputs)
            config["trainable"] = true
        }
        return ["class_name": .string(className), "config": .object(config)]
    }

    /// The JSON text (compact, sorted keys).
    public func jsonText() throws -> String { try configValue.jsonText() }

    /// Parses and checks the JSON text of an architecture.
    ///
    /// - Parameter jsonText: the architecture as JSON text (the `architecture`
    ///   metadata of a model file, or the JSON of Keras 3's `model.to_json()`).
    /// - Throws: ``/SynapseNN/ModelFileError/invalidJSON(key:reason:)`` for text that is not
    ///   JSON, ``/SynapseNN/ModelFileError/invalidArchitecture(_:)`` for JSON of the wrong form.
    public init(jsonText: String) throws {
        let value: ConfigValue
        do {
            value = try ConfigValue(jsonText: jsonText)
        } catch {
            throw ModelFileError.invalidJSON(key: "architecture", reason: "not JSON (\(String(describing: error).prefix(120)))")
        }
        try self.init(value)
    }

    /// Checks and reads the JSON form: Synapse's or Keras 3's (whose marks are ignored).
    ///
    /// - Parameter value: the parsed JSON: `{"class_name": ..., "config": {...}}`.
    /// - Throws: ``/SynapseNN/ModelFileError/invalidArchitecture(_:)`` naming what is wrong.
    public init(_ value: ConfigValue) throws {
        let value = KerasSerialization.plain(value)
        func fail(_ reason: String) -> ModelFileError { .invalidArchitecture(reason) }
        guard let object = value.objectValue else { throw fail("expected a JSON object, found \(value.kindDescription)") }
        guard let className = object["class_name"]?.stringValue else { throw fail("\"class_name\" must be a string") }
        guard let config = object["config"]?.objectValue else { throw fail("\"config\" must be an object") }
        let name = config["name"]?.stringValue ?? "sequential"
        guard !name.isEmpty, name.count <= 256 else { throw fail("the model name must have 1 to 256 characters") }
        var buildInputShape: [Int]?
        switch config["build_input_shape"] {
        case nil, .null?: buildInputShape = nil
        case .array(let dimensions)? where !dimensions.isEmpty && dimensions.count <= 9:
            let perSample = dimensions.dropFirst().map(\.intValue)
            guard dimensions[0].isNull || dimensions[0].intValue != nil,
                  perSample.allSatisfy({ $0.map { (1...LayerConfig.maximumSize).contains($0) } ?? false }) else {
                throw fail("\"build_input_shape\" must be [null, sizes...] with sizes in 1...\(LayerConfig.maximumSize), found \(config["build_input_shape"]!)")
            }
            buildInputShape = perSample.map { $0! }
        case let other?:
            throw fail("\"build_input_shape\" must be null or [null, sizes...] with at most 8 sizes, found \(other)")
        }
        let isFunctional = Self.functionalClassNames.contains(className)
        if className != "Sequential" && !isFunctional {
            // A registered Model subclass: its constructor arguments, rebuilt through LayerRegistry.
            guard let buildInputShape else {
                throw fail("model '\(name.prefix(80))' of class \"\(className.prefix(40))\" has no \"build_input_shape\"")
            }
            var values = config
            values["build_input_shape"] = nil
            self.init(subclassConfig: LayerConfig(className: className, values: values), buildInputShape: buildInputShape)
            return
        }
        guard let layerValues = config["layers"]?.arrayValue else { throw fail("\"config\" must have a \"layers\" array") }
        guard layerValues.count <= Self.maximumLayerCount else { throw fail("more than \(Self.maximumLayerCount) layers") }
        var layers: [LayerConfig] = []
        var calls: [String: [FunctionalTopology.Call]] = [:]
        var names = Set<String>()
        for (index, layerValue) in layerValues.enumerated() {
            guard let entry = layerValue.objectValue, let layerClass = entry["class_name"]?.stringValue,
                  let arguments = entry["config"]?.objectValue else {
                throw fail("layer \(index) must be {\"class_name\": ..., \"name\": ..., \"config\": {...}}")
            }
            var values = arguments
            if values["name"] == nil, let entryName = entry["name"] { values["name"] = entryName }
            guard let layerName = values["name"]?.stringValue else { throw fail("layer \(index) (\(layerClass.prefix(40))) has no name") }
            guard names.insert(layerName).inserted else { throw fail("two layers are named '\(layerName.prefix(80))'") }
            layers.append(LayerConfig(className: layerClass, values: values))
            if isFunctional { calls[layerName] = try FunctionalTopology.calls(from: entry["inbound_nodes"], layer: layerName) }
        }
        var topology: FunctionalTopology?
        if isFunctional {
            topology = FunctionalTopology(calls: calls,
                                          inputs: try FunctionalTopology.references(from: config["input_layers"], key: "input_layers"),
                                          outputs: try FunctionalTopology.references(from: config["output_layers"], key: "output_layers"))
        }
        self.init(className: className, name: name, buildInputShape: buildInputShape, layers: layers, topology: topology)
    }
}
