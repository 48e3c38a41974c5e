/// Binary cross-entropy for 0/1 targets, averaged over the last axis.
///
/// With `fromLogits: false` (Keras' default) predictions are probabilities, clipped
/// to [ε, 1 − ε]; with `fromLogits: true` the stable form
/// `max(x, 0) − x·y + log(1 + e^−|x|)` is used, with `max` and `|x|` written as
/// selections on `x ≥ 0` (as TensorFlow) so the gradient at `x = 0` is `σ(0) − y`.
public struct BinaryCrossentropy: Loss {
    public let name = "binary_crossentropy"
    public var reduction: LossReduction
    /// Whether predictions are logits (`true`) rather than probabilities (`false`).
    public var fromLogits: Bool
    /// Creates a binary cross-entropy loss.
    ///
    /// - Parameters:
    ///   - fromLogits: Whether predictions are logits rather than probabilities in
    ///     `[0, 1]`; default `false`.
    ///   - reduction: How per-sample values are combined; default ``LossReduction/sumOverBatchSize``.
    public init(fromLogits: Bool = false, reduction: LossReduction = .sumOverBatchSize) {
        self.fromLogits = fromLogits
        self.reduction = reduction
    }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        if fromLogits {
            // relu() and abs() have zero slope at 0, which would make the gradient −y there.
            let nonNegative = yPred .>= 0
            let positivePart = Tensor.where(nonNegative, yPred, .zeros(like: yPred))
            let negativeMagnitude = Tensor.where(nonNegative, -yPred, yPred)
            return (positivePart - yPred * yTrue + negativeMagnitude.exp().log1p()).mean(alongAxis: -1)
        }
        let p = yPred.clamped(min: lossEpsilon, max: 1 - lossEpsilon)
        return (-(yTrue * p.log() + (1 - yTrue) * (1 - p).log())).mean(alongAxis: -1)
    }
}

/// Categorical cross-entropy for one-hot (or soft) targets: `−Σ y · log ŷ` over the
/// last axis.
///
/// With probabilities (the default), predictions are renormalised to sum to 1 and
/// clipped to [ε, 1 − ε] as Keras does; with `fromLogits: true` a fused
/// log-softmax keeps it stable.
///
/// `labelSmoothing` ε (Keras' `label_smoothing`, default 0) trains against
/// `y · (1 − ε) + ε / classes` instead of `y`:
///
/// ```swift
/// let loss = CategoricalCrossentropy(labelSmoothing: 0.1)
/// ```
public struct CategoricalCrossentropy: Loss {
    public let name = "categorical_crossentropy"
    public var reduction: LossReduction
    /// Whether predictions are logits (`true`) rather than probabilities (`false`).
    public var fromLogits: Bool
    /// Share of each target moved to the uniform distribution, in [0, 1].
    public var labelSmoothing: Float
    /// Creates a categorical cross-entropy loss for one-hot targets `[batch, ..., classes]`.
    ///
    /// Stops with a message when `labelSmoothing` is outside `[0, 1]`.
    ///
    /// - Parameters:
    ///   - fromLogits: Whether predictions are logits rather than probabilities; default `false`.
    ///   - labelSmoothing: Share of each target moved to the uniform distribution, in
    ///     `[0, 1]`; default `0`.
    ///   - reduction: How per-sample values are combined; default ``LossReduction/sumOverBatchSize``.
    public init(fromLogits: Bool = false, labelSmoothing: Float = 0, reduction: LossReduction = .sumOverBatchSize) {
        require(labelSmoothing >= 0 && labelSmoothing <= 1,
                "categorical_crossentropy: labelSmoothing must be in [0, 1], got \(labelSmoothing)")
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        let yTrue = smoothed(yTrue, labelSmoothing)
        let logProbabilities: Tensor
        if fromLogits {
            logProbabilities = yPred.logSoftmax(axis: -1)
        } else {
            let normalized = yPred / yPred.sum(alongAxis: -1, keepDims: true)
            logProbabilities = normalized.clamped(min: lossEpsilon, max: 1 - lossEpsilon).log()
        }
        return -(yTrue * logProbabilities).sum(alongAxis: -1)
    }
}

