/// Randomly zeroes a fraction `rate` of the inputs during training and scales the
/// rest by `1 / (1 - rate)` (inverted dropout, as Keras and PyTorch); the identity
/// at inference.
///
/// - Shapes: output has the input's shape.
public final class Dropout: Layer {
    /// The fraction of the inputs zeroed during training, in `[0, 1)`.
    public let rate: Float
    private var generator: RandomGenerator?

    /// Creates a dropout layer.
    ///
    /// - Parameters:
    ///   - rate: the fraction of the inputs to drop, in `[0, 1)`; 0 makes the layer the identity.
    ///   - seed: seeds the layer's own mask stream, for repeatable masks; `nil` (the
    ///     default) draws the masks from ``/SynapseCore/Random``.
    ///   - name: the layer's name (default: unique within its model).
    public init(_ rate: Float, seed: UInt64? = nil, name: String? = nil) {
        require(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = seed.map { RandomGenerator(seed: $0) }
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard training, rate > 0 else { return input }
        let noise: Tensor
        if generator != nil {
            noise = Tensor.randomUniform(input.shape, generator: &generator!, device: input.device)
        } else {
            noise = Tensor.randomUniform(input.shape, device: input.device)
        }
        let keep = (noise .>= rate).to(.float32) * (1 / (1 - rate))
        return input * keep
    }
}
