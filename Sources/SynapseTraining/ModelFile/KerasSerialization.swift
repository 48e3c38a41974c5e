/// Keras 3's serialisation format for architectures, so that the JSON a model file
/// stores loads in Keras with `keras.models.model_from_json`.
///
/// Keras 3 marks every serialised object with the module its class lives in and a
/// `registered_name` (`null` for built-in classes), and writes the input
/// declaration as an `InputLayer` with a `batch_shape`:
///
/// ```json
/// {"module": "keras", "class_name": "Sequential", "registered_name": null,
///  "config": {"name": "mlp", "layers": [
///    {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null,
///     "config": {"batch_shape": [null, 784], "dtype": "float32", "name": "input"}},
///    {"module": "keras.layers", "class_name": "Dense", "registered_name": null,
///     "config": {"units": 10, "kernel_initializer": {"module": "keras.initializers",
///                "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}, ...}}]}}
/// ```
///
/// ``annotated(_:)`` adds these marks to Synapse's form; ``plain(_:)`` removes them
/// (and Keras' `DTypePolicy` objects, `build_config` and `shared_object_id`) so the
/// reader sees one form whichever program wrote the file.
enum KerasSerialization {
    /// The marks Keras adds that carry nothing Synapse reads.
    private static let markKeys: Set<String> = ["module", "registered_name", "build_config", "shared_object_id", "compile_config"]

    /// Synapse's architecture JSON with Keras 3's marks added.
    ///
    /// - Parameter architecture: `{"class_name": "Sequential", "config": {"layers": [...]}}`.
    /// - Returns: the same architecture in Keras 3's form.
    static func annotated(_ architecture: ConfigValue) -> ConfigValue {
        guard var model = architecture.objectValue, var config = model["config"]?.objectValue else { return architecture }
        if let layers = config["layers"]?.arrayValue {
            config["layers"] = .array(layers.map(annotatedLayer))
        }
        model["config"] = .object(config)
        // Keras 3 writes its functional class with the module it lives in.
        model["module"] = model["class_name"]?.stringValue == "Functional" ? "keras.src.models.functional" : "keras"
        model["registered_name"] = .null
        return .object(model)
    }

    /// An architecture in either form with Keras' marks removed: `InputLayer` stays
    /// (the registry reads its `batch_shape`), a `DTypePolicy` becomes its name.
    ///
    /// - Parameter value: any JSON value of an architecture.
    /// - Returns: the value without marks, at every depth.
    static func plain(_ value: ConfigValue) -> ConfigValue {
        switch value {
        case .array(let items):
            return .array(items.map(plain))
        case .object(let object):
            if object["class_name"]?.stringValue == "DTypePolicy",
               let name = object["config"]?.objectValue?["name"], name.stringValue != nil {
                return name
            }
            var result: [String: ConfigValue] = [:]
            for (key, item) in object where !markKeys.contains(key) {
                result[key] = plain(item)
            }
            return .object(result)
        default:
            return value
        }
    }

    private static func annotatedLayer(_ layer: ConfigValue) -> ConfigValue {
        guard var entry = layer.objectValue, let className = entry["class_name"]?.stringValue,
              var config = entry["config"]?.objectValue else { return layer }
        if className == "Input" {
            // Keras' InputLayer takes the batch shape, dtype and name only.
            var input: [String: ConfigValue] = [:]
            input["batch_shape"] = .array([.null] + (config["shape"]?.arrayValue ?? []))
            input["dtype"] = config["dtype"] ?? "float32"
            input["name"] = config["name"]
            entry["class_name"] = "InputLayer"
            config = input
        } else {
            for (key, item) in config {
                config[key] = annotatedArgument(key: key, item)
            }
        }
        entry["config"] = .object(config)
        entry["module"] = "keras.layers"
        entry["registered_name"] = .null
        return .object(entry)
    }

    /// A nested object (`{"class_name": ..., "config": ...}`) gains the module of its
    /// kind: initializers, regularizers, constraints, or layers (a wrapper's layer).
    private static func annotatedArgument(key: String, _ value: ConfigValue) -> ConfigValue {
        guard var object = value.objectValue, object["class_name"]?.stringValue != nil, object["config"] != nil else {
            return value
        }
        let module: String
        if key.hasSuffix("initializer") {
            module = "keras.initializers"
        } else if key.hasSuffix("regularizer") {
            module = "keras.regularizers"
        } else if key.hasSuffix("constraint") {
            module = "keras.constraints"
        } else {
            return annotatedLayer(value)
        }
        object["module"] = .string(module)
        object["registered_name"] = .null
        return .object(object)
    }
}
