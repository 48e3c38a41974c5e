/// How per-sample losses become the value that is minimised.
public enum LossReduction: String, Sendable, Hashable {
    /// The mean over every per-sample loss value (Keras' `"sum_over_batch_size"`, the default).
    case sumOverBatchSize = "sum_over_batch_size"
    /// The sum of the per-sample losses.
    case sum
    /// No reduction: one value per sample.
    case none
}

/// A training objective comparing targets with predictions, as Keras' losses.
///
/// Conformers implement ``perSampleLoss(yTrue:yPred:)`` (one value per sample, the
/// last axis reduced); calling the loss applies the ``reduction``. Note the
/// argument order: targets first, as in Keras (PyTorch takes predictions first).
///
/// ```swift
/// let loss = BinaryCrossentropy()
/// let value = loss(labels, model(x))   // scalar
/// ```
public protocol Loss: Sendable {
    /// The Keras name, e.g. "binary_crossentropy"; metrics and logs use it.
    var name: String { get }
    /// How per-sample values are combined.
    var reduction: LossReduction { get }
    /// One loss value per sample (and per time step for sequence outputs).
    ///
    /// - Parameters:
    ///   - yTrue: The targets, e.g. `[batch, features]` (for sparse losses, integer
    ///     labels `[batch]`).
    ///   - yPred: The predictions, e.g. `[batch, features]`.
    /// - Returns: The unreduced losses, `yPred`'s shape without its last axis
    ///   (`[batch]`, or `[batch, time]` for sequences).
    func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor
}

extension Loss {
    /// The reduced loss.
    ///
    /// - Parameters:
    ///   - yTrue: The targets (first, as in Keras).
    ///   - yPred: The predictions, e.g. `[batch, features]`.
    /// - Returns: A scalar, or the per-sample losses when ``reduction`` is ``LossReduction/none``.
    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor) -> Tensor {
        reduce(perSampleLoss(yTrue: yTrue, yPred: yPred))
    }

    /// Applies ``reduction`` to per-sample values.
    func reduce(_ values: Tensor) -> Tensor {
        switch reduction {
        case .sumOverBatchSize: return values.mean()
        case .sum: return values.sum()
        case .none: return values
        }
    }
}

extension Loss {
    /// The reduced loss with masked entries left out (Keras applies a model's output
    /// mask the same way): `mask` is bool with the shape of the per-sample losses
    /// (`[batch, time]` for sequence outputs), `false` at padded steps. The mean
    /// reduction divides by the number of unmasked entries. A `nil` mask, or one
    /// whose shape does not match the per-sample losses, gives the plain loss.
    ///
    /// ```swift
    /// let (output, mask) = model.forwardWithMask(ids, training: true)
    /// let value = SparseCategoricalCrossentropy()(labels, output, mask: mask)
    /// ```
    ///
    /// - Parameters:
    ///   - yTrue: The targets (first, as in Keras).
    ///   - yPred: The predictions, e.g. `[batch, time, classes]`.
    ///   - mask: Bool with the per-sample losses' shape (e.g. `[batch, time]`),
    ///     `false` at padded steps, or `nil` for no mask.
    /// - Returns: A scalar, or the masked per-sample losses (zero at masked entries)
    ///   when ``reduction`` is ``LossReduction/none``.
    public func callAsFunction(_ yTrue: Tensor, _ yPred: Tensor, mask: Tensor?) -> Tensor {
        guard let mask else { return self(yTrue, yPred) }
        let values = perSampleLoss(yTrue: yTrue, yPred: yPred)
        guard values.shape == mask.shape else { return reduce(values) }
        let weights = mask.to(.float32)
        let weighted = values * weights
        switch reduction {
        case .sumOverBatchSize: return weighted.sum() / Tensor.maximum(weights.sum(), weights.constant(1))
        case .sum: return weighted.sum()
        case .none: return weighted
        }
    }
}

/// Keras' fuzz factor, used to keep logarithms of probabilities finite.
let lossEpsilon: Float = 1e-7

/// Stops with a message naming the loss unless targets and predictions have the same shape.
func requireSameShape(_ yTrue: Tensor, _ yPred: Tensor, _ name: String) {
    require(yTrue.shape == yPred.shape,
            "\(name): targets of shape \(Shape.describe(yTrue.shape)) do not match predictions of shape \(Shape.describe(yPred.shape))")
    require(yTrue.dtype == .float32,
            "\(name): expected float32 targets, got \(yTrue.dtype)\(yTrue.dtype == .int32 ? "; use sparse_categorical_crossentropy for integer labels, or one-hot encode them" : "")")
}

/// Looks losses up by their Keras names.
public enum Losses {
    /// The loss with Keras name `name` ("mse", "binary_crossentropy", ...) and default
    /// arguments, or `nil` when the name is unknown.
    ///
    /// - Parameter name: A Keras loss name or alias, matched case-insensitively; see ``names``.
    /// - Returns: The loss with default arguments, or `nil` for an unknown name.
    public static func named(_ name: String) -> (any Loss)? {
        switch name.lowercased() {
        case "mean_squared_error", "mse": MeanSquaredError()
        case "mean_absolute_error", "mae": MeanAbsoluteError()
        case "huber", "huber_loss": Huber()
        case "binary_crossentropy", "bce": BinaryCrossentropy()
        case "categorical_crossentropy": CategoricalCrossentropy()
        case "sparse_categorical_crossentropy": SparseCategoricalCrossentropy()
        case "kl_divergence", "kullback_leibler_divergence", "kld": KLDivergence()
        case "cosine_similarity": CosineSimilarity()
        default: nil
        }
    }

    /// Every name ``named(_:)`` accepts.
    public static let names = ["mean_squared_error", "mse", "mean_absolute_error", "mae", "huber",
                               "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
                               "kl_divergence", "cosine_similarity"]
}
