extension Metrics {
    /// The metric a Keras string stands for in `compile(metrics:)`, with default
    /// arguments, or `nil` when the name is unknown.
    ///
    /// "accuracy" and "acc" resolve as Keras does: from the loss when it decides
    /// (binary cross-entropy → ``BinaryAccuracy``, categorical cross-entropy →
    /// ``CategoricalAccuracy``, sparse categorical cross-entropy →
    /// ``SparseCategoricalAccuracy``; see ``AccuracyKind/forLoss(_:)``), otherwise
    /// from the shapes of the first batch (an ``InferredAccuracy``).
    ///
    /// Names are matched without case or underscores, so Keras' snake-case names,
    /// its aliases ("mae", "mse", "acc") and class names ("BinaryAccuracy") all work.
    /// The metric is named with the string as given, as Keras logs it ("acc",
    /// "mae"), except that class names become the snake-case Keras name.
    ///
    /// - Parameters:
    ///   - name: the metric's Keras name or alias.
    ///   - lossName: the compiled loss's name ("binary_crossentropy", …), used only
    ///     to resolve "accuracy".
    ///
    /// ```swift
    /// Metrics.named("accuracy", loss: "sparse_categorical_crossentropy")   // SparseCategoricalAccuracy named "accuracy"
    /// Metrics.named("mae")                                                 // MeanAbsoluteError named "mae"
    /// ```
    public static func named(_ name: String, loss lossName: String? = nil) -> (any Metric)? {
        let key = normalizedIdentifier(name)
        if key == "accuracy" || key == "acc" {
            if let lossName, let kind = AccuracyKind.forLoss(lossName) { return kind.makeMetric(name: name) }
            return InferredAccuracy(name: name)
        }
        guard let entry = catalogue.first(where: { $0.keys.contains(key) }) else { return nil }
        // Snake-case names and aliases are kept as typed; class names become the Keras name.
        let displayName = name == name.lowercased() ? name : entry.names[0]
        return entry.make(displayName)
    }

    /// Every name ``named(_:loss:)`` accepts, in Keras' snake case.
    public static let names: [String] = ["accuracy", "acc"] + catalogue.flatMap(\.names)

    private struct Entry: Sendable {
        /// Keras' names and aliases; the first is the metric's default name.
        let names: [String]
        let make: @Sendable (String) -> any Metric
        var keys: [String] { names.map(normalizedIdentifier) }
    }

    private static let catalogue: [Entry] = [
        Entry(names: ["binary_accuracy"]) { BinaryAccuracy(name: $0) },
        Entry(names: ["categorical_accuracy"]) { CategoricalAccuracy(name: $0) },
        Entry(names: ["sparse_categorical_accuracy"]) { SparseCategoricalAccuracy(name: $0) },
        Entry(names: ["top_k_categorical_accuracy"]) { TopKCategoricalAccuracy(name: $0) },
        Entry(names: ["sparse_top_k_categorical_accuracy"]) { SparseTopKCategoricalAccuracy(name: $0) },
        Entry(names: ["mean_absolute_error", "mae"]) { MeanAbsoluteError(name: $0) },
        Entry(names: ["mean_squared_error", "mse"]) { MeanSquaredError(name: $0) },
        Entry(names: ["root_mean_squared_error", "rmse"]) { RootMeanSquaredError(name: $0) },
        Entry(names: ["precision"]) { Precision(name: $0) },
        Entry(names: ["recall"]) { Recall(name: $0) },
        Entry(names: ["auc"]) { AUC(name: $0) },
    ]
}
