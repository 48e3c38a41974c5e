/// Maps integer token ids to dense vectors (Keras' `Embedding`, PyTorch's `nn.Embedding`).
///
/// The initializer takes Keras' argument names and defaults.
///
/// - Shapes: ids `[batch, ...]` (int32; float ids are truncated) → `[batch, ..., outputDim]`.
/// - Weights: `embeddings` `[inputDim, outputDim]` (PyTorch's `weight`, same layout).
///   The gradient is dense (as PyTorch's default `sparse=False`).
///
/// ```swift
/// let embed = Embedding(inputDim: 10_000, outputDim: 64, maskZero: true)
/// let vectors = embed(Tensor(int32: [5, 9, 0, 0], shape: [1, 4]))   // [1, 4, 64]
/// ```
public final class Embedding: Layer {
    /// Vocabulary size: token ids lie in `0..<inputDim`.
    public let inputDim: Int
    /// Length of each embedding vector.
    public let outputDim: Int
    /// Whether id 0 is padding, masked out for the following layers.
    public let maskZero: Bool
    /// Draws the initial table.
    public let embeddingsInitializer: any Initializer
    /// Penalty on the table added to the training loss, if any.
    public let embeddingsRegularizer: (any Regularizer)?

    /// `[inputDim, outputDim]`; set by ``build(inputShape:)``.
    public private(set) var embeddings: Parameter!

    /// A lookup table from token ids to vectors.
    ///
    /// - Parameters:
    ///   - inputDim: vocabulary size; ids must be in `0..<inputDim`.
    ///   - outputDim: the length of each vector.
    ///   - maskZero: id 0 is padding: the layer emits a mask (`ids != 0`) that recurrent
    ///     layers use to skip padded steps, so id 0 should not be a real token (default `false`).
    ///   - embeddingsInitializer: draws the initial `[inputDim, outputDim]` table
    ///     (default uniform in [-0.05, 0.05], Keras').
    ///   - embeddingsRegularizer: penalty on the table added to the training loss (default `nil`, none).
    ///   - name: the layer's name (default: unique within its model).
    public init(inputDim: Int, outputDim: Int, maskZero: Bool = false,
                embeddingsInitializer: any Initializer = .randomUniform(minimum: -0.05, maximum: 0.05),
                embeddingsRegularizer: (any Regularizer)? = nil, name: String? = nil) {
        require(inputDim > 0 && outputDim > 0, "Embedding: inputDim and outputDim must be positive, got \(inputDim) and \(outputDim)")
        (self.inputDim, self.outputDim, self.maskZero) = (inputDim, outputDim, maskZero)
        (self.embeddingsInitializer, self.embeddingsRegularizer) = (embeddingsInitializer, embeddingsRegularizer)
        super.init(name: name)
    }

    public override func build(inputShape: [Int]) {
        embeddings = Parameter(embeddingsInitializer([inputDim, outputDim]), name: "embeddings", regularizer: embeddingsRegularizer)
    }

    public override var ownParameters: [Parameter] { [embeddings].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let ids = input.dtype == .int32 ? input : input.to(.int32)
        return PerSampleGradientTape.record(self, input: ids, output: embeddings.value.gather(ids, axis: 0))
    }

    /// `ids != 0` with `maskZero`, else the incoming mask.
    ///
    /// - Parameters:
    ///   - input: the token ids, `[batch, ...]`.
    ///   - output: the vectors, `[batch, ..., outputDim]`.
    ///   - mask: the incoming mask, or `nil`.
    /// - Returns: bool `[batch, ...]`, `false` where the id is 0, with `maskZero`;
    ///   otherwise `mask`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? {
        guard maskZero else { return mask }
        return input .!= 0
    }
}
