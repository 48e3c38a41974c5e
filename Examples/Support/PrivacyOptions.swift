import ArgumentParser

/// The differential-privacy flags of the MNIST examples: any of them turns on
/// DP-SGD (Poisson-sampled batches, per-sample clipping, Gaussian noise), and the
/// report gains the ε and δ spent.
public struct PrivacyOptions: ParsableArguments {
    @Option(name: .customLong("dp-epsilon"), help: "Train with differential privacy, spending at most this ε (σ is chosen to end there unless --dp-noise is given).")
    public var epsilon: Double?

    @Option(name: .customLong("dp-noise"), help: "Train with differential privacy at this noise multiplier σ.")
    public var noiseMultiplier: Double?

    @Option(name: .customLong("dp-clip"), help: "Per-sample gradient norm bound C of differentially private training (default 1).")
    public var clipNorm: Double?

    @Option(name: .customLong("dp-delta"), help: "δ of the (ε, δ) guarantee (default 1e-5).")
    public var delta: Double?

    public init() {}

    /// Whether any flag asks for private training.
    public var isEnabled: Bool { epsilon != nil || noiseMultiplier != nil || clipNorm != nil || delta != nil }

    /// The settings, or `nil` without any flag.
    ///
    /// - Throws: `ValidationError` when the flags ask for privacy without σ or ε.
    public func settings() throws -> DifferentialPrivacy? {
        guard isEnabled else { return nil }
        guard epsilon != nil || noiseMultiplier != nil else {
            throw ValidationError("differential privacy needs --dp-epsilon or --dp-noise (or both)")
        }
        return DifferentialPrivacy(clipNorm: clipNorm ?? 1, noiseMultiplier: noiseMultiplier, targetEpsilon: epsilon,
                                   delta: delta ?? 1e-5)
    }
}
