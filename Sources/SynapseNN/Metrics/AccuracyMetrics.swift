/// The accuracy family: exact-match, binary (thresholded), categorical (one-hot) and
/// sparse categorical (class ids). Each averages a per-sample match (1 or 0) over
/// every sample seen since the last reset, weighted by the sample weights.
extension Metrics {
    /// How often predictions equal targets exactly, as Keras' `keras.metrics.Accuracy`
    /// (for predicted class ids or values, not probabilities).
    ///
    /// This is *not* what the string "accuracy" means in `compile(metrics:)`: Keras
    /// resolves that to a binary, categorical or sparse categorical accuracy; see
    /// ``Metrics/named(_:loss:)`` and ``Metrics/InferredAccuracy``.
    ///
    /// - Shapes: targets and predictions of the same shape (or differing by a
    ///   trailing size-1 dimension); any dtype, compared as float32.
    public final class Accuracy: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "accuracy" by default.
        public init(name: String = "accuracy") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            withoutGradient {
                let (labels, predictions) = alignedForMetric(yTrue.to(.float32), yPred.to(.float32), metric: name)
                state.add((labels .== predictions).to(.float32), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// How often thresholded predictions match binary targets, as Keras'
    /// `BinaryAccuracy`: a prediction counts as 1 when it is strictly greater than
    /// `threshold`.
    ///
    /// - Shapes: targets `[N, ...]` of 0/1 values (float32, int32 or bool);
    ///   predictions of the same shape, or with a trailing size-1 dimension more or
    ///   less. Every element counts; a sample weight `[N]` covers all of a sample's
    ///   outputs.
    ///
    /// ```swift
    /// let metric = Metrics.BinaryAccuracy()
    /// metric.update(yTrue: Tensor([[1], [1], [0], [0]]), yPred: Tensor([[0.98], [1], [0], [0.6]]))
    /// metric.result()   // 0.75
    /// ```
    public final class BinaryAccuracy: Metric {
        public let name: String
        /// Predictions above it count as the positive class.
        public let threshold: Float
        private var state = WeightedTotal()

        /// A binary accuracy metric.
        ///
        /// - Parameters:
        ///   - threshold: predictions strictly above it count as the positive class
        ///     (default 0.5, for probabilities; use 0 for logits).
        ///   - name: the metric's name (default "binary_accuracy").
        public init(threshold: Float = 0.5, name: String = "binary_accuracy") {
            self.threshold = threshold
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            withoutGradient {
                let (labels, predictions) = alignedForMetric(yTrue.to(.float32), yPred, metric: name)
                let predictedClass = (predictions .> threshold).to(.float32)
                state.add((labels .== predictedClass).to(.float32), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// How often the arg-max of the predictions matches the arg-max of one-hot
    /// targets, as Keras' `CategoricalAccuracy`. Ties pick the first index.
    ///
    /// - Shapes: targets and predictions `[N, ..., classes]`; one value per sample.
    public final class CategoricalAccuracy: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "categorical_accuracy" by default.
        public init(name: String = "categorical_accuracy") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            require(yTrue.shape == yPred.shape && yPred.rank >= 1,
                    "\(name): one-hot targets of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape)); use sparse_categorical_accuracy for class ids")
            withoutGradient {
                let matches = yTrue.to(.float32).argmax(alongAxis: -1) .== yPred.argmax(alongAxis: -1)
                state.add(matches.to(.float32), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// How often the arg-max of the predictions equals integer class ids, as Keras'
    /// `SparseCategoricalAccuracy`.
    ///
    /// - Shapes: targets `[N, ...]` or `[N, ..., 1]` of class ids (int32, or float32
    ///   holding whole numbers); predictions `[N, ..., classes]`.
    public final class SparseCategoricalAccuracy: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "sparse_categorical_accuracy" by default.
        public init(name: String = "sparse_categorical_accuracy") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            withoutGradient {
                let labels = sparseLabels(yTrue, for: yPred, metric: name)
                let matches = labels .== yPred.argmax(alongAxis: -1)
                state.add(matches.to(.float32), sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }
}
