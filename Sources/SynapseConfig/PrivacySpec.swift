/// The `privacy:` section of a training configuration: differentially private
/// training (DP-SGD) as `DifferentialPrivacy` describes it.
///
/// ```yaml
/// privacy:
///   epsilon: 3            # spend at most this ε (σ chosen to end there)
///   noise_multiplier: 1.1 # or: a fixed σ (with epsilon too: stop before passing it)
///   clip_norm: 1.0        # per-sample gradient norm bound C (default 1)
///   delta: 1.0e-5         # δ (default 1e-5)
/// ```
public enum PrivacySpec {
    /// The keys the section may have.
    public static let keys = ["epsilon", "noise_multiplier", "clip_norm", "delta"]

    /// Reads the section.
    ///
    /// - Parameter node: the `privacy:` node, or `nil` when the file has none.
    /// - Returns: the settings, or `nil` without a section.
    /// - Throws: ``ConfigError`` naming the key and line.
    public static func parse(_ node: ConfigNode?) throws -> DifferentialPrivacy? {
        guard let node, !node.isNull else { return nil }
        _ = try node.mapping(allowed: keys)
        let epsilon = try node["epsilon"]?.double("a positive number") { $0 > 0 }
        let noise = try node["noise_multiplier"]?.double("a number ≥ 0") { $0 >= 0 }
        guard epsilon != nil || noise != nil else { throw node.error("needs epsilon: or noise_multiplier: (or both)") }
        return DifferentialPrivacy(clipNorm: try node["clip_norm"]?.double("a positive number") { $0 > 0 } ?? 1,
                                   noiseMultiplier: noise, targetEpsilon: epsilon,
                                   delta: try node["delta"]?.double("a number in (0, 1)") { $0 > 0 && $0 < 1 } ?? 1e-5)
    }
}
