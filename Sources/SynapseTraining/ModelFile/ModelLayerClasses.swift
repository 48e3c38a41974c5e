// The layer classes that live in SynapseTraining — `Branches` and models used as
// layers inside other models — described and rebuilt through `LayerRegistry` like
// the built-in layers of SynapseNN. SynapseNN cannot name these types, so they are
// registered at run time, once, before any model is saved or read.

extension Branches: ConfigurableLayer {
    /// `layers`: each branch's config, as Keras nests a layer
    /// (`{"class_name": ..., "config": {...}}`), in output order.
    public var config: LayerConfig {
        var config = baseConfig()
        config["layers"] = .array(branches.map(LayerConfig.nestedValue(of:)))
        return config
    }

    /// Rebuilds the branches from ``config``.
    ///
    /// - Parameter config: the `layers` array (at least one entry) with `name` and `trainable`.
    /// - Throws: ``/SynapseNN/ModelFileError`` naming the key when `layers` is missing, empty or
    ///   holds something other than layer configs, or a branch's own error.
    public convenience init(config: LayerConfig) throws {
        guard let entries = config["layers"]?.arrayValue else {
            throw config.invalid("layers", "must be an array of {\"class_name\": ..., \"config\": {...}}")
        }
        guard !entries.isEmpty else { throw config.invalid("layers", "must hold at least one layer") }
        let branches = try entries.enumerated().map { index, entry in
            try LayerConfig.layer(fromNested: entry, key: "layers[\(index)]", in: config)
        }
        self.init(branches, name: try config.name())
    }
}

extension LayerConfig {
    /// A layer's config in Keras' nested form, `{"class_name": ..., "config": {...}}`:
    /// a built-in or registered layer's own config, or a nested model's architecture;
    /// `null` when the layer cannot describe itself (rebuilding then fails naming it).
    static func nestedValue(of layer: Layer) -> ConfigValue {
        guard let config = try? ModelLayerClasses.config(of: layer) else { return .null }
        return ["class_name": .string(config.className), "config": .object(config.values)]
    }

    /// The layer a nested `{"class_name": ..., "config": {...}}` value describes.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError/invalidConfig(layer:className:key:reason:)`` naming
    ///   `key` for a value of another form, or the nested layer's own error.
    static func layer(fromNested value: ConfigValue, key: String, in parent: LayerConfig) throws -> Layer {
        guard let object = value.objectValue, let className = object["class_name"]?.stringValue,
              let values = object["config"]?.objectValue else {
            throw parent.invalid(key, "must be {\"class_name\": ..., \"config\": {...}}, found \(value.kindDescription)")
        }
        return try LayerRegistry.makeLayer(from: LayerConfig(className: className, values: values))
    }
}

/// Describing and rebuilding the layers SynapseNN's registry cannot know by itself:
/// ``Branches``, a ``Sequential`` or functional model nested inside another model,
/// and registered `Model` subclasses (which conform to `ConfigurableLayer` like any
/// custom layer).
enum ModelLayerClasses {
    /// Registers `Branches` and the nested model classes ("Sequential", "Functional",
    /// Keras 2's "Model") with ``/SynapseNN/LayerRegistry``; runs once, whoever asks first.
    static func registerOnce() { _ = registration }

    private static let registration: Void = {
        LayerRegistry.register(Branches.self)
        LayerRegistry.register(typeName: "Sequential", factory: nestedModel)
        for className in ModelArchitecture.functionalClassNames {
            LayerRegistry.register(typeName: className, factory: nestedModel)
        }
    }()

    /// The configuration of `layer`: a nested ``Sequential`` or functional model's
    /// architecture (Keras' nested form: the model's config as the layer's config),
    /// or the layer's own ``ConfigurableLayer/config``.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError/notSerializable(layer:type:)`` for a layer (or a
    ///   layer inside a nested model) that cannot describe itself.
    static func config(of layer: Layer) throws -> LayerConfig {
        registerOnce()
        if let model = layer as? Model, model is Sequential || model.graph != nil {
            let architecture = try model.architecture()
            let values = architecture.synapseConfigValue.objectValue?["config"]?.objectValue ?? [:]
            var config = LayerConfig(className: architecture.className, values: values)
            config["trainable"] = .bool(model.isTrainable)
            return config
        }
        return try LayerRegistry.config(of: layer)
    }

    /// Rebuilds a model nested as a layer, without weights: the outer model's file
    /// holds them under the nested model's name.
    private static func nestedModel(_ config: LayerConfig) throws -> Layer {
        let architecture = try ModelArchitecture(["class_name": .string(config.className), "config": .object(config.values)])
        let file = ModelFile(tensors: [:], metadata: [:], architecture: architecture)
        return try file.makeModel(assigningWeights: false)
    }
}
