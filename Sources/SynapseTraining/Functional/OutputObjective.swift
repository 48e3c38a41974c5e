/// What one output of a multi-output model is trained and judged with: its loss,
/// the loss's weight in the total and its metrics (Keras' `compile` with
/// dictionaries: `loss={"class": ..., "box": ...}`, `loss_weights=...`, `metrics=...`).
///
/// `compile` makes these; the training loop logs each output's loss as
/// `"<output>_loss"` and each metric as `"<output>_<metric>"`, as Keras 3 does.
public struct OutputObjective {
    /// The output's name (the name of the layer that produces it).
    public let output: String
    /// The output's position among the model's outputs.
    public let index: Int
    /// The loss between this output's targets and predictions.
    public let loss: any Loss
    /// The loss's weight in the total loss (1 by default).
    public let weight: Float
    /// The metrics of this output, logged as `"<output>_<metric>"`.
    public let metrics: [Metric]
    /// The metric names as given to `compile` ("accuracy"), for the model file.
    public let metricNames: [String]

    /// The name the output's loss is logged under: `"<output>_loss"`.
    public var lossLogName: String { output + "_loss" }
}

/// A metric reported under another name: one output's metric in a multi-output
/// model ("accuracy" of output "class" is logged as "class_accuracy").
final class OutputMetric: Metric {
    let name: String
    let base: Metric

    /// - Parameters:
    ///   - base: the metric that accumulates.
    ///   - output: the output's name, put before the metric's.
    init(_ base: Metric, output: String) {
        (self.base, self.name) = (base, output + "_" + base.name)
    }

    func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
        base.update(yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight)
    }

    func result() -> Float { base.result() }
    func deferredResult() -> DeferredScalar { base.deferredResult() }
    func reset() { base.reset() }
}

extension Model {
    /// Configures a model with several outputs: one loss per output, by output name,
    /// with optional weights and metrics per output (Keras' `compile` with dictionaries).
    ///
    /// ```swift
    /// try model.compile(optimizer: Adam(),
    ///                   losses: ["class": SparseCategoricalCrossentropy(), "box": MeanSquaredError()],
    ///                   lossWeights: ["box": 0.5],
    ///                   metrics: ["class": ["accuracy"]])
    /// ```
    ///
    /// The total loss is the weighted sum of the outputs' losses plus the layers'
    /// regularization penalties. `fit` and `evaluate` log it as "loss", each
    /// output's as `"<output>_loss"` and each metric as `"<output>_<metric>"`.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters.
    ///   - losses: one loss per output name (see ``outputNames``); every output needs one.
    ///   - lossWeights: weights by output name; outputs left out weigh 1.
    ///   - metrics: metric names by output name ("accuracy" is resolved from that output's loss).
    /// - Throws: ``ModelError/invalidData(_:)`` for a name that is not an output or an
    ///   output without a loss; ``ModelError/unknownName(kind:name:known:)`` for an unknown metric.
    public func compile(optimizer: Optimizer, losses: [String: any Loss], lossWeights: [String: Float] = [:],
                        metrics: [String: [String]] = [:]) throws {
        let outputs = try requireOutputNames("compile")
        for (kind, names) in [("losses", Array(losses.keys)), ("lossWeights", Array(lossWeights.keys)), ("metrics", Array(metrics.keys))] {
            let unknown = names.filter { !outputs.contains($0) }.sorted()
            guard unknown.isEmpty else {
                throw ModelError.invalidData("compile: \(kind) name \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which is not an output of model '\(name)'; its outputs are \(outputs.joined(separator: ", "))")
            }
        }
        let missing = outputs.filter { losses[$0] == nil }
        guard missing.isEmpty else {
            throw ModelError.invalidData("compile: no loss for output \(missing.map { "'\($0)'" }.joined(separator: ", ")) of model '\(name)'; give one loss per output (\(outputs.joined(separator: ", ")))")
        }
        let objectives = try outputs.enumerated().map { index, output in
            try Self.objective(output: output, index: index, loss: losses[output]!, weight: lossWeights[output] ?? 1,
                               metricNames: metrics[output] ?? [])
        }
        setObjectives(objectives, optimizer: optimizer, sharedLoss: nil)
    }

