/// Mean over the time steps of sequences (Keras' `GlobalAveragePooling1D`):
/// `[batch, steps, features] → [batch, features]` (or `[batch, 1, features]` with
/// `keepDims`).
///
/// Called with a time-step mask (``Layer/callAsFunction(_:mask:training:)``), it
/// averages only the unmasked steps of each sample, as Keras does, so padding does
/// not dilute the mean. The output carries no mask.
///
/// Differences from Keras: a sample whose steps are all masked gives zeros (Keras
/// divides by a zero count and gives NaN). Only channels-last inputs are supported.
///
/// ```swift
/// Sequential {
///     Embedding(inputDim: 1000, outputDim: 16, maskZero: true)
///     GlobalAveragePooling1D()
///     Dense(1, activation: .sigmoid)
/// }
/// ```
public final class GlobalAveragePooling1D: Layer {
    /// Whether the steps axis is kept with size 1.
    public let keepDims: Bool

    /// A global average pooling layer over time steps.
    ///
    /// - Parameters:
    ///   - keepDims: keep the steps axis with size 1 (default `false`).
    ///   - name: the layer's name (default: unique within its model).
    public init(keepDims: Bool = false, name: String? = nil) {
        self.keepDims = keepDims
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 3, "\(name): expected inputs [batch, steps, features] of rank 3, got shape \(Shape.describe(input.shape))")
        return input.mean(alongAxes: [1], keepDims: keepDims)
    }

    /// The mean of the steps where `mask` is `true`.
    ///
    /// - Parameters:
    ///   - input: `[batch, steps, features]`.
    ///   - mask: bool `[batch, steps]`, `false` at padded steps.
    ///   - training: unused.
    public override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        require(input.rank == 3, "\(name): expected inputs [batch, steps, features] of rank 3, got shape \(Shape.describe(input.shape))")
        require(mask.dtype == .bool && mask.shape == Array(input.shape.prefix(2)),
                "\(name): the mask must be bool \(Shape.describe(Array(input.shape.prefix(2)))) for inputs of shape \(Shape.describe(input.shape)), got \(mask.dtype) \(Shape.describe(mask.shape))")
        let kept = mask.unsqueezed(axis: 2)
        // `where`, not a product: a NaN or infinity at a padded step must not leak (as Keras).
        let zero = Tensor.zeros([], dtype: input.dtype, device: input.device)
        let total = Tensor.where(kept, input, zero).sum(alongAxes: [1], keepDims: keepDims)
        let count = kept.to(input.dtype).sum(alongAxes: [1], keepDims: keepDims)
        return total / count.clamped(min: 1)
    }

    /// No mask: the steps axis is pooled away.
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, steps, features]`.
    ///   - output: its output.
    ///   - mask: the input's mask, bool `[batch, steps]`, or `nil`; ignored.
    /// - Returns: `nil`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? { nil }
}

/// Maximum over the time steps of sequences (Keras' `GlobalMaxPooling1D`):
/// `[batch, steps, features] → [batch, features]` (or `[batch, 1, features]` with
/// `keepDims`).
///
/// As in Keras, a time-step mask is ignored (padded steps take part in the maximum)
/// and the output carries no mask. Only channels-last inputs are supported.
public final class GlobalMaxPooling1D: Layer {
    /// Whether the steps axis is kept with size 1.
    public let keepDims: Bool

    /// A global max pooling layer over time steps.
    ///
    /// - Parameters:
    ///   - keepDims: keep the steps axis with size 1 (default `false`).
    ///   - name: the layer's name (default: unique within its model).
    public init(keepDims: Bool = false, name: String? = nil) {
        self.keepDims = keepDims
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 3, "\(name): expected inputs [batch, steps, features] of rank 3, got shape \(Shape.describe(input.shape))")
        return input.max(alongAxes: [1], keepDims: keepDims)
    }

    /// No mask: the steps axis is pooled away.
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, steps, features]`.
    ///   - output: its output.
    ///   - mask: the input's mask, bool `[batch, steps]`, or `nil`; ignored.
    /// - Returns: `nil`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? { nil }
}
