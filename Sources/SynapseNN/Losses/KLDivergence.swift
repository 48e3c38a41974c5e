/// The KL term of a variational autoencoder's objective.
extension KLDivergence {
    /// `KL(N(μ, σ²) ‖ N(0, I))` per sample, in closed form (Kingma & Welling 2014,
    /// appendix B):
    ///
    /// `−½ · Σ (1 + log σ² − μ² − σ²)`, summed over the last (latent) axis.
    ///
    /// The result is in nats; it is zero exactly when `μ = 0` and `log σ² = 0`, and
    /// it is differentiable in both arguments:
    /// `∂/∂μ = μ`, `∂/∂(log σ²) = ½ (σ² − 1)`.
    ///
    /// - Parameters:
    ///   - mean: `μ`, `[batch, latent]` (any shape; the last axis is summed).
    ///   - logVariance: `log σ²`, the same shape as `mean`.
    /// - Returns: one value per sample, `[batch]` (the input shape without its last axis).
    ///
    /// ```swift
    /// let kl = KLDivergence.gaussian(mean: mean, logVariance: logVariance)   // [batch]
    /// let loss = (reconstruction + kl).mean()                                 // per-image ELBO loss
    /// ```
    public static func gaussian(mean: Tensor, logVariance: Tensor) -> Tensor {
        require(mean.shape == logVariance.shape && mean.rank >= 1,
                "KLDivergence.gaussian: mean \(Shape.describe(mean.shape)) and log-variance \(Shape.describe(logVariance.shape)) must have the same shape, with a latent axis")
        let terms = 1 + logVariance - mean.square() - logVariance.exp()
        return -0.5 * terms.sum(alongAxis: -1)
    }
}
