import Foundation
import Testing
@testable import SynapseNN

@Suite("Sampling (reparameterisation trick)")
struct SamplingTests {
    private let mean = NNCheck.uniform([3, 4], seed: 81)
    private let logVariance = NNCheck.uniform([3, 4], seed: 82, low: -2, high: 1)
    private let epsilon = NNCheck.normal([3, 4], seed: 83)

    @Test("z = μ + exp(½ log σ²) · ε, element by element")
    func formula() {
        let z = Sampling.reparameterize(mean: mean, logVariance: logVariance, epsilon: epsilon)
        let (m, l, e) = (mean.scalars, logVariance.scalars, epsilon.scalars)
        let expected: [Float] = (0..<12).map { index in
            let sigma: Float = Foundation.exp(0.5 * l[index])
            return m[index] + sigma * e[index]
        }
        NNCheck.expectClose(z, expected, shape: [3, 4], absolute: 1e-6, relative: 1e-6, "z")
    }

    @Test("with ε fixed, the gradient with respect to μ matches finite differences (the identity)")
    func gradientToMean() {
        FiniteDifferences.expectGradientMatches(at: mean, "μ") {
            Sampling.reparameterize(mean: $0, logVariance: logVariance, epsilon: epsilon)
        }
    }

    @Test("with ε fixed, the gradient with respect to log σ² matches finite differences (½ σ ε)")
    func gradientToLogVariance() {
        FiniteDifferences.expectGradientMatches(at: logVariance, "log σ²") {
            Sampling.reparameterize(mean: mean, logVariance: $0, epsilon: epsilon)
        }
        // And the analytic value itself: ∂z/∂(log σ²) = ½ exp(½ log σ²) ε.
        let leaf = logVariance.detached().requiringGrad()
        Sampling.reparameterize(mean: mean, logVariance: leaf, epsilon: epsilon).sum().backward()
        let (l, e) = (logVariance.scalars, epsilon.scalars)
        let expected: [Float] = (0..<12).map { index in
            let sigma: Float = Foundation.exp(0.5 * l[index])
            return 0.5 * sigma * e[index]
        }
        NNCheck.expectClose(leaf.grad ?? Tensor.zeros([3, 4]), expected, shape: [3, 4], "∂z/∂ log σ²")
    }

    @Test("the layer draws ε from its seeded generator: same seed, same z; the noise has the right statistics")
    func seededNoise() {
        let zeros = Tensor.zeros([2000, 8])
        let first = Sampling(seed: 5)(mean: zeros, logVariance: zeros)
        let again = Sampling(seed: 5)(mean: zeros, logVariance: zeros)
        let other = Sampling(seed: 6)(mean: zeros, logVariance: zeros)
        #expect(first.scalars == again.scalars)
        #expect(first.scalars != other.scalars)
        // With μ = 0, log σ² = 0 the sample is ε itself: mean ≈ 0, variance ≈ 1 (16,000 draws,
        // standard error of the mean 0.008, of the variance ≈ 0.011).
        let standard = moments(first.scalars)
        #expect(Swift.abs(standard.mean) < 0.04 && Swift.abs(standard.variance - 1) < 0.06, "\(standard)")
        // A shifted, scaled distribution: μ = 3, log σ² = log 4 gives mean 3, standard deviation 2.
        let shifted = moments(Sampling(seed: 7)(mean: zeros + 3, logVariance: zeros + Foundation.log(Float(4))).scalars)
        #expect(Swift.abs(shifted.mean - 3) < 0.08 && Swift.abs(shifted.variance - 4) < 0.25, "\(shifted)")
    }

    /// Sample mean and (population) variance in double precision.
    private func moments(_ values: [Float]) -> (mean: Double, variance: Double) {
        var sum = 0.0
        for value in values { sum += Double(value) }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for value in values {
            let deviation = Double(value) - mean
            squares += deviation * deviation
        }
        return (mean, squares / Double(values.count))
    }

    @Test("called with both tensors, gradients reach μ and log σ² through the layer")
    func layerGradientsFlow() {
        let meanLeaf = mean.detached().requiringGrad()
        let logVarianceLeaf = logVariance.detached().requiringGrad()
        let z = Sampling(seed: 9)(mean: meanLeaf, logVariance: logVarianceLeaf)
        z.sum().backward()
        // ∂Σz/∂μ = 1 everywhere; ∂Σz/∂ log σ² = ½ (z − μ), since z − μ = σ ε.
        NNCheck.expectClose(meanLeaf.grad ?? Tensor.zeros([3, 4]), [Float](repeating: 1, count: 12), shape: [3, 4], "∂/∂μ")
        let expected = zip(z.scalars, mean.scalars).map { 0.5 * ($0 - $1) }
        NNCheck.expectClose(logVarianceLeaf.grad ?? Tensor.zeros([3, 4]), expected, shape: [3, 4], absolute: 1e-5, "∂/∂ log σ²")
    }

    @Test("as a plain layer it takes [μ ‖ log σ²] side by side and samples the same as the two-argument call")
    func packedInput() {
        let packed = Tensor.concatenate([mean, logVariance], axis: 1)
        let fromLayer = Sampling(seed: 11)(packed, training: true)
        let fromCall = Sampling(seed: 11)(mean: mean, logVariance: logVariance)
        #expect(fromLayer.shape == [3, 4])
        #expect(fromLayer.scalars == fromCall.scalars)
        let (splitMean, splitLogVariance) = Sampling.split(packed)
        #expect(splitMean.scalars == mean.scalars && splitLogVariance.scalars == logVariance.scalars)
        #expect(Sampling().parameters.isEmpty)
    }
}