/// Categorical cross-entropy for integer class labels: `−log ŷ[label]`.
///
/// Labels are int32 (float labels holding whole numbers are accepted too) of shape
/// `[batch]` or `[batch, 1]` for predictions `[batch, classes]`, and `[batch, steps]`
/// for sequence predictions `[batch, steps, classes]`.
///
/// `labelSmoothing` ε (PyTorch's `label_smoothing` for class indices; Keras has it
/// only on the one-hot loss) trains against `onehot · (1 − ε) + ε / classes`, so
/// `ε = 0.1` gives the same values as `CategoricalCrossentropy(labelSmoothing: 0.1)`
/// on one-hot labels:
///
/// ```swift
/// try model.compile(optimizer: Adam(), loss: SparseCategoricalCrossentropy(labelSmoothing: 0.1))
/// ```
public struct SparseCategoricalCrossentropy: Loss {
    public let name = "sparse_categorical_crossentropy"
    public var reduction: LossReduction
    /// Whether predictions are logits (`true`) rather than probabilities (`false`).
    public var fromLogits: Bool
    /// Share of each target moved to the uniform distribution, in [0, 1].
    public var labelSmoothing: Float
    /// Creates a sparse categorical cross-entropy loss for integer labels.
    ///
    /// Stops with a message when `labelSmoothing` is outside `[0, 1]`.
    ///
    /// - Parameters:
    ///   - fromLogits: Whether predictions `[batch, ..., classes]` are logits rather
    ///     than probabilities; default `false`.
    ///   - labelSmoothing: Share of each one-hot target moved to the uniform
    ///     distribution, in `[0, 1]`; default `0`.
    ///   - reduction: How per-sample values are combined; default ``LossReduction/sumOverBatchSize``.
    public init(fromLogits: Bool = false, labelSmoothing: Float = 0, reduction: LossReduction = .sumOverBatchSize) {
        require(labelSmoothing >= 0 && labelSmoothing <= 1,
                "sparse_categorical_crossentropy: labelSmoothing must be in [0, 1], got \(labelSmoothing)")
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
    }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        let labels = Self.normalizedLabels(yTrue, yPred, name: name)
        let logProbabilities = fromLogits ? yPred.logSoftmax(axis: -1)
            : yPred.clamped(min: lossEpsilon, max: 1 - lossEpsilon).log()
        let classes = yPred.shape[yPred.rank - 1]
        let oneHot = labels.oneHot(depth: classes)
        let loss = -(logProbabilities * smoothed(oneHot, labelSmoothing)).sum(alongAxis: -1)
        guard labels.scalarCount > 0 else { return loss }
        // An id outside 0..<classes would silently give a zero loss. On the CPU the
        // labels are in host memory: stop with the range. Elsewhere reading them would
        // wait for the device every step, so such a sample's loss is NaN instead (as
        // TensorFlow on a GPU), which the logs and TerminateOnNaN show.
        if labels.device == .cpu {
            let asFloat = labels.to(.float32)
            let (smallest, largest) = (asFloat.min().item, asFloat.max().item)
            require(smallest >= 0 && largest < Float(classes),
                    "\(name): labels must be in 0..<\(classes) for \(classes) classes, got values from \(Int(smallest)) to \(Int(largest))")
            return loss
        }
        let outOfRange = oneHot.sum(alongAxis: -1) .== 0
        return Tensor.where(outOfRange, loss.constant(.nan), loss)
    }

    /// Labels as int32 with the predictions' shape minus the class axis; stops with
    /// a message naming both shapes otherwise.
    static func normalizedLabels(_ yTrue: Tensor, _ yPred: Tensor, name: String) -> Tensor {
        var labels = yTrue.dtype == .int32 ? yTrue : yTrue.to(.int32)
        require(yTrue.dtype != .bool, "\(name): labels must be int32 class ids, got bool")
        let expected = Array(yPred.shape.dropLast())
        if labels.shape != expected && labels.shape == expected + [1] {
            labels = labels.reshaped(to: expected)
        }
        require(labels.shape == expected,
                "\(name): labels of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape)) (expected labels \(Shape.describe(expected)))")
        return labels
    }
}

/// `targets · (1 − ε) + ε / classes` over the last axis; `targets` unchanged for ε = 0.
private func smoothed(_ targets: Tensor, _ labelSmoothing: Float) -> Tensor {
    guard labelSmoothing > 0 else { return targets }
    let classes = Float(targets.shape.last ?? 1)
    return targets * (1 - labelSmoothing) + labelSmoothing / classes
}
