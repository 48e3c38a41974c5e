/// Activations and padding modes in layer configurations.
extension ActivationFunction {
    /// The configuration form: the Keras name ("relu"), or, when a parameter differs
    /// from its default, an object such as `{"name": "leaky_relu", "alpha": 0.1}`.
    public var configValue: ConfigValue {
        switch self {
        case .leakyRelu(let alpha) where alpha != 0.3: ["name": .string(name), "alpha": ConfigValue(alpha)]
        case .elu(let alpha) where alpha != 1: ["name": .string(name), "alpha": ConfigValue(alpha)]
        case .gelu(let approximate) where approximate: ["name": .string(name), "approximate": true]
        default: .string(name)
        }
    }
}

extension LayerConfig {
    /// An activation written as its Keras name or as `{"name": ..., parameters}`.
    ///
    /// - Parameters:
    ///   - key: the configuration key (default "activation").
    ///   - defaultValue: the activation when the key is absent or `null` (default
    ///     ``ActivationFunction/linear``); `nil` makes the key required.
    /// - Returns: the activation, with its parameters (`alpha`, `approximate`) when the object gives them.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required key
    ///   is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` for an
    ///   unknown name, a value of another form, or an invalid parameter.
    public func activation(_ key: String = "activation", default defaultValue: ActivationFunction? = .linear) throws -> ActivationFunction {
        guard let value = values[key], !value.isNull else {
            if let defaultValue { return defaultValue }
            throw ModelFileError.missingConfigKey(layer: layerName, className: className, key: key)
        }
        if let name = value.stringValue {
            guard let function = ActivationFunction(name: name) else { throw invalid(key, "names an unknown activation \"\(name.prefix(40))\"") }
            return function
        }
        guard let object = value.objectValue, let name = object["name"]?.stringValue,
              let function = ActivationFunction(name: name) else {
            throw invalid(key, "must be an activation name or {\"name\": ...}, found \(value)")
        }
        var arguments = object
        arguments["name"] = nil
        return try nested(key, .object(arguments)) { parameters in
            switch function {
            case .leakyRelu: return .leakyRelu(alpha: try parameters.float("alpha", default: 0.3))
            case .elu: return .elu(alpha: try parameters.float("alpha", default: 1))
            case .gelu: return .gelu(approximate: try parameters.bool("approximate", default: false))
            default: return function
            }
        }
    }

    /// "valid" or "same", and "causal" where the layer allows it (Conv1D).
    ///
    /// - Parameters:
    ///   - key: the configuration key (default "padding").
    ///   - defaultValue: the padding when the key is absent or null (default `.valid`).
    ///   - allowsCausal: whether "causal" is accepted (default `false`).
    public func padding(_ key: String = "padding", default defaultValue: Padding = .valid,
                        allowsCausal: Bool = false) throws -> Padding {
        guard let value = values[key], !value.isNull else { return defaultValue }
        guard let text = value.stringValue, let padding = Padding(rawValue: text.lowercased()),
              allowsCausal || padding != .causal else {
            throw invalid(key, "must be \"valid\"\(allowsCausal ? ", \"same\" or \"causal\"" : " or \"same\""), found \(value)")
        }
        return padding
    }
}
