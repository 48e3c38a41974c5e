/// Repeats each input vector `n` times along a new time axis (Keras'
/// `RepeatVector`), as sequence-to-sequence decoders do with an encoder's state.
///
/// - Shapes: `[batch, features] → [batch, n, features]`.
///
/// ```swift
/// Sequential {
///     LSTM(32)              // [batch, steps, f] → [batch, 32]
///     RepeatVector(10)      // → [batch, 10, 32]
///     LSTM(32, returnSequences: true)
/// }
/// ```
public final class RepeatVector: Layer {
    /// How many times each vector is repeated.
    public let n: Int

    /// A repetition layer.
    ///
    /// - Parameters:
    ///   - n: the number of repetitions (the output's steps), positive.
    ///   - name: the layer's name (default: unique within its model).
    public init(_ n: Int, name: String? = nil) {
        require(n > 0, "RepeatVector: n must be positive, got \(n)")
        self.n = n
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 2, "\(name): expected inputs [batch, features] of rank 2, got shape \(Shape.describe(input.shape))")
        // Broadcasting the inserted axis copies the vector; the gradient sums the copies.
        return input.unsqueezed(axis: 1).broadcast(to: [input.shape[0], n, input.shape[1]])
    }
}
