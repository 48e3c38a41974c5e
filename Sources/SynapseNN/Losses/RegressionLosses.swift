/// Mean of squared differences over the last axis: `mean((y − ŷ)²)`.
public struct MeanSquaredError: Loss {
    public let name = "mean_squared_error"
    public var reduction: LossReduction
    /// Creates the loss.
    ///
    /// - Parameter reduction: How per-sample values are combined; default
    ///   ``LossReduction/sumOverBatchSize``.
    public init(reduction: LossReduction = .sumOverBatchSize) { self.reduction = reduction }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        return (yPred - yTrue).square().mean(alongAxis: -1)
    }
}

/// Mean of absolute differences over the last axis: `mean(|y − ŷ|)`.
public struct MeanAbsoluteError: Loss {
    public let name = "mean_absolute_error"
    public var reduction: LossReduction
    /// Creates the loss.
    ///
    /// - Parameter reduction: How per-sample values are combined; default
    ///   ``LossReduction/sumOverBatchSize``.
    public init(reduction: LossReduction = .sumOverBatchSize) { self.reduction = reduction }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        return (yPred - yTrue).abs().mean(alongAxis: -1)
    }
}

/// Huber loss: quadratic for errors up to `delta`, linear beyond (default delta 1).
public struct Huber: Loss {
    public let name = "huber"
    public var reduction: LossReduction
    /// The error at which the loss turns from quadratic to linear.
    public var delta: Float
    /// Creates a Huber loss.
    ///
    /// Stops with a message when `delta` is not positive.
    ///
    /// - Parameters:
    ///   - delta: The error at which the loss turns from quadratic to linear, positive; default `1`.
    ///   - reduction: How per-sample values are combined; default ``LossReduction/sumOverBatchSize``.
    public init(delta: Float = 1, reduction: LossReduction = .sumOverBatchSize) {
        require(delta > 0, "Huber: delta must be positive, got \(delta)")
        self.delta = delta
        self.reduction = reduction
    }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        let error = (yPred - yTrue).abs()
        let quadratic = 0.5 * error.square()
        let linear = delta * error - 0.5 * delta * delta
        return Tensor.where(error .<= delta, quadratic, linear).mean(alongAxis: -1)
    }
}

/// Kullback–Leibler divergence `Σ y · log(y / ŷ)` over the last axis, both clipped to [ε, 1].
public struct KLDivergence: Loss {
    public let name = "kl_divergence"
    public var reduction: LossReduction
    /// Creates the loss.
    ///
    /// - Parameter reduction: How per-sample values are combined; default
    ///   ``LossReduction/sumOverBatchSize``.
    public init(reduction: LossReduction = .sumOverBatchSize) { self.reduction = reduction }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        let target = yTrue.clamped(min: lossEpsilon, max: 1)
        let prediction = yPred.clamped(min: lossEpsilon, max: 1)
        return (target * (target.log() - prediction.log())).sum(alongAxis: -1)
    }
}

/// Negative cosine similarity along the last axis (−1 for identical directions),
/// as Keras' loss; minimising it aligns predictions with targets.
public struct CosineSimilarity: Loss {
    public let name = "cosine_similarity"
    public var reduction: LossReduction
    /// Creates the loss.
    ///
    /// - Parameter reduction: How per-sample values are combined; default
    ///   ``LossReduction/sumOverBatchSize``.
    public init(reduction: LossReduction = .sumOverBatchSize) { self.reduction = reduction }
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        requireSameShape(yTrue, yPred, name)
        func normalized(_ x: Tensor) -> Tensor {
            x * x.square().sum(alongAxis: -1, keepDims: true).clamped(min: 1e-12).rsqrt()
        }
        return -(normalized(yTrue) * normalized(yPred)).sum(alongAxis: -1)
    }
}
