/// Weighted true/false positive/negative counts at a list of thresholds, accumulated
/// over batches on the predictions' device: the state of Precision, Recall and AUC.
///
/// A prediction is positive at threshold `t` when it is strictly greater than `t`
/// (Keras' rule; NaN is never positive). Each sample contributes its positive-label
/// weight to TP or FN and its negative-label weight to FP or TN, so soft labels and
/// sample weights work.
///
/// One batch is one matrix product: the label weights `[2, M]` (positive, negative)
/// times the indicator `prediction > threshold` `[M, T]` give TP and FP at every
/// threshold; FN and TN are the weight totals minus those. The counts stay on the
/// device in float64 until ``read()``.
struct ConfusionCounts {
    /// Thresholds in increasing order.
    let thresholds: [Float]
    /// Rows TP, FP, FN, TN; float64 `[4, thresholds]` on the predictions' device.
    private var counts: Tensor?

    init(thresholds: [Float]) {
        require(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 <= $1 }, "thresholds must increase")
        self.thresholds = thresholds
    }

    mutating func reset() { counts = nil }

    /// Adds a batch. All three tensors are float32 with shape `[M]`: the predictions,
    /// and each sample's weight as a positive and as a negative example.
    mutating func add(predictions: Tensor, positiveWeights: Tensor, negativeWeights: Tensor) {
        guard predictions.scalarCount > 0 else { return }
        let limits = Tensor(thresholds, device: predictions.device)
        let above = (predictions.unsqueezed(axis: 1) .> limits).to(.float32)
        let weights = Tensor.stack([positiveWeights, negativeWeights])
        let positivesAbove = weights.matmul(above)
        let below = weights.sum(alongAxes: [1], keepDims: true) - positivesAbove
        let batch = Tensor.concatenate([positivesAbove, below], axis: 0).to(.float64)
        counts = counts.map { $0 + batch } ?? batch
    }

    /// The counts so far, read from the device.
    func read() -> ConfusionTotals {
        guard let counts else { return ConfusionTotals(thresholdCount: thresholds.count) }
        let values = counts.doubleScalars
        let count = thresholds.count
        let row = { (index: Int) in Array(values[(index * count)..<((index + 1) * count)]) }
        return ConfusionTotals(truePositives: row(0), falsePositives: row(1), falseNegatives: row(2),
                               trueNegatives: row(3))
    }
}

/// Confusion counts read back to the host, one entry per threshold.
struct ConfusionTotals: Sendable {
    var truePositives: [Double]
    var falsePositives: [Double]
    var falseNegatives: [Double]
    var trueNegatives: [Double]

    init(truePositives: [Double], falsePositives: [Double], falseNegatives: [Double], trueNegatives: [Double]) {
        (self.truePositives, self.falsePositives) = (truePositives, falsePositives)
        (self.falseNegatives, self.trueNegatives) = (falseNegatives, trueNegatives)
    }

    /// All zero.
    init(thresholdCount: Int) {
        let zeros = [Double](repeating: 0, count: thresholdCount)
        self.init(truePositives: zeros, falsePositives: zeros, falseNegatives: zeros, trueNegatives: zeros)
    }
}

/// Flattened predictions and label weights for a confusion-count metric: targets
/// and predictions aligned as Keras does (optionally reduced to column `classId`),
/// sample weights broadcast to them, everything reshaped to `[M]`.
///
/// `positive(labels)` maps the float32 labels to each element's weight as a positive
/// example; the negative weight is `1 − positive`. Both are multiplied by the
/// sample weights.
func confusionInputs(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?, classId: Int?, metric: String,
                     positive: (Tensor) -> Tensor) -> (predictions: Tensor, positive: Tensor, negative: Tensor) {
    requireFloatPredictions(yPred, metric: metric)
    var (labels, predictions) = alignedForMetric(yTrue.to(.float32), yPred, metric: metric)
    if let classId {
        let classes = predictions.shape.last ?? 0
        require(predictions.rank >= 1 && classId >= 0 && classId < classes,
                "\(metric): classId \(classId) is out of range for predictions of shape \(Shape.describe(predictions.shape))")
        labels = labels.narrowed(axis: -1, start: classId, length: 1)
        predictions = predictions.narrowed(axis: -1, start: classId, length: 1)
    }
    let positiveLabel = positive(labels)
    var positiveWeight = positiveLabel
    var negativeWeight = 1 - positiveLabel
    if let sampleWeight {
        let weights = WeightedTotal.weights(sampleWeight, like: predictions, metric: metric)
        positiveWeight = positiveWeight * weights
        negativeWeight = negativeWeight * weights
    }
    return (predictions.reshaped(to: [-1]), positiveWeight.reshaped(to: [-1]), negativeWeight.reshaped(to: [-1]))
}

/// `numerator / denominator`, or 0 when the denominator is 0 (Keras' `divide_no_nan`).
func divideNoNaN(_ numerator: Double, _ denominator: Double) -> Double {
    denominator == 0 ? 0 : numerator / denominator
}
