import Foundation
import SynapseCore

/// How ``Attribution/integratedGradients(_:inputs:target:baseline:steps:rule:batchSize:)``
/// approximates the path integral from 0 to 1: where it evaluates the gradient (the
/// points α) and with which weights. The names and points are Captum's
/// (`approximation_methods`), so results compare one to one (see `riemannTrapezoid`
/// for the one difference).
public enum IntegrationRule: String, Sendable, CaseIterable {
    /// Left Riemann sum: α = 0, 1/n, ..., (n − 1)/n, weights 1/n.
    case riemannLeft = "riemann_left"
    /// Right Riemann sum: α = 1/n, ..., 1, weights 1/n.
    case riemannRight = "riemann_right"
    /// Midpoint rule: α = (k + ½)/n, weights 1/n.
    case riemannMiddle = "riemann_middle"
    /// Trapezoid rule: α = k/(n − 1), weights 1/(n − 1), halved at both ends. (Captum's
    /// `riemann_trapezoid` weights the same points by 1/n, which sum to (n − 1)/n, so its
    /// integrals are this rule's × (n − 1)/n.)
    case riemannTrapezoid = "riemann_trapezoid"
    /// Gauss–Legendre quadrature on [0, 1] (Captum's default): exact for polynomials
    /// of degree up to 2n − 1, so few steps suffice for smooth models.
    case gaussLegendre = "gausslegendre"

    /// The points α in [0, 1] and their weights, which sum to 1.
    ///
    /// - Parameter steps: the number of points, at least 1 (2 for the trapezoid rule).
    public func pointsAndWeights(steps: Int) -> (points: [Double], weights: [Double]) {
        require(steps >= (self == .riemannTrapezoid ? 2 : 1),
                "IntegrationRule.\(self): needs at least \(self == .riemannTrapezoid ? 2 : 1) steps, got \(steps)")
        let n = Double(steps)
        switch self {
        case .riemannLeft:
            return ((0..<steps).map { Double($0) / n }, [Double](repeating: 1 / n, count: steps))
        case .riemannRight:
            return ((1...steps).map { Double($0) / n }, [Double](repeating: 1 / n, count: steps))
        case .riemannMiddle:
            return ((0..<steps).map { (Double($0) + 0.5) / n }, [Double](repeating: 1 / n, count: steps))
        case .riemannTrapezoid:
            var weights = [Double](repeating: 1 / (n - 1), count: steps)
            weights[0] /= 2
            weights[steps - 1] /= 2
            return ((0..<steps).map { Double($0) / (n - 1) }, weights)
        case .gaussLegendre:
            let (nodes, weights) = Self.legendreNodes(steps)
            return (nodes.map { ($0 + 1) / 2 }, weights.map { $0 / 2 })
        }
    }

    /// Gauss–Legendre nodes on [−1, 1] and their weights: the roots of the Legendre
    /// polynomial Pₙ by Newton's method from Chebyshev-like starting points
    /// (Numerical Recipes' `gauleg`), ascending, as NumPy's `leggauss`.
    static func legendreNodes(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<((n + 1) / 2) {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                // Pₙ(x) and Pₙ₋₁(x) by the three-term recurrence.
                var (current, previous) = (1.0, 0.0)
                for k in 1...n {
                    (current, previous) = (((2 * Double(k) - 1) * x * current - (Double(k) - 1) * previous) / Double(k), current)
                }
                derivative = Double(n) * (x * current - previous) / (x * x - 1)
                let step = current / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = -x
            nodes[n - 1 - i] = x
            let weight = 2 / ((1 - x * x) * derivative * derivative)
            weights[i] = weight
            weights[n - 1 - i] = weight
        }
        return (nodes, weights)
    }
}
