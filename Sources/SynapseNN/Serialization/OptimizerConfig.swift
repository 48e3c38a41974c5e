/// Optimizers in model files, with Keras' class names and keys:
/// `{"class_name": "Adam", "config": {"learning_rate": 0.001, "beta_1": 0.9, ...}}`.
///
/// The learning rate is stored as its current value; an optimizer with a schedule
/// also records the schedule's type under `learning_rate_schedule` (for reading),
/// and comes back with that constant rate. Per-parameter state (moments, momentum)
/// is not part of the config. The moving-average keys (`use_ema`, `ema_momentum`,
/// `ema_overwrite_frequency`) are written only when ``Optimizer/useEMA`` is on.
public enum OptimizerConfig {
    /// The configuration of `optimizer`. A subclass of a built-in optimizer is
    /// written with its own type name and only the base keys (learning rate and
    /// clipping), so loading does not mistake it for its superclass.
    ///
    /// - Parameter optimizer: the optimizer to describe.
    /// - Returns: `{"class_name": ..., "config": {...}}` with Keras' keys.
    public static func value(of optimizer: Optimizer) -> ConfigValue {
        var config: [String: ConfigValue] = [
            "learning_rate": ConfigValue(optimizer.learningRate),
            "clipnorm": optimizer.clipNorm.map { ConfigValue($0) } ?? .null,
            "global_clipnorm": optimizer.globalClipNorm.map { ConfigValue($0) } ?? .null,
            "clipvalue": optimizer.clipValue.map { ConfigValue($0) } ?? .null,
        ]
        if optimizer.useEMA {
            config["use_ema"] = .bool(true)
            config["ema_momentum"] = ConfigValue(optimizer.emaMomentum)
            config["ema_overwrite_frequency"] = optimizer.emaOverwriteFrequency.map(ConfigValue.int) ?? .null
        }
        if !(optimizer.schedule is ConstantLearningRate) {
            config["learning_rate_schedule"] = .string(String(describing: type(of: optimizer.schedule)))
        }
        let className = String(describing: type(of: optimizer))
        switch optimizer {
        case let sgd as SGD where type(of: optimizer) == SGD.self:
            config["momentum"] = ConfigValue(sgd.momentum)
            config["nesterov"] = .bool(sgd.nesterov)
            config["weight_decay"] = ConfigValue(sgd.weightDecay)
        case let adam as Adam where type(of: optimizer) == Adam.self:
            config["beta_1"] = ConfigValue(adam.beta1)
            config["beta_2"] = ConfigValue(adam.beta2)
            config["epsilon"] = ConfigValue(adam.epsilon)
            config["amsgrad"] = .bool(adam.amsgrad)
            config["weight_decay"] = ConfigValue(adam.weightDecay)
        case let adamW as AdamW where type(of: optimizer) == AdamW.self:
            config["beta_1"] = ConfigValue(adamW.beta1)
            config["beta_2"] = ConfigValue(adamW.beta2)
            config["epsilon"] = ConfigValue(adamW.epsilon)
            config["amsgrad"] = .bool(adamW.amsgrad)
            config["weight_decay"] = ConfigValue(adamW.weightDecay)
        case let rmsprop as RMSprop where type(of: optimizer) == RMSprop.self:
            config["rho"] = ConfigValue(rmsprop.rho)
            config["momentum"] = ConfigValue(rmsprop.momentum)
            config["epsilon"] = ConfigValue(rmsprop.epsilon)
            config["centered"] = .bool(rmsprop.centered)
        case let adagrad as Adagrad where type(of: optimizer) == Adagrad.self:
            config["initial_accumulator_value"] = ConfigValue(adagrad.initialAccumulatorValue)
            config["epsilon"] = ConfigValue(adagrad.epsilon)
        default:
            break
        }
        return ["class_name": .string(className), "config": .object(config)]
    }

