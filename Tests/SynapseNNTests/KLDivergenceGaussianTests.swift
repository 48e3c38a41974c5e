import Foundation
import Testing
@testable import SynapseNN

@Suite("KL divergence of a diagonal Gaussian from N(0, I)")
struct KLDivergenceGaussianTests {
    private let mean = NNCheck.uniform([4, 5], seed: 91, low: -2, high: 2)
    private let logVariance = NNCheck.uniform([4, 5], seed: 92, low: -3, high: 1.5)

    /// The closed form −½ Σ (1 + log σ² − μ² − σ²), per row, in double precision.
    private func closedForm(_ mean: [Float], _ logVariance: [Float], columns: Int) -> [Double] {
        stride(from: 0, to: mean.count, by: columns).map { start in
            (start..<start + columns).reduce(0.0) { sum, index in
                let (m, l) = (Double(mean[index]), Double(logVariance[index]))
                return sum - 0.5 * (1 + l - m * m - Foundation.exp(l))
            }
        }
    }

    @Test("per-sample values match the closed form computed in double precision")
    func matchesClosedForm() {
        let kl = KLDivergence.gaussian(mean: mean, logVariance: logVariance)
        #expect(kl.shape == [4])
        NNCheck.expectClose(kl.scalars.map(Double.init), closedForm(mean.scalars, logVariance.scalars, columns: 5),
                            absolute: 1e-5, relative: 1e-5, "KL")
    }

    @Test("matches the general KL between Gaussians, ½ (σ² + μ² − 1 − log σ²) per dimension, for one known case")
    func knownCase() {
        // μ = (1, 0), σ² = (1, e): ½ (1 + 1 − 1 − 0) + ½ (e + 0 − 1 − 1) = 0.5 + ½ (e − 2).
        let kl = KLDivergence.gaussian(mean: Tensor([[1, 0]]), logVariance: Tensor([[0, 1]]))
        #expect(Swift.abs(Double(kl.item) - (0.5 + 0.5 * (M_E - 2))) < 1e-6)
    }

    @Test("zero exactly at the prior, positive elsewhere")
    func zeroAtPrior() {
        let zero = KLDivergence.gaussian(mean: Tensor.zeros([3, 7]), logVariance: Tensor.zeros([3, 7]))
        #expect(zero.scalars == [0, 0, 0])
        let kl = KLDivergence.gaussian(mean: mean, logVariance: logVariance)
        #expect(kl.scalars.allSatisfy { $0 > 0 })
    }

    @Test("its gradients are μ and ½ (σ² − 1), and agree with finite differences")
    func gradients() {
        let meanLeaf = mean.detached().requiringGrad()
        let logVarianceLeaf = logVariance.detached().requiringGrad()
        KLDivergence.gaussian(mean: meanLeaf, logVariance: logVarianceLeaf).sum().backward()
        NNCheck.expectClose(meanLeaf.grad ?? Tensor.zeros([4, 5]), mean.scalars, shape: [4, 5], "∂KL/∂μ")
        let expected: [Float] = logVariance.scalars.map { value in 0.5 * (Foundation.exp(value) - 1) }
        NNCheck.expectClose(logVarianceLeaf.grad ?? Tensor.zeros([4, 5]), expected, shape: [4, 5], "∂KL/∂ log σ²")
        FiniteDifferences.expectGradientMatches(at: mean, "μ") {
            KLDivergence.gaussian(mean: $0, logVariance: logVariance)
        }
        // Finite differences of exp over steps of 1e-2 · max(1, |x|): second-order error
        // ~ h² e^x / 6 stays under the default tolerance for log σ² ≤ 1.5.
        FiniteDifferences.expectGradientMatches(at: logVariance, "log σ²") {
            KLDivergence.gaussian(mean: mean, logVariance: $0)
        }
    }
}