    /// Configures a model with several outputs: one loss per output, in the order of
    /// ``outputNames``, with optional weights and metrics in the same order.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters.
    ///   - losses: one loss per output, in order.
    ///   - lossWeights: one weight per output, or `nil` (the default) for 1 each.
    ///   - metrics: one list of metric names per output, or empty (the default) for none.
    /// - Throws: ``ModelError/invalidData(_:)`` when a list's length is not the number
    ///   of outputs; ``ModelError/unknownName(kind:name:known:)`` for an unknown metric.
    public func compile(optimizer: Optimizer, losses: [any Loss], lossWeights: [Float]? = nil,
                        metrics: [[String]] = []) throws {
        let outputs = try requireOutputNames("compile")
        for (kind, count) in [("losses", losses.count), ("lossWeights", lossWeights?.count ?? outputs.count),
                              ("metrics", metrics.isEmpty ? outputs.count : metrics.count)] where count != outputs.count {
            throw ModelError.invalidData("compile: \(count) \(kind) for the \(outputs.count) outputs of model '\(name)' (\(outputs.joined(separator: ", ")))")
        }
        let objectives = try outputs.enumerated().map { index, output in
            try Self.objective(output: output, index: index, loss: losses[index], weight: lossWeights?[index] ?? 1,
                               metricNames: metrics.isEmpty ? [] : metrics[index])
        }
        setObjectives(objectives, optimizer: optimizer, sharedLoss: nil)
    }

    /// Configures a model with several outputs with Keras names: `losses: ["class":
    /// "sparse_categorical_crossentropy", "box": "mse"]`.
    ///
    /// - Parameters:
    ///   - optimizer: an optimizer name ("adam").
    ///   - losses: a loss name per output name.
    ///   - lossWeights: weights by output name; outputs left out weigh 1.
    ///   - metrics: metric names by output name.
    /// - Throws: ``ModelError/unknownName(kind:name:known:)`` for an unknown name;
    ///   ``ModelError/invalidData(_:)`` as ``compile(optimizer:losses:lossWeights:metrics:)``.
    public func compile(optimizer: String, losses: [String: String], lossWeights: [String: Float] = [:],
                        metrics: [String: [String]] = [:]) throws {
        guard let optimizerObject = Optimizers.named(optimizer) else {
            throw ModelError.unknownName(kind: "optimizer", name: optimizer, known: Optimizers.names)
        }
        let lossObjects = try losses.mapValues { lossName -> any Loss in
            guard let loss = Losses.named(lossName) else { throw ModelError.unknownName(kind: "loss", name: lossName, known: Losses.names) }
            return loss
        }
        try compile(optimizer: optimizerObject, losses: lossObjects, lossWeights: lossWeights, metrics: metrics)
    }

    /// The per-output objectives of a model with several outputs, one loss applied to
    /// each output (Keras' `compile(loss="mse")` on a multi-output model).
    func objectivesSharing(_ loss: any Loss, metrics: [String]) throws -> [OutputObjective] {
        try outputNames.enumerated().map { index, output in
            try Self.objective(output: output, index: index, loss: loss, weight: 1, metricNames: metrics)
        }
    }

    /// One objective per output, each with `loss`, weight 1 and no metrics.
    func objectivesSharing(_ loss: any Loss) -> [OutputObjective] {
        outputNames.enumerated().map { index, output in
            OutputObjective(output: output, index: index, loss: loss, weight: 1, metrics: [], metricNames: [])
        }
    }

    private static func objective(output: String, index: Int, loss: any Loss, weight: Float,
                                  metricNames: [String]) throws -> OutputObjective {
        let metrics = try metricNames.map { metricName -> Metric in
            guard let metric = Metrics.named(metricName, loss: loss.name) else {
                throw ModelError.unknownName(kind: "metric", name: metricName, known: Metrics.names)
            }
            return OutputMetric(metric, output: output)
        }
        return OutputObjective(output: output, index: index, loss: loss, weight: weight, metrics: metrics, metricNames: metricNames)
    }

    private func requireOutputNames(_ action: String) throws -> [String] {
        guard isFunctional else {
            throw ModelError.invalidData("\(action): losses per output need a functional model (Model(inputs:outputs:)); '\(name)' is a \(type(of: self))")
        }
        return outputNames
    }
}
