/// The training configuration of a saved model: the optimizer with its
/// hyper-parameters, the loss and the metric names, as `compile` set them.
///
/// ```json
/// {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.001, "beta_1": 0.9, ...}},
///  "loss": {"name": "sparse_categorical_crossentropy", "from_logits": false, "reduction": "sum_over_batch_size"},
///  "metrics": ["accuracy"]}
/// ```
///
/// A model with several outputs compiled with a loss per output stores them as
/// Keras does, by output name: `"loss": {"total": {...}, "sign": {...}}`, with
/// `"loss_weights": {"total": 2.0}` and `"metrics": {"sign": ["accuracy"]}`.
public struct CompileConfig: Sendable, Hashable {
    /// The optimizer's configuration (see ``/SynapseNN/OptimizerConfig``).
    public var optimizer: ConfigValue
    /// The loss's configuration (see ``/SynapseNN/LossConfig``), or one per output name.
    public var loss: ConfigValue
    /// The metrics' names, as given to `compile` ("accuracy", "mae"); for a model
    /// with several outputs and one loss, each output's.
    public var metrics: [String]
    /// The loss weights by output name (losses per output only; missing ones weigh 1).
    public var lossWeights: [String: Float] = [:]
    /// The metric names by output name (losses per output only).
    public var outputMetrics: [String: [String]] = [:]

    /// The configuration of a compiled model, or `nil` if it was not compiled.
    ///
    /// - Parameter model: the model whose optimizer, loss (or losses per output) and
    ///   metric names are described.
    public init?(of model: Model) {
        guard let optimizer = model.optimizer, model.loss != nil || !model.objectives.isEmpty else { return nil }
        self.optimizer = OptimizerConfig.value(of: optimizer)
        if let loss = model.loss {
            self.loss = LossConfig.value(of: loss)
            self.metrics = model.objectives.first?.metricNames ?? model.metrics.map(\.name)
        } else {
            let objectives = model.objectives
            self.loss = .object(Dictionary(uniqueKeysWithValues: objectives.map { ($0.output, LossConfig.value(of: $0.loss)) }))
            self.metrics = []
            self.lossWeights = Dictionary(uniqueKeysWithValues: objectives.filter { $0.weight != 1 }.map { ($0.output, $0.weight) })
            self.outputMetrics = Dictionary(uniqueKeysWithValues: objectives.filter { !$0.metricNames.isEmpty }.map { ($0.output, $0.metricNames) })
        }
    }

    /// Whether ``loss`` holds one loss per output name.
    public var hasLossPerOutput: Bool {
        guard let members = loss.objectValue else { return false }
        return members["name"]?.stringValue == nil && members.values.allSatisfy { $0.objectValue != nil || $0.stringValue != nil }
    }

