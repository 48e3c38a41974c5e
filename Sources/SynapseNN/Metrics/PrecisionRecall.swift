/// Precision and recall of thresholded predictions, accumulated as weighted true
/// positive, false positive and false negative counts over all batches.
///
/// As Keras, a target counts as positive when it is non-zero, a prediction when it is
/// strictly greater than the threshold, and every element of `[N, ...]` targets is
/// one decision (multi-label outputs are pooled). `classId` restricts both to one
/// column of the last axis.
extension Metrics {
    /// `TP / (TP + FP)`: the fraction of predicted positives that are positive, as
    /// Keras' `Precision`; 0 while nothing was predicted positive.
    ///
    /// ```swift
    /// let precision = Metrics.Precision()
    /// precision.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]))
    /// precision.result()   // 2/3
    /// ```
    public final class Precision: Metric {
        public let name: String
        /// Predictions above it count as positive.
        public let threshold: Float
        /// The column of the last axis to evaluate, or `nil` for all elements.
        public let classId: Int?
        private var counts: ConfusionCounts

        /// A precision metric.
        ///
        /// - Parameters:
        ///   - threshold: predictions strictly above it count as positive (default 0.5).
        ///   - classId: when set, only that column of the last axis counts
        ///     (default `nil`: every element).
        ///   - name: the metric's name (default "precision").
        public init(threshold: Float = 0.5, classId: Int? = nil, name: String = "precision") {
            self.threshold = threshold
            self.classId = classId
            self.name = name
            counts = ConfusionCounts(thresholds: [threshold])
        }

        /// Weighted true positives so far.
        public var truePositives: Double { counts.read().truePositives[0] }
        /// Weighted false positives so far.
        public var falsePositives: Double { counts.read().falsePositives[0] }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            withoutGradient { counts.addThresholded(yTrue, yPred, sampleWeight, classId: classId, metric: name) }
        }

        public func result() -> Float { deferredResult().value }

        public func deferredResult() -> DeferredScalar {
            let counts = self.counts
            return DeferredScalar {
                let totals = counts.read()
                return Float(divideNoNaN(totals.truePositives[0], totals.truePositives[0] + totals.falsePositives[0]))
            }
        }

        public func reset() { counts.reset() }
    }

    /// `TP / (TP + FN)`: the fraction of positives that are predicted positive, as
    /// Keras' `Recall`; 0 while no positive target was seen.
    ///
    /// ```swift
    /// let recall = Metrics.Recall()
    /// recall.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]))
    /// recall.result()   // 2/3
    /// ```
    public final class Recall: Metric {
        public let name: String
        /// Predictions above it count as positive.
        public let threshold: Float
        /// The column of the last axis to evaluate, or `nil` for all elements.
        public let classId: Int?
        private var counts: ConfusionCounts

        /// A recall metric.
        ///
        /// - Parameters:
        ///   - threshold: predictions strictly above it count as positive (default 0.5).
        ///   - classId: when set, only that column of the last axis counts
        ///     (default `nil`: every element).
        ///   - name: the metric's name (default "recall").
        public init(threshold: Float = 0.5, classId: Int? = nil, name: String = "recall") {
            self.threshold = threshold
            self.classId = classId
            self.name = name
            counts = ConfusionCounts(thresholds: [threshold])
        }

        /// Weighted true positives so far.
        public var truePositives: Double { counts.read().truePositives[0] }
        /// Weighted false negatives so far.
        public var falseNegatives: Double { counts.read().falseNegatives[0] }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            withoutGradient { counts.addThresholded(yTrue, yPred, sampleWeight, classId: classId, metric: name) }
        }

        public func result() -> Float { deferredResult().value }

        public func deferredResult() -> DeferredScalar {
            let counts = self.counts
            return DeferredScalar {
                let totals = counts.read()
                return Float(divideNoNaN(totals.truePositives[0], totals.truePositives[0] + totals.falseNegatives[0]))
            }
        }

        public func reset() { counts.reset() }
    }
}

extension ConfusionCounts {
    /// Adds a batch with Keras' precision/recall label rule: non-zero is positive.
    fileprivate mutating func addThresholded(_ yTrue: Tensor, _ yPred: Tensor, _ sampleWeight: Tensor?,
                                             classId: Int?, metric: String) {
        let inputs = confusionInputs(yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight, classId: classId,
                                     metric: metric) { labels in (labels .!= 0).to(.float32) }
        add(predictions: inputs.predictions, positiveWeights: inputs.positive, negativeWeights: inputs.negative)
    }
}
