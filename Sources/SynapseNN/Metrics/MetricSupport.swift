/// Shared plumbing of the built-in metrics: weighted running totals, Keras' rank
/// alignment of targets and predictions, and shape checks that name the metric.

/// A weighted sum and the sum of the weights, accumulated where the values live.
///
/// Batch totals stay on the values' device as float64 scalars (so long epochs lose
/// no precision and a step reads nothing back); element counts of unweighted
/// batches and host values are kept on the host. ``mean`` reads the device once.
struct WeightedTotal {
    /// Σ w·x of the tensor updates, a float64 scalar on their device.
    private var deviceTotal: Tensor?
    /// Σ w of the weighted tensor updates, a float64 scalar on their device.
    private var deviceWeight: Tensor?
    /// Σ w·x of the host updates.
    private var hostTotal: Double = 0
    /// Σ w of the host updates and element counts of the unweighted tensor updates.
    private var hostCount: Double = 0

    /// `total / count`, or 0 before anything was added (Keras' `divide_no_nan`).
    /// Reads the device.
    var mean: Float { deferredMean.value }

    /// The mean as it stands now, read when first asked (one device read).
    var deferredMean: DeferredScalar {
        let (total, weight, hostTotal, hostCount) = (deviceTotal, deviceWeight, self.hostTotal, self.hostCount)
        guard let total else { return DeferredScalar(hostCount == 0 ? 0 : Float(hostTotal / hostCount)) }
        return DeferredScalar {
            let sums = weight.map { Tensor.stack([total, $0]).doubleScalars } ?? [total.doubleItem, 0]
            let (sum, count) = (sums[0] + hostTotal, sums[1] + hostCount)
            return count == 0 ? 0 : Float(sum / count)
        }
    }

    mutating func reset() { self = WeightedTotal() }

    /// Adds one host value with a weight.
    mutating func add(_ value: Double, weight: Double) {
        hostTotal += value * weight
        hostCount += weight
    }

    /// Adds every element of `values` (float32), weighted by `sampleWeight`
    /// broadcast against it (see ``weights(_:like:metric:)``).
    mutating func add(_ values: Tensor, sampleWeight: Tensor?, metric: String) {
        guard let sampleWeight else { return add(values, weight: 1) }
        let weights = Self.weights(sampleWeight, like: values, metric: metric)
        let sums = Tensor.stack([(values * weights).sum(), weights.sum()]).to(.float64)
        Self.accumulate(&deviceTotal, sums[0])
        Self.accumulate(&deviceWeight, sums[1])
    }

    /// Adds every element of `values` times a host weight (a batch's mean loss
    /// weighted by its size).
    mutating func add(_ values: Tensor, weight: Double) {
        let sum = values.sum().to(.float64)
        Self.accumulate(&deviceTotal, weight == 1 ? sum : sum * Float(weight))
        hostCount += weight * Double(values.scalarCount)
    }

    private static func accumulate(_ total: inout Tensor?, _ value: Tensor) {
        total = total.map { $0 + value } ?? value
    }

    /// `sampleWeight` as float32, broadcast to `shape(of: values)`: trailing size-1
    /// dimensions are added (a `[batch]` weight covers every output of a sample) or
    /// removed (a `[batch, 1]` weight for per-sample values `[batch]`), as Keras does.
    static func weights(_ sampleWeight: Tensor, like values: Tensor, metric: String) -> Tensor {
        var weights = sampleWeight.to(.float32)
        while weights.rank > values.rank, weights.shape.last == 1 { weights = weights.squeezed(axis: -1) }
        while weights.rank < values.rank { weights = weights.unsqueezed(axis: -1) }
        guard let shape = Shape.broadcast(weights.shape, values.shape), shape == values.shape else {
            fatalError("\(metric): sample weights of shape \(Shape.describe(sampleWeight.shape)) do not broadcast to values of shape \(Shape.describe(values.shape))")
        }
        return weights.broadcast(to: values.shape)
    }
}

/// Keras' `squeeze_or_expand_to_same_rank`: when the ranks differ by one, the
/// trailing size-1 dimension of the larger is dropped, or else one is added to the
/// smaller. Then the shapes must match.
///
/// So targets `[N]` fit predictions `[N, 1]` (a sigmoid output) and the reverse.
func alignedForMetric(_ yTrue: Tensor, _ yPred: Tensor, metric: String) -> (yTrue: Tensor, yPred: Tensor) {
    var (labels, predictions) = (yTrue, yPred)
    if labels.rank == predictions.rank + 1 {
        if labels.shape.last == 1 { labels = labels.squeezed(axis: -1) } else { predictions = predictions.unsqueezed(axis: -1) }
    } else if predictions.rank == labels.rank + 1 {
        if predictions.shape.last == 1 { predictions = predictions.squeezed(axis: -1) } else { labels = labels.unsqueezed(axis: -1) }
    }
    require(labels.shape == predictions.shape,
            "\(metric): targets of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape))")
    return (labels, predictions)
}

/// Stops unless `yPred` is float32, naming the metric.
func requireFloatPredictions(_ yPred: Tensor, metric: String) {
    require(yPred.dtype == .float32, "\(metric): expected float32 predictions, got \(yPred.dtype)")
}

/// Integer class ids of shape `[...]` for predictions `[..., classes]`: int32 or
/// float32 targets (float ids are truncated, as Keras' cast), with an optional
/// trailing size-1 dimension (`[N, 1]` labels).
func sparseLabels(_ yTrue: Tensor, for yPred: Tensor, metric: String) -> Tensor {
    require(yTrue.dtype != .bool, "\(metric): expected int32 or float32 class ids, got bool")
    var labels = yTrue.to(.int32)
    if labels.rank == yPred.rank, labels.shape.last == 1 { labels = labels.squeezed(axis: -1) }
    require(yPred.rank >= 1 && labels.shape == Array(yPred.shape.dropLast()),
            "\(metric): class ids of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape)) (expected ids of shape \(Shape.describe(Array(yPred.shape.dropLast()))))")
    return labels
}
