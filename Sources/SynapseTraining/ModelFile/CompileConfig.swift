/// The training configuration of a saved model: the optimizer with its
/// hyper-parameters, the loss and the metric names, as `compile` set them.
///
/// ```json
/// {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.001, "beta_1": 0.9, ...}},
///  "loss": {"name": "sparse_categorical_crossentropy", "from_logits": false, "reduction": "sum_over_batch_size"},
///  "metrics": ["accuracy"]}
/// ```
public struct CompileConfig: Sendable, Hashable {
    /// The optimizer's configuration (see ``OptimizerConfig``).
    public var optimizer: ConfigValue
    /// The loss's configuration (see ``LossConfig``).
    public var loss: ConfigValue
    /// The metrics' names, as logged ("accuracy", "mae").
    public var metrics: [String]

    /// The configuration of a compiled model, or `nil` if it was not compiled.
    public init?(of model: Model) {
        guard let optimizer = model.optimizer, let loss = model.loss else { return nil }
        self.optimizer = OptimizerConfig.value(of: optimizer)
        self.loss = LossConfig.value(of: loss)
        self.metrics = model.metrics.map(\.name)
    }

    /// Checks and reads the JSON text of a compile configuration.
    ///
    /// - Throws: ``ModelFileError/invalidJSON(key:reason:)`` (key "compile").
    public init(jsonText: String) throws {
        func fail(_ reason: String) -> ModelFileError { .invalidJSON(key: "compile", reason: reason) }
        let value: ConfigValue
        do {
            value = try ConfigValue(jsonText: jsonText)
        } catch {
            throw fail("not JSON (\(String(describing: error).prefix(120)))")
        }
        guard let object = value.objectValue else { throw fail("expected a JSON object, found \(value.kindDescription)") }
        guard let optimizer = object["optimizer"], optimizer.objectValue != nil else { throw fail("\"optimizer\" must be an object") }
        guard let loss = object["loss"], loss.objectValue != nil || loss.stringValue != nil else {
            throw fail("\"loss\" must be a name or an object")
        }
        let metricValues = object["metrics"]?.arrayValue ?? []
        let metrics = metricValues.compactMap(\.stringValue)
        guard metrics.count == metricValues.count else { throw fail("\"metrics\" must be a list of names") }
        (self.optimizer, self.loss, self.metrics) = (optimizer, loss, metrics)
    }

    /// The JSON form.
    public var configValue: ConfigValue {
        ["optimizer": optimizer, "loss": loss, "metrics": .array(metrics.map(ConfigValue.string))]
    }

    /// The JSON text (compact, sorted keys).
    public func jsonText() throws -> String { try configValue.jsonText() }

    /// The optimizer's class name ("Adam").
    public var optimizerClassName: String { optimizer.objectValue?["class_name"]?.stringValue ?? "?" }

    /// The loss's name ("binary_crossentropy").
    public var lossName: String { loss.stringValue ?? loss.objectValue?["name"]?.stringValue ?? "?" }

    /// A new optimizer, or `nil` when the class is not a built-in optimizer.
    public func makeOptimizer() throws -> Optimizer? { try OptimizerConfig.makeOptimizer(from: optimizer) }

    /// A new loss, or `nil` when it is not a built-in loss.
    public func makeLoss() throws -> (any Loss)? { try LossConfig.makeLoss(from: loss) }

    /// Readable lines for summaries: `optimizer: Adam (learning_rate=0.001, beta_1=0.9, ...)`,
    /// `loss: ...`, `metrics: ...`.
    public var descriptionLines: [String] {
        func arguments(_ value: ConfigValue?) -> String {
            guard let members = value?.objectValue, !members.isEmpty else { return "" }
            let text = members.keys.sorted().filter { !(members[$0]!.isNull) }.map { "\($0)=\(members[$0]!)" }
            return text.isEmpty ? "" : " (" + text.joined(separator: ", ") + ")"
        }
        var lossArguments = loss.objectValue ?? [:]
        lossArguments["name"] = nil
        return ["optimizer: \(optimizerClassName)\(arguments(optimizer.objectValue?["config"]))",
                "loss: \(lossName)\(arguments(.object(lossArguments)))",
                "metrics: \(metrics.isEmpty ? "none" : metrics.joined(separator: ", "))"]
    }
}
