/// Draws `z ~ N(μ, σ²)` with the reparameterisation trick (Kingma & Welling 2014):
/// `z = μ + exp(½ · log σ²) · ε` with `ε ~ N(0, I)`, so gradients flow to the mean
/// and to the log-variance while the randomness stays in `ε`.
///
/// This is the `Sampling` layer of Keras' VAE example. Call it with the two
/// encoder outputs; as a plain layer (inside a ``Layer`` stack) it takes them
/// side by side, `[batch, 2 · latent]`, mean first.
///
/// `ε` comes from the layer's own seeded ``/SynapseCore/RandomGenerator`` when `seed` is given,
/// otherwise from the process-wide ``/SynapseCore/Random`` (reseed it with `Random.seed(_:)`),
/// so runs with the same seed repeat exactly. The layer samples in training and in
/// inference alike, as Keras' does; use the mean itself for a deterministic code.
///
/// - Shapes: `mean`, `logVariance` `[batch, latent]` → `[batch, latent]`
///   (any equal shapes work, the noise has the same shape).
///
/// ```swift
/// let sampling = Sampling()
/// let (mean, logVariance) = encoder.encode(x)
/// let z = sampling(mean: mean, logVariance: logVariance)   // differentiable in both
/// ```
public final class Sampling: Layer {
    private var generator: RandomGenerator?

    /// A sampling layer drawing from `seed`'s stream, or from ``/SynapseCore/Random`` when nil.
    ///
    /// - Parameters:
    ///   - seed: seeds the layer's own noise stream, for repeatable samples; `nil` (the
    ///     default) draws `ε` from ``/SynapseCore/Random``.
    ///   - name: the layer's name (default: unique within its model).
    public init(seed: UInt64? = nil, name: String? = nil) {
        self.generator = seed.map { RandomGenerator(seed: $0) }
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    /// Draws one `z` per row from `N(mean, exp(logVariance))`.
    ///
    /// - Parameters:
    ///   - mean: `μ`, `[batch, latent]`.
    ///   - logVariance: `log σ²`, the same shape as `mean`.
    /// - Returns: `μ + exp(½ log σ²) · ε`, recorded for autograd.
    public func callAsFunction(mean: Tensor, logVariance: Tensor) -> Tensor {
        let epsilon = noise(mean.shape, device: mean.device)
        return Self.reparameterize(mean: mean, logVariance: logVariance, epsilon: epsilon)
    }

    /// The reparameterised sample for a given noise `epsilon` (the layer's
    /// computation with the randomness taken out, for tests and for callers that
    /// draw their own noise).
    ///
    /// - Shapes: `mean`, `logVariance` and `epsilon` share one shape, which the result has.
    ///
    /// - Parameters:
    ///   - mean: `μ`, e.g. `[batch, latent]`.
    ///   - logVariance: `log σ²`, the same shape as `mean`.
    ///   - epsilon: the noise `ε`, the same shape as `mean` (standard normal for a true sample).
    /// - Returns: `mean + exp(½ · logVariance) · epsilon`, of the same shape, differentiable
    ///   in `mean` and `logVariance`.
    public static func reparameterize(mean: Tensor, logVariance: Tensor, epsilon: Tensor) -> Tensor {
        require(mean.shape == logVariance.shape && mean.shape == epsilon.shape,
                "Sampling: mean \(Shape.describe(mean.shape)), log-variance \(Shape.describe(logVariance.shape)) and noise \(Shape.describe(epsilon.shape)) must have the same shape")
        return mean + (logVariance * 0.5).exp() * epsilon
    }

    /// Splits `[batch, 2 · latent]` into mean and log-variance (mean first) and samples.
    ///
    /// - Parameters:
    ///   - input: the mean and log-variance side by side, `[batch, 2 · latent]`.
    ///   - training: unused: the layer samples in training and inference alike.
    /// - Returns: the sample `z`, `[batch, latent]`.
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let (mean, logVariance) = Self.split(input)
        return self(mean: mean, logVariance: logVariance)
    }

    /// Splits the last axis of `[..., 2 · latent]` into its halves `(mean, logVariance)`.
    ///
    /// - Parameter packed: `[..., 2 · latent]`; the last axis must have an even size.
    /// - Returns: the first half as `mean` and the second as `logVariance`, `[..., latent]` each.
    public static func split(_ packed: Tensor) -> (mean: Tensor, logVariance: Tensor) {
        require(packed.rank >= 1 && packed.shape[packed.rank - 1] % 2 == 0,
                "Sampling: expected mean and log-variance side by side on the last axis (an even size), got \(Shape.describe(packed.shape))")
        let halves = packed.split(count: 2, axis: packed.rank - 1)
        return (halves[0], halves[1])
    }

    private func noise(_ shape: [Int], device: Device) -> Tensor {
        if generator != nil { return Tensor.randomNormal(shape, generator: &generator!, device: device) }
        return Tensor.randomNormal(shape, device: device)
    }
}
