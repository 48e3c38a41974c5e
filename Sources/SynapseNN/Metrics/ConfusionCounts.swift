/// Weighted true/false positive/negative counts at a list of thresholds, accumulated
/// over batches: the state of Precision, Recall and AUC.
///
/// A prediction is positive at threshold `t` when it is strictly greater than `t`
/// (Keras' rule; NaN is never positive). Each sample contributes its positive-label
/// weight to TP or FN and its negative-label weight to FP or TN, so soft labels and
/// sample weights work.
///
/// Tensor ops prepare a batch (alignment, label weights, sample weights); the counts
/// are then a histogram on the host: each prediction lands in the bucket "number of
/// thresholds below it" (a binary search), and TP/FP at threshold `i` are suffix sums
/// of the buckets above `i`. That is O(M log T) per batch, where comparing every
/// prediction with every threshold as tensors would be O(M · T).
struct ConfusionCounts {
    /// Thresholds in increasing order.
    let thresholds: [Float]
    private(set) var truePositives: [Double]
    private(set) var falsePositives: [Double]
    private(set) var trueNegatives: [Double]
    private(set) var falseNegatives: [Double]

    init(thresholds: [Float]) {
        require(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 <= $1 }, "thresholds must increase")
        self.thresholds = thresholds
        let zeros = [Double](repeating: 0, count: thresholds.count)
        (truePositives, falsePositives, trueNegatives, falseNegatives) = (zeros, zeros, zeros, zeros)
    }

    mutating func reset() { self = ConfusionCounts(thresholds: thresholds) }

    /// Adds a batch. All three tensors are float32 with shape `[M]`: the predictions,
    /// and each sample's weight as a positive and as a negative example.
    mutating func add(predictions: Tensor, positiveWeights: Tensor, negativeWeights: Tensor) {
        let rows = predictions.scalarCount
        guard rows > 0 else { return }
        let values = Tensor.stack([predictions, positiveWeights, negativeWeights]).scalars
        let thresholdCount = thresholds.count
        // Bucket k holds the predictions above exactly the first k thresholds.
        var positiveBuckets = [Double](repeating: 0, count: thresholdCount + 1)
        var negativeBuckets = [Double](repeating: 0, count: thresholdCount + 1)
        thresholds.withUnsafeBufferPointer { thresholds in
            for row in 0..<rows {
                let score = values[row]
                var (low, high) = (0, thresholdCount)   // first index whose threshold is not below `score`
                while low < high {
                    let middle = (low + high) / 2
                    if thresholds[middle] < score { low = middle + 1 } else { high = middle }
                }
                positiveBuckets[low] += Double(values[rows + row])
                negativeBuckets[low] += Double(values[2 * rows + row])
            }
        }
        // At threshold i, buckets 0...i are predicted negative and the rest positive.
        var (positivesBelow, negativesBelow) = (0.0, 0.0)
        for index in 0..<thresholdCount {
            positivesBelow += positiveBuckets[index]
            negativesBelow += negativeBuckets[index]
            falseNegatives[index] += positivesBelow
            trueNegatives[index] += negativesBelow
        }
        var (positivesAbove, negativesAbove) = (0.0, 0.0)
        for index in stride(from: thresholdCount - 1, through: 0, by: -1) {
            positivesAbove += positiveBuckets[index + 1]
            negativesAbove += negativeBuckets[index + 1]
            truePositives[index] += positivesAbove
            falsePositives[index] += negativesAbove
        }
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
