/// Initializers in layer configurations, by Keras class name:
/// `{"class_name": "GlorotUniform", "config": {"seed": null}}`.
///
/// A loaded model takes its weights from the file, so initializers only matter
/// when a layer is rebuilt from its configuration alone (a fresh copy of an
/// architecture); they are stored so that copy starts as the original did.
public enum InitializerConfig {
    /// The configuration of `initializer`. Built-in initializers get their Keras class
    /// names (Glorot, He and LeCun variants of ``VarianceScaling`` by their short
    /// names); another type gets its Swift type name, which
    /// ``LayerConfig/initializer(_:default:)`` then rejects as unknown.
    ///
    /// - Parameter initializer: the initializer to describe.
    /// - Returns: `{"class_name": ..., "config": {...}}`, with Keras' argument keys
    ///   (`mean`, `stddev`, `minval`, `maxval`, `seed`, ...).
    public static func value(of initializer: any Initializer) -> ConfigValue {
        let (className, arguments) = describe(initializer)
        return ["class_name": .string(className), "config": .object(arguments)]
    }

    private static func describe(_ initializer: any Initializer) -> (String, [String: ConfigValue]) {
        switch initializer {
        case is Zeros: return ("Zeros", [:])
        case is Ones: return ("Ones", [:])
        case let constant as Constant: return ("Constant", ["value": ConfigValue(constant.value)])
        case let normal as RandomNormal:
            return ("RandomNormal", ["mean": ConfigValue(normal.mean), "stddev": ConfigValue(normal.standardDeviation), "seed": seed(normal.seed)])
        case let uniform as RandomUniform:
            return ("RandomUniform", ["minval": ConfigValue(uniform.minimum), "maxval": ConfigValue(uniform.maximum), "seed": seed(uniform.seed)])
        case let normal as TruncatedNormal:
            return ("TruncatedNormal", ["mean": ConfigValue(normal.mean), "stddev": ConfigValue(normal.standardDeviation), "seed": seed(normal.seed)])
        case let orthogonal as Orthogonal:
            return ("Orthogonal", ["gain": ConfigValue(orthogonal.gain), "seed": seed(orthogonal.seed)])
        case let scaling as VarianceScaling:
            if let name = shortNames.first(where: { same($0.value(scaling.seed), scaling) })?.key {
                return (name, ["seed": seed(scaling.seed)])
            }
            return ("VarianceScaling", ["scale": ConfigValue(scaling.scale), "mode": .string(modeNames[scaling.mode]!),
                                        "distribution": .string(distributionNames[scaling.distribution]!), "seed": seed(scaling.seed)])
        default:
            return (String(describing: type(of: initializer)), [:])
        }
    }

    private static func same(_ lhs: VarianceScaling, _ rhs: VarianceScaling) -> Bool {
        (lhs.scale, lhs.mode, lhs.distribution, lhs.seed) == (rhs.scale, rhs.mode, rhs.distribution, rhs.seed)
    }

    /// Seeds as JSON integers (a string beyond `Int.max`).
    private static func seed(_ seed: UInt64?) -> ConfigValue {
        guard let seed else { return .null }
        return seed <= UInt64(Int.max) ? .int(Int(seed)) : .string(String(seed))
    }

    static let shortNames: [String: @Sendable (UInt64?) -> VarianceScaling] = [
        "GlorotUniform": { .glorotUniform(seed: $0) }, "GlorotNormal": { .glorotNormal(seed: $0) },
        "HeUniform": { .heUniform(seed: $0) }, "HeNormal": { .heNormal(seed: $0) },
        "LecunUniform": { .lecunUniform(seed: $0) }, "LecunNormal": { .lecunNormal(seed: $0) },
    ]
    static let modeNames: [VarianceScaling.Mode: String] = [.fanIn: "fan_in", .fanOut: "fan_out", .fanAverage: "fan_avg"]
    static let distributionNames: [VarianceScaling.Distribution: String] = [
        .truncatedNormal: "truncated_normal", .untruncatedNormal: "untruncated_normal", .uniform: "uniform",
    ]
}


