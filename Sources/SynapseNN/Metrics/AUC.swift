import Glibc

extension Metrics {
    /// The area under the ROC or precision-recall curve, approximated from confusion
    /// counts at fixed thresholds, as Keras' `AUC` (and with its numbers).
    ///
    /// Thresholds: `numThresholds` values, `i / (numThresholds − 1)` for the inner
    /// ones and `−ε`, `1 + ε` (ε = 1e-7) at the ends, so a prediction of exactly 0 or
    /// 1 lies inside the range. A prediction is positive at `t` when it is strictly
    /// greater than `t`; predictions are clipped to [0, 1] first (after the sigmoid,
    /// with `fromLogits`). Labels are 0/1; as in Keras' default (evenly spaced
    /// thresholds) path, a soft label `y` counts as `y` positive and `1 − y` negative.
    ///
    /// The area, with `summationMethod` `.interpolation` (the default):
    /// - ROC: the trapezoid rule over the points (false positive rate, recall).
    /// - PR: the Davis & Goadrich interpolation between thresholds, with precision
    ///   varying along the line between the two points' TP and TP + FP counts.
    /// `.minoring` and `.majoring` use left/right Riemann sums with the smaller or
    /// larger height instead.
    ///
    /// Multi-output targets are pooled into one curve (Keras' `multi_label=False`).
    ///
    /// ```swift
    /// let auc = Metrics.AUC(numThresholds: 3)
    /// auc.update(yTrue: Tensor([0, 0, 1, 1]), yPred: Tensor([0, 0.5, 0.3, 0.9]))
    /// auc.result()   // 0.75
    /// ```
    public final class AUC: Metric {
        /// Which curve the area is taken under.
        public enum Curve: String, Sendable, Hashable {
            /// Receiver operating characteristic: recall against false positive rate.
            case roc = "ROC"
            /// Precision against recall.
            case pr = "PR"
        }

        /// How the area between two neighbouring thresholds is estimated.
        public enum SummationMethod: String, Sendable, Hashable {
            /// Trapezoids for ROC; Davis & Goadrich interpolation for PR.
            case interpolation
            /// Rectangles with the lower of the two heights.
            case minoring
            /// Rectangles with the higher of the two heights.
            case majoring
        }

        public let name: String
        /// The number of thresholds, ends included.
        public let numThresholds: Int
        /// The curve the area is taken under.
        public let curve: Curve
        /// How neighbouring thresholds are joined.
        public let summationMethod: SummationMethod
        /// Whether predictions are logits (a sigmoid is applied before thresholding).
        public let fromLogits: Bool
        private var counts: ConfusionCounts

        /// An AUC metric with Keras' defaults.
        ///
        /// - Parameters:
        ///   - numThresholds: the number of thresholds, ends included; at least 2 (default 200).
        ///   - curve: the curve the area is taken under, `.roc` or `.pr` (default `.roc`).
        ///   - summationMethod: how the area between neighbouring thresholds is estimated
        ///     (default `.interpolation`).
        ///   - fromLogits: apply a sigmoid to the predictions first (default `false`).
        ///   - name: the metric's name (default "auc").
        public init(numThresholds: Int = 200, curve: Curve = .roc, summationMethod: SummationMethod = .interpolation,
                    fromLogits: Bool = false, name: String = "auc") {
            require(numThresholds > 1, "AUC: numThresholds must be an integer > 1, got \(numThresholds)")
            self.numThresholds = numThresholds
            self.curve = curve
            self.summationMethod = summationMethod
            self.fromLogits = fromLogits
            self.name = name
            counts = ConfusionCounts(thresholds: Self.evenThresholds(numThresholds))
        }

