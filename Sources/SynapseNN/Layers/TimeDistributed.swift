/// Applies a layer to every time step of a sequence independently (Keras'
/// `TimeDistributed`): the batch and time axes are folded into one, the layer runs
/// once on `[batch · time, ...]`, and the result is unfolded again. One set of
/// weights serves all steps.
///
/// ```swift
/// let tagger = Sequential {
///     Input(shape: [50, 16])
///     LSTM(32, returnSequences: true)
///     TimeDistributed(Dense(10, activation: .softmax))   // [batch, 50, 10]
/// }
/// ```
///
/// Shapes: `[batch, time, ...]` → `[batch, time, ...layer output]`. A mask passes
/// through unchanged. Stored in model files with the wrapped layer's config nested, as Keras does.
public final class TimeDistributed: Layer {
    /// The layer applied at each step.
    public let layer: Layer

    /// - Parameters:
    ///   - layer: the layer to apply per time step (e.g. `Dense`, `Conv2D`).
    ///   - name: layer name (default "time_distributed_N").
    public init(_ layer: Layer, name: String? = nil) {
        self.layer = layer
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [layer] }

    public override func build(inputShape: [Int]) {
        require(inputShape.count >= 1, "\(name): TimeDistributed expects inputs [batch, time, ...], got per-sample shape \(Shape.describe(inputShape))")
    }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank >= 3, "\(name): TimeDistributed expects inputs [batch, time, features...], got \(Shape.describe(input.shape))")
        let (batch, time) = (input.shape[0], input.shape[1])
        let folded = input.reshaped(to: [batch * time] + Array(input.shape.dropFirst(2)))
        let output = layer(folded, training: training)
        return output.reshaped(to: [batch, time] + Array(output.shape.dropFirst()))
    }

    /// The input mask, unchanged: every step keeps its own output.
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, time, ...]`.
    ///   - output: its output, `[batch, time, ...]`.
    ///   - mask: the input's mask, bool `[batch, time]`, or `nil`.
    /// - Returns: `mask`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? { mask }
}
