extension Metrics {
    /// How often the target class is among the `k` highest predictions, as Keras'
    /// `TopKCategoricalAccuracy` (one-hot targets).
    ///
    /// Ties at the boundary count as hits, as TensorFlow's `in_top_k`: the target is
    /// in the top `k` when fewer than `k` classes score strictly higher.
    ///
    /// - Shapes: targets and predictions `[N, ..., classes]`.
    public final class TopKCategoricalAccuracy: Metric {
        public let name: String
        /// How many of the highest predictions may contain the target.
        public let k: Int
        private var state = WeightedTotal()

        /// A top-k accuracy metric for one-hot targets.
        ///
        /// - Parameters:
        ///   - k: how many of the highest predictions may contain the target, positive (default 5).
        ///   - name: the metric's name (default "top_k_categorical_accuracy").
        public init(k: Int = 5, name: String = "top_k_categorical_accuracy") {
            require(k > 0, "TopKCategoricalAccuracy: k must be positive, got \(k)")
            self.k = k
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            require(yTrue.shape == yPred.shape && yPred.rank >= 1,
                    "\(name): one-hot targets of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape)); use sparse_top_k_categorical_accuracy for class ids")
            withoutGradient {
                let labels = yTrue.to(.float32).argmax(alongAxis: -1)
                state.add(topKHits(labels: labels, predictions: yPred, k: k), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// How often integer class ids are among the `k` highest predictions, as Keras'
    /// `SparseTopKCategoricalAccuracy`. Ties as ``TopKCategoricalAccuracy``; ids
    /// outside `0..<classes` never count as hits.
    ///
    /// - Shapes: targets `[N, ...]` or `[N, ..., 1]` (int32 or float32 ids);
    ///   predictions `[N, ..., classes]`.
    public final class SparseTopKCategoricalAccuracy: Metric {
        public let name: String
        /// How many of the highest predictions may contain the target.
        public let k: Int
        private var state = WeightedTotal()

        /// A top-k accuracy metric for integer class ids.
        ///
        /// - Parameters:
        ///   - k: how many of the highest predictions may contain the target, positive (default 5).
        ///   - name: the metric's name (default "sparse_top_k_categorical_accuracy").
        public init(k: Int = 5, name: String = "sparse_top_k_categorical_accuracy") {
            require(k > 0, "SparseTopKCategoricalAccuracy: k must be positive, got \(k)")
            self.k = k
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            withoutGradient {
                let labels = sparseLabels(yTrue, for: yPred, metric: name)
                state.add(topKHits(labels: labels, predictions: yPred, k: k), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }
}

/// 1 where the class id `labels[...]` is among the `k` largest of
/// `predictions[..., :]` (fewer than `k` classes score strictly higher), else 0.
private func topKHits(labels: Tensor, predictions: Tensor, k: Int) -> Tensor {
    let classes = predictions.shape[predictions.rank - 1]
    let isTarget = labels.unsqueezed(axis: -1) .== Tensor.arange(0, Float(classes), dtype: .int32, device: labels.device)
    // `where`, not a product with the one-hot mask: 0 · -inf would be NaN.
    let targetScore = Tensor.where(isTarget, predictions, predictions.constant(0)).sum(alongAxis: -1, keepDims: true)
    let higher = (predictions .> targetScore).to(.float32).sum(alongAxis: -1)
    let inRange = isTarget.to(.float32).sum(alongAxis: -1)   // 0 for ids outside 0..<classes
    return (higher .< Float(k)).to(.float32) * inRange
}
