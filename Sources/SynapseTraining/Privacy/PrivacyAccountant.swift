import Foundation

/// The privacy spent by differentially private training with the sampled Gaussian
/// mechanism (DP-SGD: Poisson-sampled batches, per-sample gradients clipped to a norm
/// bound, Gaussian noise of `noiseMultiplier × bound` added to their sum), tracked in
/// Rényi differential privacy and converted to (ε, δ) — the accountant of Abadi et al.
/// 2016 in the form of Mironov, Talwar & Zhang 2019, with Balle et al.'s 2020
/// conversion, as Opacus' `RDPAccountant` and TensorFlow Privacy compute it.
///
/// ```swift
/// var accountant = PrivacyAccountant()
/// accountant.step(noiseMultiplier: 1.1, sampleRate: 256.0 / 60_000, count: 60_000 / 256 * 15)
/// let (epsilon, _) = accountant.epsilon(delta: 1e-5)      // ≈ 1.2 after 15 epochs
/// ```
public struct PrivacyAccountant: Sendable, Codable, Equatable {
    /// One run of identical steps.
    public struct Steps: Sendable, Codable, Equatable {
        /// σ: the noise's standard deviation over the clipping bound.
        public var noiseMultiplier: Double
        /// q: the probability that a sample is in a batch (batch size over data-set size).
        public var sampleRate: Double
        /// How many steps were taken with these settings.
        public var count: Int
    }

    /// The Rényi orders α the bound is optimised over (Opacus' defaults: 1.1 ... 10.9 by
    /// 0.1, then 12 ... 63).
    public static let defaultOrders: [Double] = (1..<100).map { 1 + Double($0) / 10 } + (12..<64).map(Double.init)

    /// Every step taken, runs of equal settings merged.
    public private(set) var history: [Steps] = []

    /// An accountant that has seen no step.
    public init() {}

    /// Records `count` steps of noise `noiseMultiplier` on batches sampled at `sampleRate`.
    ///
    /// - Parameters:
    ///   - noiseMultiplier: σ, at least 0 (0: no privacy).
    ///   - sampleRate: q in [0, 1].
    ///   - count: the number of steps (default 1).
    public mutating func step(noiseMultiplier: Double, sampleRate: Double, count: Int = 1) {
        require(noiseMultiplier >= 0, "PrivacyAccountant: the noise multiplier must not be negative, got \(noiseMultiplier)")
        require((0...1).contains(sampleRate), "PrivacyAccountant: the sample rate must lie in [0, 1], got \(sampleRate)")
        require(count >= 0, "PrivacyAccountant: the step count must not be negative, got \(count)")
        if let last = history.last, last.noiseMultiplier == noiseMultiplier, last.sampleRate == sampleRate {
            history[history.count - 1].count += count
        } else {
            history.append(Steps(noiseMultiplier: noiseMultiplier, sampleRate: sampleRate, count: count))
        }
    }

    /// The (ε, δ) guarantee of every step so far: the smallest ε over `orders`.
    ///
    /// - Parameters:
    ///   - delta: δ, in (0, 1) — usually below 1 / data-set size (10⁻⁵ for MNIST).
    ///   - orders: the Rényi orders to optimise over (default ``defaultOrders``).
    /// - Returns: ε (0 before any step; infinite without noise) and the order that gave it.
    public func epsilon(delta: Double, orders: [Double] = PrivacyAccountant.defaultOrders) -> (epsilon: Double, order: Double) {
        require(delta > 0 && delta < 1, "PrivacyAccountant: delta must lie in (0, 1), got \(delta)")
        guard !history.isEmpty else { return (0, orders.first ?? 0) }
        let rdp = orders.map { order in
            history.reduce(0) { $0 + Self.renyiDivergence(sampleRate: $1.sampleRate, noiseMultiplier: $1.noiseMultiplier, order: order) * Double($1.count) }
        }
        return Self.epsilon(rdp: rdp, orders: orders, delta: delta)
    }

    /// The smallest ε over `orders` of the RDP guarantees `rdp` (Balle et al. 2020, Theorem 21).
    static func epsilon(rdp: [Double], orders: [Double], delta: Double) -> (epsilon: Double, order: Double) {
        var best = (epsilon: Double.infinity, order: orders.first ?? 0)
        for (value, order) in zip(rdp, orders) {
            let epsilon = value - (log(delta) + log(order)) / (order - 1) + log((order - 1) / order)
            if epsilon.isFinite && epsilon < best.epsilon { best = (epsilon, order) }
        }
        return best
    }

