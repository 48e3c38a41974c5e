extension Metrics {
    /// Which accuracy the string "accuracy" (or "acc") stands for.
    public enum AccuracyKind: String, Sendable, Hashable, CaseIterable {
        /// ``Metrics/BinaryAccuracy`` (threshold 0.5).
        case binary = "binary_accuracy"
        /// ``Metrics/CategoricalAccuracy`` (one-hot targets).
        case categorical = "categorical_accuracy"
        /// ``Metrics/SparseCategoricalAccuracy`` (class-id targets).
        case sparseCategorical = "sparse_categorical_accuracy"

        /// The accuracy that matches a loss, or `nil` when the loss does not decide it.
        ///
        /// Binary (and binary focal) cross-entropy → `.binary`; categorical (and
        /// categorical focal) cross-entropy → `.categorical`; sparse categorical
        /// cross-entropy → `.sparseCategorical`. Names are compared without case or
        /// underscores, so "binary_crossentropy", "BinaryCrossentropy" and "bce" agree.
        ///
        /// - Parameter lossName: The compiled loss's name, in any case, with or without underscores.
        /// - Returns: The matching kind, or `nil` for a loss that does not decide it.
        public static func forLoss(_ lossName: String) -> AccuracyKind? {
            switch normalizedIdentifier(lossName) {
            case "binarycrossentropy", "bce", "binaryfocalcrossentropy": .binary
            case "categoricalcrossentropy", "cce", "categoricalfocalcrossentropy": .categorical
            case "sparsecategoricalcrossentropy", "scce": .sparseCategorical
            default: nil
            }
        }

        /// The accuracy Keras picks from the shapes of targets and predictions:
        /// predictions with a last dimension of 1 (or of rank ≤ 1) → `.binary`;
        /// targets one rank lower than the predictions, or targets with a last
        /// dimension of 1 against several classes → `.sparseCategorical`;
        /// otherwise `.categorical`.
        ///
        /// - Parameters:
        ///   - yTrue: The shape of the targets, batch dimension included, e.g. `[batch]` or `[batch, classes]`.
        ///   - yPred: The shape of the predictions, batch dimension included, e.g. `[batch, classes]`.
        /// - Returns: The accuracy kind for those shapes.
        public static func forShapes(yTrue: [Int], yPred: [Int]) -> AccuracyKind {
            guard let classes = yPred.last, yPred.count > 1, classes != 1 else { return .binary }
            if yTrue.count == yPred.count - 1 || (yTrue.last == 1 && classes > 1) { return .sparseCategorical }
            return .categorical
        }

        /// A new metric of this kind, named `name`.
        ///
        /// - Parameter name: The name the metric shows in logs.
        /// - Returns: A fresh ``Metrics/BinaryAccuracy``, ``Metrics/CategoricalAccuracy``
        ///   or ``Metrics/SparseCategoricalAccuracy``.
        public func makeMetric(name: String) -> any Metric {
            switch self {
            case .binary: BinaryAccuracy(name: name)
            case .categorical: CategoricalAccuracy(name: name)
            case .sparseCategorical: SparseCategoricalAccuracy(name: name)
            }
        }
    }

    /// What the string "accuracy" becomes when the loss does not say which accuracy
    /// is meant: it picks binary, categorical or sparse categorical accuracy from the
    /// shapes of the first batch (``AccuracyKind/forShapes(yTrue:yPred:)``), as Keras
    /// does, and keeps that choice across resets.
    ///
    /// ``Metrics/named(_:loss:)`` returns one when the loss gives no answer (e.g. mean
    /// squared error, or no loss named); with a cross-entropy loss it returns the
    /// matching accuracy directly.
    public final class InferredAccuracy: Metric {
        public let name: String
        /// The accuracy in use; `nil` until the first update (or given at creation).
        public private(set) var kind: AccuracyKind?
        private var metric: (any Metric)?

        /// - Parameters:
        ///   - name: "accuracy" by default (Keras logs the string the user passed).
        ///   - lossName: the compiled loss's name; when it decides the kind
        ///     (``AccuracyKind/forLoss(_:)``) the shapes are not consulted.
        public init(name: String = "accuracy", lossName: String? = nil) {
            self.name = name
            if let lossName, let kind = AccuracyKind.forLoss(lossName) {
                self.kind = kind
                self.metric = kind.makeMetric(name: name)
            }
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            if metric == nil {
                let kind = AccuracyKind.forShapes(yTrue: yTrue.shape, yPred: yPred.shape)
                self.kind = kind
                metric = kind.makeMetric(name: name)
            }
            metric?.update(yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight)
        }

        public func result() -> Float { metric?.result() ?? 0 }

        public func deferredResult() -> DeferredScalar { metric?.deferredResult() ?? DeferredScalar(0) }

        public func reset() { metric?.reset() }
    }
}

/// A name compared without case or underscores: "binary_crossentropy",
/// "BinaryCrossentropy" and "binaryCrossentropy" all become "binarycrossentropy".
func normalizedIdentifier(_ name: String) -> String {
    name.lowercased().filter { $0 != "_" && $0 != " " && $0 != "-" }
}
