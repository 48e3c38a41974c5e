/// Losses in model files: `{"name": "binary_crossentropy", "from_logits": false,
/// "reduction": "sum_over_batch_size"}` (plus `delta` for Huber and `label_smoothing`
/// for the categorical cross-entropies).
public enum LossConfig {
    /// The configuration of `loss`: its Keras name, reduction and arguments.
    ///
    /// - Parameter loss: the loss to describe.
    /// - Returns: an object with `name`, `reduction` and the loss's own arguments.
    public static func value(of loss: any Loss) -> ConfigValue {
        var config: [String: ConfigValue] = ["name": .string(loss.name), "reduction": .string(loss.reduction.rawValue)]
        switch loss {
        case let bce as BinaryCrossentropy: config["from_logits"] = .bool(bce.fromLogits)
        case let cce as CategoricalCrossentropy:
            config["from_logits"] = .bool(cce.fromLogits)
            config["label_smoothing"] = ConfigValue(cce.labelSmoothing)
        case let sparse as SparseCategoricalCrossentropy:
            config["from_logits"] = .bool(sparse.fromLogits)
            config["label_smoothing"] = ConfigValue(sparse.labelSmoothing)
        case let huber as Huber: config["delta"] = ConfigValue(huber.delta)
        default: break
        }
        return .object(config)
    }

    /// A loss from its configuration (or a bare name), or `nil` when the name is not
    /// a built-in loss.
    ///
    /// - Parameter value: a loss name, or an object with `name` and optional arguments.
    /// - Returns: the loss, or `nil` for a name ``Losses/named(_:)`` does not know.
    /// - Throws: ``ModelFileError/invalidJSON(key:reason:)`` (key "compile") for a
    ///   malformed config or an out-of-range argument.
    public static func makeLoss(from value: ConfigValue) throws -> (any Loss)? {
        if let name = value.stringValue { return Losses.named(name) }
        guard let object = value.objectValue, let name = object["name"]?.stringValue else {
            throw ModelFileError.invalidJSON(key: "compile", reason: "the loss must be a name or {\"name\": ...}, found \(value)")
        }
        guard let loss = Losses.named(name) else { return nil }
        let config = LayerConfig(className: name, values: object.merging(["name": "loss"]) { $1 })
        return try CompileConfigError.rethrowing("loss \(name)") {
            let reductionName = try config.string("reduction", default: LossReduction.sumOverBatchSize.rawValue)
            guard let reduction = LossReduction(rawValue: reductionName) else {
                throw config.invalid("reduction", "must be sum_over_batch_size, sum or none, found \"\(reductionName.prefix(40))\"")
            }
            let fromLogits = try config.bool("from_logits", default: false)
            let smoothing = { try config.float("label_smoothing", default: 0, where: "a number in [0, 1]") { $0 >= 0 && $0 <= 1 } }
            switch loss {
            case is BinaryCrossentropy: return BinaryCrossentropy(fromLogits: fromLogits, reduction: reduction)
            case is CategoricalCrossentropy:
                return CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: try smoothing(), reduction: reduction)
            case is SparseCategoricalCrossentropy:
                return SparseCategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: try smoothing(), reduction: reduction)
            case is Huber: return Huber(delta: try config.float("delta", default: 1, where: "a number > 0") { $0 > 0 }, reduction: reduction)
            case is MeanSquaredError: return MeanSquaredError(reduction: reduction)
            case is MeanAbsoluteError: return MeanAbsoluteError(reduction: reduction)
            case is KLDivergence: return KLDivergence(reduction: reduction)
            case is CosineSimilarity: return CosineSimilarity(reduction: reduction)
            default: return loss
            }
        }
    }
}
