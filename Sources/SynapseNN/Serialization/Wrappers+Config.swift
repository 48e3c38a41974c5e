// Configurations of the wrapper layers TimeDistributed and Bidirectional (Keras
// keys: the wrapped layer's config nested under "layer", as Keras writes it).

extension LayerConfig {
    /// A wrapped layer's config as Keras nests it: `{"class_name": ..., "config": {...}}`;
    /// `null` when the layer cannot describe itself (saving then fails naming it).
    static func nested(_ layer: Layer) -> ConfigValue {
        guard let configurable = layer as? any ConfigurableLayer else { return .null }
        let config = configurable.config
        return ["class_name": .string(config.className), "config": .object(config.values)]
    }

    /// The layer nested under `key`, rebuilt through ``LayerRegistry``.
    ///
    /// - Throws: ``ModelFileError`` naming the key when it is missing or not a
    ///   `{"class_name", "config"}` object, or the nested layer's own error.
    func nestedLayer(_ key: String) throws -> Layer {
        guard let value = values[key], !value.isNull else {
            throw ModelFileError.missingConfigKey(layer: layerName, className: className, key: key)
        }
        guard let object = value.objectValue, let nestedClass = object["class_name"]?.stringValue,
              let nestedValues = object["config"]?.objectValue else {
            throw invalid(key, "must be {\"class_name\": ..., \"config\": {...}}, found \(value.kindDescription)")
        }
        return try LayerRegistry.makeLayer(from: LayerConfig(className: nestedClass, values: nestedValues))
    }
}

extension TimeDistributed: ConfigurableLayer {
    /// `layer`: the wrapped layer's config.
    public var config: LayerConfig {
        var config = baseConfig()
        config["layer"] = LayerConfig.nested(layer)
        return config
    }

    /// Rebuilds a `TimeDistributed` and its wrapped layer from ``config``.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid, or the wrapped layer's own error.
    public convenience init(config: LayerConfig) throws {
        self.init(try config.nestedLayer("layer"), name: try config.name())
    }
}

extension Bidirectional: ConfigurableLayer {
    /// `layer` (the forward layer's config), `backward_layer` and `merge_mode`.
    public var config: LayerConfig {
        var config = baseConfig()
        config["layer"] = LayerConfig.nested(forwardLayer)
        config["backward_layer"] = LayerConfig.nested(backwardLayer)
        config["merge_mode"] = .string(mergeMode.rawValue)
        return config
    }

    /// Rebuilds a `Bidirectional` and both directions from ``config``; a missing
    /// `backward_layer` is the forward layer run backwards, as in Keras.
    ///
    /// - Parameter config: the layer's configuration, with Keras' keys (as ``config`` writes them).
    /// - Throws: ``ModelFileError`` naming the key when a value is missing, of the wrong
    ///   type or not valid (a wrapped layer that is not a ``SimpleRNN``, ``LSTM`` or
    ///   ``GRU``), or a wrapped layer's own error.
    public convenience init(config: LayerConfig) throws {
        let modeName = try config.string("merge_mode", default: "concat")
        guard let mode = MergeMode(rawValue: modeName) else {
            throw config.invalid("merge_mode", "must be one of \(MergeMode.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(modeName.prefix(40))\"")
        }
        guard let forward = try config.nestedLayer("layer") as? RecurrentLayer else {
            throw config.invalid("layer", "must be a SimpleRNN, LSTM or GRU")
        }
        var backward: RecurrentLayer?
        if config.contains("backward_layer") {
            guard let layer = try config.nestedLayer("backward_layer") as? RecurrentLayer else {
                throw config.invalid("backward_layer", "must be a SimpleRNN, LSTM or GRU")
            }
            guard layer.goBackwards != forward.goBackwards, layer.returnSequences == forward.returnSequences, !layer.returnState else {
                throw config.invalid("backward_layer", "must run in the other direction than \"layer\" and agree on return_sequences")
            }
            backward = layer
        }
        guard !forward.returnState else { throw config.invalid("layer", "return_state is not supported inside Bidirectional") }
        self.init(forward, mergeMode: mode, backwardLayer: backward, name: try config.name())
    }
}