extension LayerConfig {
    /// An initializer written as `{"class_name": ..., "config": {...}}` or as a bare
    /// class name ("glorot_uniform" and "GlorotUniform" both work).
    ///
    /// - Parameters:
    ///   - key: the configuration key, e.g. "kernel_initializer".
    ///   - defaultValue: the initializer when the key is absent or `null`.
    /// - Returns: the initializer.
    /// - Throws: ``ModelFileError/invalidConfig(layer:className:key:reason:)`` for an
    ///   unknown class name, a value of another form, or an invalid argument (the key
    ///   then reads e.g. "kernel_initializer.stddev").
    public func initializer(_ key: String, default defaultValue: any Initializer) throws -> any Initializer {
        guard let value = values[key], !value.isNull else { return defaultValue }
        let className: String
        let arguments: ConfigValue?
        if let name = value.stringValue {
            (className, arguments) = (name, nil)
        } else if let object = value.objectValue, let name = object["class_name"]?.stringValue {
            (className, arguments) = (name, object["config"])
        } else {
            throw invalid(key, "must be an initializer name or {\"class_name\": ..., \"config\": {...}}, found \(value)")
        }
        let canonical = String(className.filter { $0 != "_" }).lowercased()
        return try nested(key, arguments) { config in
            let seed = try config.seed()
            switch canonical {
            case "zeros": return Zeros()
            case "ones": return Ones()
            case "constant": return Constant(try config.float("value", default: 0))
            case "randomnormal":
                return RandomNormal(mean: try config.float("mean", default: 0),
                                    standardDeviation: try config.float("stddev", default: 0.05, where: "a number >= 0") { $0 >= 0 }, seed: seed)
            case "randomuniform":
                let minimum = try config.float("minval", default: -0.05)
                let maximum = try config.float("maxval", default: 0.05, where: "a number >= minval") { $0 >= minimum }
                return RandomUniform(minimum: minimum, maximum: maximum, seed: seed)
            case "truncatednormal":
                return TruncatedNormal(mean: try config.float("mean", default: 0),
                                       standardDeviation: try config.float("stddev", default: 0.05, where: "a number >= 0") { $0 >= 0 }, seed: seed)
            case "orthogonal":
                return Orthogonal(gain: try config.float("gain", default: 1), seed: seed)
            case "variancescaling":
                let mode = try config.string("mode", default: "fan_in")
                let distribution = try config.string("distribution", default: "truncated_normal")
                guard let modeValue = InitializerConfig.modeNames.first(where: { $0.value == mode })?.key else {
                    throw config.invalid("mode", "must be fan_in, fan_out or fan_avg, found \"\(mode.prefix(40))\"")
                }
                guard let distributionValue = InitializerConfig.distributionNames.first(where: { $0.value == distribution })?.key
                    ?? (distribution == "normal" ? .truncatedNormal : nil) else {
                    throw config.invalid("distribution", "must be truncated_normal, untruncated_normal or uniform, found \"\(distribution.prefix(40))\"")
                }
                return VarianceScaling(scale: try config.float("scale", default: 1, where: "a number > 0") { $0 > 0 },
                                       mode: modeValue, distribution: distributionValue, seed: seed)
            default:
                if let make = InitializerConfig.shortNames.first(where: { $0.key.lowercased() == canonical })?.value {
                    return make(seed)
                }
                throw invalid(key, "names an unknown initializer \"\(className.prefix(40))\"")
            }
        }
    }

    /// The optional `seed` of an initializer's arguments: a non-negative integer (or its decimal string).
    private func seed() throws -> UInt64? {
        guard let value = values["seed"], !value.isNull else { return nil }
        if let integer = value.intValue, integer >= 0 { return UInt64(integer) }
        if let text = value.stringValue, let seed = UInt64(text) { return seed }
        throw invalid("seed", "must be null or a non-negative integer, found \(value)")
    }
}
