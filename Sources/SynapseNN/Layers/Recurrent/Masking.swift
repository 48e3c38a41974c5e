/// Marks time steps whose features all equal `maskValue` as padding (Keras' `Masking`).
///
/// The output is the input with masked steps set to zero (as Keras); the mask
/// (bool `[batch, time]`, `false` at padded steps) goes to the following layers, so
/// recurrent layers keep their state over those steps.
///
/// - Shapes: `[batch, time, features]` in and out.
///
/// ```swift
/// let model = Sequential {
///     Masking(maskValue: 0)
///     LSTM(32)
/// }
/// ```
public final class Masking: Layer {
    /// The value that marks padding: a step whose features all equal it is masked.
    public let maskValue: Float

    /// Creates a masking layer.
    ///
    /// - Parameters:
    ///   - maskValue: the padding value; a step whose features all equal it is masked (default 0).
    ///   - name: the layer's name (default: unique within its model).
    public init(maskValue: Float = 0, name: String? = nil) {
        self.maskValue = maskValue
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        input * stepMask(input).to(.float32).unsqueezed(axis: -1)
    }

    /// `false` where every feature equals `maskValue` (combined with an incoming mask).
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, time, ...]`.
    ///   - output: its output.
    ///   - mask: an incoming bool `[batch, time]` mask, or `nil`.
    /// - Returns: bool `[batch, time]`, `true` at steps with a feature other than
    ///   `maskValue` that `mask` (if any) also keeps.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? {
        let own = stepMask(input)
        guard let mask else { return own }
        return (own.to(.float32) * mask.to(.float32)) .!= 0
    }

    private func stepMask(_ input: Tensor) -> Tensor {
        require(input.rank >= 2, "\(name): expects [batch, time, ...], got \(Shape.describe(input.shape))")
        let differs = (input.to(.float32) .!= maskValue).to(.float32)
        return differs.reshaped(to: [input.shape[0], input.shape[1], -1]).max(alongAxis: 2) .!= 0
    }
}
