/// Regularizers in layer configurations: `{"class_name": "L2", "config": {"l2": 0.01}}`
/// (Keras' form), or `null` for none.
public enum RegularizerConfig {
    /// The configuration of `regularizer`: ``L1``, ``L2`` and ``L1L2`` by their Keras
    /// class names; another type by its Swift type name with an empty config (which
    /// ``LayerConfig/regularizer(_:)`` then rejects as unknown).
    ///
    /// - Parameter regularizer: the regularizer to describe, or `nil`.
    /// - Returns: `{"class_name": ..., "config": {...}}`, or `null` for `nil`.
    public static func value(of regularizer: (any Regularizer)?) -> ConfigValue {
        switch regularizer {
        case nil: .null
        case let penalty as L1: ["class_name": "L1", "config": ["l1": ConfigValue(penalty.l1)]]
        case let penalty as L2: ["class_name": "L2", "config": ["l2": ConfigValue(penalty.l2)]]
        case let penalty as L1L2: ["class_name": "L1L2", "config": ["l1": ConfigValue(penalty.l1), "l2": ConfigValue(penalty.l2)]]
        case let other?: ["class_name": .string(String(describing: type(of: other))), "config": [:]]
        }
    }
}

extension LayerConfig {
    /// A regularizer, or `nil` when the key is absent or `null`.
    ///
    /// - Parameter key: the configuration key, e.g. "kernel_regularizer".
    /// - Returns: an ``L1``, ``L2`` or ``L1L2``, or `nil`.
    /// - Throws: ``ModelFileError/invalidConfig(layer:className:key:reason:)`` for an
    ///   unknown class name, a value of another form, or a negative factor.
    public func regularizer(_ key: String) throws -> (any Regularizer)? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let object = value.objectValue, let className = object["class_name"]?.stringValue else {
            throw invalid(key, "must be null or {\"class_name\": ..., \"config\": {...}}, found \(value)")
        }
        return try nested(key, object["config"]) { arguments in
            let factor = { (name: String) throws -> Float in
                try arguments.float(name, default: 0, where: "a finite number >= 0") { $0 >= 0 }
            }
            switch className {
            case "L1", "l1": return L1(try factor("l1"))
            case "L2", "l2": return L2(try factor("l2"))
            case "L1L2", "l1_l2": return L1L2(l1: try factor("l1"), l2: try factor("l2"))
            default: throw invalid(key, "names an unknown regularizer \"\(className.prefix(40))\" (known: L1, L2, L1L2)")
            }
        }
    }

    /// Reads the arguments object of a nested value (`{"class_name", "config"}`'s
    /// config, or an activation object) with the typed readers; errors name this
    /// layer and the path, such as `"kernel_regularizer.l2"`.
    func nested<T>(_ key: String, _ value: ConfigValue?, _ body: (LayerConfig) throws -> T) throws -> T {
        var members: [String: ConfigValue]
        switch value {
        case nil, .null?: members = [:]
        case .object(let object)?: members = object
        case let other?: throw invalid(key, "must hold an object of arguments, found \(other)")
        }
        members["name"] = .string(layerName)
        do {
            return try body(LayerConfig(className: className, values: members))
        } catch ModelFileError.invalidConfig(let layer, let className, let inner, let reason) {
            throw ModelFileError.invalidConfig(layer: layer, className: className, key: inner == key ? key : "\(key).\(inner)", reason: reason)
        } catch ModelFileError.missingConfigKey(let layer, let className, let inner) {
            throw ModelFileError.missingConfigKey(layer: layer, className: className, key: "\(key).\(inner)")
        }
    }
}
