/// A learned embedding of each step's position (keras-hub's `PositionEmbedding`):
/// returns the position vectors broadcast to the input's shape, to be added to
/// token embeddings so that attention, which is blind to order, sees where each
/// token is.
///
/// - Shapes: `[batch, T, D] → [batch, T, D]` with `T ≤ sequenceLength`; the weight
///   `embeddings` is `[sequenceLength, D]` and step `t` gets row `t`.
///
/// ```swift
/// let tokens = Input(shape: [200], dtype: .int32)
/// let embedded = Embedding(inputDim: 10_000, outputDim: 64, maskZero: true)(tokens)
/// let x = Add()([embedded, PositionEmbedding(sequenceLength: 200)(embedded)])
/// ```
///
/// A mask passes through unchanged.
public final class PositionEmbedding: Layer {
    /// The longest sequence the layer has positions for.
    public let sequenceLength: Int
    /// Initializer of the position vectors.
    public let initializer: any Initializer
    private var embeddings: Parameter!

    /// - Parameters:
    ///   - sequenceLength: the number of positions (positive); inputs may be shorter.
    ///   - initializer: initializer of the `[sequenceLength, D]` vectors (default Glorot uniform, as keras-hub).
    ///   - name: the layer's name (default "position_embedding").
    public init(sequenceLength: Int, initializer: any Initializer = .glorotUniform(), name: String? = nil) {
        require(sequenceLength > 0, "PositionEmbedding: sequenceLength must be positive, got \(sequenceLength)")
        self.sequenceLength = sequenceLength
        self.initializer = initializer
        super.init(name: name)
    }

    /// The position vectors `[sequenceLength, D]`.
    public override var ownParameters: [Parameter] { [embeddings].compactMap { $0 } }
    /// No sublayers.
    public override var sublayers: [Layer] { [] }

    /// Creates `[sequenceLength, D]` vectors for inputs `[T, D]`.
    ///
    /// - Parameter inputShape: the per-sample shape `[T, D]`, with `T ≤ sequenceLength`.
    public override func build(inputShape: [Int]) {
        require(inputShape.count == 2 && inputShape[0] <= sequenceLength,
                "\(name): PositionEmbedding expects sequences [steps ≤ \(sequenceLength), features], got per-sample shape \(Shape.describe(inputShape))")
        embeddings = Parameter(initializer([sequenceLength, inputShape[1]]), name: "embeddings")
    }

    /// The first `T` position vectors, broadcast over the batch.
    ///
    /// - Parameters:
    ///   - input: `[batch, T, D]` with `T ≤ sequenceLength`; only its shape is used.
    ///   - training: unused.
    /// - Returns: `[batch, T, D]`, row `t` of the embeddings at step `t` of every sample.
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 3 && input.shape[1] <= sequenceLength && input.shape[2] == embeddings.shape[1],
                "\(name): PositionEmbedding expects [batch, steps ≤ \(sequenceLength), \(embeddings.shape[1])], got \(Shape.describe(input.shape))")
        return embeddings.value.narrowed(axis: 0, start: 0, length: input.shape[1]).broadcast(to: input.shape)
    }
}