    /// A new optimizer (without parameters) from its configuration, or `nil` when
    /// the class is not a built-in optimizer (a custom one).
    ///
    /// - Parameter value: `{"class_name": ..., "config": {...}}`, as ``value(of:)`` writes it.
    /// - Returns: the optimizer, with an empty ``Optimizer/parameters`` list, or `nil`.
    /// - Throws: ``ModelFileError/invalidJSON(key:reason:)`` (key "compile") for a
    ///   malformed config or an out-of-range hyper-parameter.
    public static func makeOptimizer(from value: ConfigValue) throws -> Optimizer? {
        guard let object = value.objectValue, let className = object["class_name"]?.stringValue else {
            throw ModelFileError.invalidJSON(key: "compile", reason: "the optimizer must be {\"class_name\": ..., \"config\": {...}}, found \(value)")
        }
        guard Optimizers.names.contains(className.lowercased()) else { return nil }
        let arguments = object["config"]?.objectValue ?? [:]
        let config = LayerConfig(className: className, values: arguments.merging(["name": "optimizer"]) { $1 })
        return try CompileConfigError.rethrowing("optimizer \(className)") {
            let nonNegative = { (key: String, fallback: Float) throws -> Float in
                try config.float(key, default: fallback, where: "a finite number >= 0") { $0 >= 0 }
            }
            let fraction = { (key: String, fallback: Float) throws -> Float in
                try config.float(key, default: fallback, where: "a number in [0, 1)") { $0 >= 0 && $0 < 1 }
            }
            let positive = { (key: String) throws -> Float? in
                config.contains(key) ? try config.float(key, where: "null or a finite number > 0") { $0 > 0 } : nil
            }
            let (clipNorm, globalClipNorm, clipValue) = (try positive("clipnorm"), try positive("global_clipnorm"), try positive("clipvalue"))
            if clipNorm != nil && globalClipNorm != nil {
                throw config.invalid("global_clipnorm", "cannot be combined with clipnorm")
            }
            let useEMA = try config.bool("use_ema", default: false)
            let emaMomentum = try fraction("ema_momentum", 0.99)
            let emaOverwriteFrequency = config.contains("ema_overwrite_frequency")
                ? try config.int("ema_overwrite_frequency", range: 1...Int(Int32.max)) : nil
            let optimizer = try makeOptimizer(className, config, nonNegative: nonNegative, fraction: fraction,
                                              clipping: (clipNorm, globalClipNorm, clipValue))
            optimizer.useEMA = useEMA
            optimizer.emaMomentum = emaMomentum
            optimizer.emaOverwriteFrequency = emaOverwriteFrequency
            return optimizer
        }
    }

    /// The built-in optimizer `className` with the hyper-parameters of `config`.
    private static func makeOptimizer(_ className: String, _ config: LayerConfig,
                                      nonNegative: (String, Float) throws -> Float, fraction: (String, Float) throws -> Float,
                                      clipping: (Float?, Float?, Float?)) throws -> Optimizer {
        let (clipNorm, globalClipNorm, clipValue) = clipping
        switch className.lowercased() {
        case "sgd":
            let momentum = try nonNegative("momentum", 0)
            let nesterov = try config.bool("nesterov", default: false)
            if nesterov && momentum == 0 { throw config.invalid("nesterov", "needs momentum > 0") }
            return SGD(learningRate: try nonNegative("learning_rate", 0.01), momentum: momentum, nesterov: nesterov,
                       weightDecay: try nonNegative("weight_decay", 0),
                       clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "adam":
            return Adam(learningRate: try nonNegative("learning_rate", 0.001), beta1: try fraction("beta_1", 0.9),
                        beta2: try fraction("beta_2", 0.999), epsilon: try nonNegative("epsilon", 1e-7),
                        amsgrad: try config.bool("amsgrad", default: false), weightDecay: try nonNegative("weight_decay", 0),
                        clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "adamw":
            return AdamW(learningRate: try nonNegative("learning_rate", 0.001), weightDecay: try nonNegative("weight_decay", 0.004),
                         beta1: try fraction("beta_1", 0.9), beta2: try fraction("beta_2", 0.999),
                         epsilon: try nonNegative("epsilon", 1e-7), amsgrad: try config.bool("amsgrad", default: false),
                         clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        case "rmsprop":
            return RMSprop(learningRate: try nonNegative("learning_rate", 0.001), rho: try fraction("rho", 0.9),
                           momentum: try nonNegative("momentum", 0), epsilon: try nonNegative("epsilon", 1e-7),
                           centered: try config.bool("centered", default: false),
                           clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        default:
            return Adagrad(learningRate: try nonNegative("learning_rate", 0.001),
                           initialAccumulatorValue: try nonNegative("initial_accumulator_value", 0.1),
                           epsilon: try nonNegative("epsilon", 1e-7),
                           clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        }
    }
}

/// Turns the layer-style errors of the typed readers into compile-config errors.
enum CompileConfigError {
    static func rethrowing<T>(_ subject: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ModelFileError.invalidConfig(_, _, let key, let reason) {
            throw ModelFileError.invalidJSON(key: "compile", reason: "\(subject): \"\(key)\" \(reason)")
        } catch ModelFileError.missingConfigKey(_, _, let key) {
            throw ModelFileError.invalidJSON(key: "compile", reason: "\(subject): \"\(key)\" is missing")
        }
    }
}