    /// Checks and reads the JSON text of a compile configuration.
    ///
    /// - Parameter jsonText: JSON of the form shown above.
    /// - Throws: ``/SynapseNN/ModelFileError/invalidJSON(key:reason:)`` (key "compile").
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
        func names(_ value: ConfigValue?, key: String) throws -> [String] {
            let values = value?.arrayValue ?? []
            let names = values.compactMap(\.stringValue)
            guard names.count == values.count, value == nil || value?.arrayValue != nil else { throw fail("\"\(key)\" must be a list of names") }
            return names
        }
        if let perOutput = object["metrics"]?.objectValue {
            self.metrics = []
            self.outputMetrics = try perOutput.mapValues { try names($0, key: "metrics") }
        } else {
            self.metrics = try names(object["metrics"], key: "metrics")
        }
        if let weights = object["loss_weights"], !weights.isNull {
            guard let members = weights.objectValue else { throw fail("\"loss_weights\" must be an object of numbers by output name") }
            self.lossWeights = try members.mapValues { value in
                guard let number = value.doubleValue else { throw fail("\"loss_weights\" must be an object of numbers by output name") }
                return Float(number)
            }
        }
        (self.optimizer, self.loss) = (optimizer, loss)
    }

    /// The JSON form.
    public var configValue: ConfigValue {
        guard hasLossPerOutput else { return ["optimizer": optimizer, "loss": loss, "metrics": .array(metrics.map(ConfigValue.string))] }
        return ["optimizer": optimizer, "loss": loss,
                "loss_weights": .object(lossWeights.mapValues { .double(Double($0)) }),
                "metrics": .object(outputMetrics.mapValues { .array($0.map(ConfigValue.string)) })]
    }

    /// The JSON text (compact, sorted keys).
    public func jsonText() throws -> String { try configValue.jsonText() }

    /// The optimizer's class name ("Adam").
    public var optimizerClassName: String { optimizer.objectValue?["class_name"]?.stringValue ?? "?" }

    /// The loss's name ("binary_crossentropy"), or each output's ("total: mse, sign: binary_crossentropy").
    public var lossName: String {
        func name(_ value: ConfigValue?) -> String { value?.stringValue ?? value?.objectValue?["name"]?.stringValue ?? "?" }
        guard hasLossPerOutput, let members = loss.objectValue else { return name(loss) }
        return members.keys.sorted().map { "\($0): \(name(members[$0]))" }.joined(separator: ", ")
    }

    /// A new optimizer, or `nil` when the class is not a built-in optimizer.
    public func makeOptimizer() throws -> Optimizer? { try OptimizerConfig.makeOptimizer(from: optimizer) }

    /// A new loss, or `nil` when it is not a built-in loss or there is one per output.
    public func makeLoss() throws -> (any Loss)? { hasLossPerOutput ? nil : try LossConfig.makeLoss(from: loss) }

    /// Compiles `model` with these settings: a new optimizer, the loss (or the
    /// losses per output, with their weights) and the metrics. Returns `false`,
    /// leaving the model as it was, when an optimizer or a loss is not built in.
    ///
    /// - Parameter model: the model to compile (a functional model for losses per output).
    /// - Throws: errors from rebuilding the optimizer or a loss, or
    ///   ``ModelError/invalidData(_:)`` when the outputs do not match the model's.
    @discardableResult
    public func compile(_ model: Model) throws -> Bool {
        guard let optimizer = try makeOptimizer() else { return false }
        if hasLossPerOutput, let members = loss.objectValue {
            var losses: [String: any Loss] = [:]
            for (output, value) in members {
                guard let loss = try LossConfig.makeLoss(from: value) else { return false }
                losses[output] = loss
            }
            try model.compile(optimizer: optimizer, losses: losses, lossWeights: lossWeights, metrics: outputMetrics)
            return true
        }
        guard let loss = try makeLoss() else { return false }
        try model.compile(optimizer: optimizer, loss: loss, metrics: metrics.filter { Metrics.named($0, loss: loss.name) != nil })
        return true
    }

    /// Readable lines for summaries: `optimizer: Adam (learning_rate=0.001, beta_1=0.9, ...)`,
    /// `loss: ...`, `metrics: ...`.
    public var descriptionLines: [String] {
        func arguments(_ value: ConfigValue?) -> String {
            guard let members = value?.objectValue, !members.isEmpty else { return "" }
            let text = members.keys.sorted().filter { !(members[$0]!.isNull) }.map { "\($0)=\(members[$0]!)" }
            return text.isEmpty ? "" : " (" + text.joined(separator: ", ") + ")"
        }
        var lossArguments = hasLossPerOutput ? [:] : loss.objectValue ?? [:]
        lossArguments["name"] = nil
        return ["optimizer: \(optimizerClassName)\(arguments(optimizer.objectValue?["config"]))",
                "loss: \(lossName)\(arguments(.object(lossArguments)))",
                "metrics: \(metricsDescription)"]
    }

    private var metricsDescription: String {
        if !outputMetrics.isEmpty {
            return outputMetrics.keys.sorted().map { "\($0): \(outputMetrics[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
        }
        return metrics.isEmpty ? "none" : metrics.joined(separator: ", ")
    }
}