    /// The noise multiplier σ that reaches exactly `targetEpsilon` (to within
    /// `tolerance`) after `steps` steps at `sampleRate` (Opacus' `get_noise_multiplier`):
    /// a bisection on σ.
    ///
    /// - Parameters:
    ///   - targetEpsilon: ε to spend, positive.
    ///   - delta: δ.
    ///   - sampleRate: q.
    ///   - steps: the number of steps training will take.
    ///   - tolerance: how far below the target ε may end (default 0.01).
    /// - Returns: σ; training with it spends at most `targetEpsilon`.
    public static func noiseMultiplier(targetEpsilon: Double, delta: Double, sampleRate: Double, steps: Int,
                                       tolerance: Double = 0.01) -> Double {
        require(targetEpsilon > 0, "PrivacyAccountant: the target epsilon must be positive, got \(targetEpsilon)")
        func epsilon(_ sigma: Double) -> Double {
            var accountant = PrivacyAccountant()
            accountant.step(noiseMultiplier: sigma, sampleRate: sampleRate, count: steps)
            return accountant.epsilon(delta: delta).epsilon
        }
        var (low, high, highEpsilon) = (0.0, 10.0, Double.infinity)
        while highEpsilon > targetEpsilon {
            high *= 2
            highEpsilon = epsilon(high)
            require(high <= 2000, "PrivacyAccountant: epsilon \(targetEpsilon) is out of reach for \(steps) steps at sample rate \(sampleRate)")
        }
        while targetEpsilon - highEpsilon > tolerance {
            let middle = (low + high) / 2
            let middleEpsilon = epsilon(middle)
            if middleEpsilon < targetEpsilon { (high, highEpsilon) = (middle, middleEpsilon) } else { low = middle }
        }
        return high
    }

    /// The Rényi divergence of order α of one step of the sampled Gaussian mechanism
    /// (Mironov, Talwar & Zhang 2019, Section 3.3): `log(A_α) / (α − 1)`.
    ///
    /// - Parameters:
    ///   - q: the sampling rate, in [0, 1].
    ///   - sigma: σ, the noise multiplier.
    ///   - alpha: the order α > 1.
    /// - Returns: the divergence (0 when `q` is 0; infinite when `sigma` is 0 or `alpha` is infinite).
    public static func renyiDivergence(sampleRate q: Double, noiseMultiplier sigma: Double, order alpha: Double) -> Double {
        if q == 0 { return 0 }
        if sigma == 0 || alpha.isInfinite { return .infinity }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        let logA = alpha.rounded() == alpha ? logAIntegerOrder(q, sigma, Int(alpha)) : logAFractionalOrder(q, sigma, alpha)
        return logA / (alpha - 1)
    }

    /// log(A_α) for integer α: a finite binomial sum.
    static func logAIntegerOrder(_ q: Double, _ sigma: Double, _ alpha: Int) -> Double {
        var logA = -Double.infinity
        for i in 0...alpha {
            let logCoefficient = logBinomial(alpha, i) + Double(i) * log(q) + Double(alpha - i) * log(1 - q)
            logA = logAdd(logA, logCoefficient + Double(i * i - i) / (2 * sigma * sigma))
        }
        return logA
    }

    /// log(A_α) for fractional α: two series split at z₀, summed until their terms
    /// fall below e⁻³⁰.
    static func logAFractionalOrder(_ q: Double, _ sigma: Double, _ alpha: Double) -> Double {
        var (logA0, logA1) = (-Double.infinity, -Double.infinity)
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        var i = 0.0
        var coefficient = 1.0   // binom(α, i), by the product recurrence
        while true {
            let j = alpha - i
            let logCoefficient = log(abs(coefficient))
            let logT0 = logCoefficient + i * log(q) + j * log(1 - q)
            let logT1 = logCoefficient + j * log(q) + i * log(1 - q)
            let logE0 = log(0.5) + logErfc((i - z0) / (2.0.squareRoot() * sigma))
            let logE1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            if coefficient > 0 {
                (logA0, logA1) = (logAdd(logA0, logS0), logAdd(logA1, logS1))
            } else {
                (logA0, logA1) = (logSubtract(logA0, logS0), logSubtract(logA1, logS1))
            }
            if max(logS0, logS1) < -30 || i > 100_000 { break }
            coefficient *= (alpha - i) / (i + 1)
            i += 1
        }
        return logAdd(logA0, logA1)
    }

    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// log(eˣ + eʸ) without overflow.
    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let (low, high) = (min(x, y), max(x, y))
        if low == -.infinity { return high }
        return log1p(exp(low - high)) + high
    }

    /// log(eˣ − eʸ) for x ≥ y (−∞ when they are equal).
    static func logSubtract(_ x: Double, _ y: Double) -> Double {
        if y == -.infinity { return x }
        if x == y { return -.infinity }
        require(x > y, "PrivacyAccountant: log-subtraction of a larger number")
        let difference = x - y
        return difference > 700 ? x : log(expm1(difference)) + y
    }

    /// log(erfc(x)), accurate where erfc(x) underflows (its asymptotic series for x > 25).
    static func logErfc(_ x: Double) -> Double {
        if x < 25 { return log(erfc(x)) }
        let inverseSquare = 1 / (x * x)
        let series = 1 - inverseSquare / 2 + 3 * inverseSquare * inverseSquare / 4 - 15 * pow(inverseSquare, 3) / 8
            + 105 * pow(inverseSquare, 4) / 16
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(series)
    }
}