        /// The thresholds in use, increasing: `−ε`, `1/(n−1)`, …, `(n−2)/(n−1)`, `1 + ε`.
        public var thresholds: [Float] { counts.thresholds }
        /// Weighted true positives at each threshold.
        public var truePositives: [Double] { counts.read().truePositives }
        /// Weighted false positives at each threshold.
        public var falsePositives: [Double] { counts.read().falsePositives }
        /// Weighted true negatives at each threshold.
        public var trueNegatives: [Double] { counts.read().trueNegatives }
        /// Weighted false negatives at each threshold.
        public var falseNegatives: [Double] { counts.read().falseNegatives }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            requireFloatPredictions(yPred, metric: name)
            withoutGradient {
                let scores = (fromLogits ? yPred.sigmoid() : yPred).clamped(min: 0, max: 1)
                let inputs = confusionInputs(yTrue: yTrue, yPred: scores, sampleWeight: sampleWeight, classId: nil,
                                             metric: name) { labels in labels }
                counts.add(predictions: inputs.predictions, positiveWeights: inputs.positive,
                           negativeWeights: inputs.negative)
            }
        }

        public func result() -> Float { deferredResult().value }

        public func deferredResult() -> DeferredScalar {
            let (counts, curve, method) = (self.counts, curve, summationMethod)
            return DeferredScalar { Float(Self.area(of: counts.read(), curve: curve, summationMethod: method)) }
        }

        /// The area under `curve` through the points the counts give.
        private static func area(of totals: ConfusionTotals, curve: Curve, summationMethod: SummationMethod) -> Double {
            if curve == .pr && summationMethod == .interpolation { return interpolatedPRArea(totals) }
            let (tp, fp) = (totals.truePositives, totals.falsePositives)
            let (tn, fn) = (totals.trueNegatives, totals.falseNegatives)
            let recall = tp.indices.map { divideNoNaN(tp[$0], tp[$0] + fn[$0]) }
            let x: [Double], y: [Double]
            switch curve {
            case .roc:
                x = fp.indices.map { divideNoNaN(fp[$0], fp[$0] + tn[$0]) }
                y = recall
            case .pr:
                x = recall
                y = tp.indices.map { divideNoNaN(tp[$0], tp[$0] + fp[$0]) }
            }
            // Thresholds increase, so x decreases: each term is (x[i] − x[i+1]) · height.
            var area = 0.0
            for index in 0..<(tp.count - 1) {
                let height: Double
                switch summationMethod {
                case .interpolation: height = (y[index] + y[index + 1]) / 2
                case .minoring: height = Swift.min(y[index], y[index + 1])
                case .majoring: height = Swift.max(y[index], y[index + 1])
                }
                area += (x[index] - x[index + 1]) * height
            }
            return area
        }

        public func reset() { counts.reset() }

        /// Keras' `interpolate_pr_auc` (Davis & Goadrich 2006, section 4): within each
        /// interval TP and P = TP + FP vary linearly, so precision is
        /// `(intercept + slope·P) / P` and its integral over recall has a closed form.
        private static func interpolatedPRArea(_ totals: ConfusionTotals) -> Double {
            let (tp, fn) = (totals.truePositives, totals.falseNegatives)
            let predictedPositive = tp.indices.map { tp[$0] + totals.falsePositives[$0] }
            var area = 0.0
            for index in 0..<(tp.count - 1) {
                let (pA, pB) = (predictedPositive[index], predictedPositive[index + 1])
                let deltaTP = tp[index] - tp[index + 1]
                let slope = divideNoNaN(deltaTP, Swift.max(pA - pB, 0))
                let intercept = tp[index + 1] - slope * pB
                let ratio = pA > 0 && pB > 0 ? divideNoNaN(pA, Swift.max(pB, 0)) : 1
                let increment = slope * (deltaTP + intercept * Glibc.log(ratio))
                area += divideNoNaN(increment, Swift.max(tp[index + 1] + fn[index + 1], 0))
            }
            return area
        }

        /// Keras' default thresholds for `count` points.
        private static func evenThresholds(_ count: Int) -> [Float] {
            let epsilon: Float = 1e-7
            let inner = (0..<(count - 2)).map { Float(Double($0 + 1) / Double(count - 1)) }
            return [0 - epsilon] + inner + [1 + epsilon]
        }
    }
}
