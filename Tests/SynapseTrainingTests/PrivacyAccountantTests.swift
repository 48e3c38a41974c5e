import Foundation
import Testing
@testable import SynapseTraining

/// The DP-SGD privacy accountant against Opacus' `RDPAccountant` for the same
/// settings (`scripts/fixtures_privacy.py`): per-step Rényi divergences at integer
/// and fractional orders, ε after many steps, and the noise needed for a target ε.
@Suite("Privacy accountant")
struct PrivacyAccountantTests {
    struct Fixture: Decodable {
        struct EpsilonCase: Decodable {
            let sample_rate: Double, noise_multiplier: Double, steps: Int, delta: Double
            let epsilon: Double, order: Double, orders: [Double], rdp_per_step: [Double]
        }
        struct NoiseCase: Decodable {
            let target_epsilon: Double, delta: Double, sample_rate: Double, steps: Int, noise_multiplier: Double
        }
        let epsilon: [EpsilonCase]
        let noise_multiplier: [NoiseCase]
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "privacy", withExtension: "json", subdirectory: "Fixtures"),
                               "missing fixture privacy.json: run scripts/fixtures_privacy.py")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test("ε and the Rényi divergences equal Opacus' within 1 % (in fact to about 1e-9)")
    func matchesOpacus() throws {
        for item in try Self.fixture().epsilon {
            var accountant = PrivacyAccountant()
            // Steps recorded in two runs of the same settings merge into one.
            accountant.step(noiseMultiplier: item.noise_multiplier, sampleRate: item.sample_rate, count: item.steps / 2)
            accountant.step(noiseMultiplier: item.noise_multiplier, sampleRate: item.sample_rate, count: item.steps - item.steps / 2)
            #expect(accountant.history.count == 1)
            let (epsilon, order) = accountant.epsilon(delta: item.delta)
            #expect(abs(epsilon - item.epsilon) <= 1e-6 * item.epsilon, "q \(item.sample_rate) σ \(item.noise_multiplier): ε \(epsilon) vs Opacus' \(item.epsilon)")
            #expect(abs(epsilon - item.epsilon) <= 0.01 * item.epsilon)
            #expect(order == item.order)
            for (alpha, expected) in zip(item.orders, item.rdp_per_step) {
                let rdp = PrivacyAccountant.renyiDivergence(sampleRate: item.sample_rate, noiseMultiplier: item.noise_multiplier, order: alpha)
                #expect(abs(rdp - expected) <= 1e-7 * expected + 1e-15, "α \(alpha): \(rdp) vs \(expected)")
            }
        }
    }

    @Test("the noise multiplier for a target ε is Opacus' (bisection to 0.01 in ε)")
    func noiseForTarget() throws {
        for item in try Self.fixture().noise_multiplier {
            let sigma = PrivacyAccountant.noiseMultiplier(targetEpsilon: item.target_epsilon, delta: item.delta,
                                                          sampleRate: item.sample_rate, steps: item.steps)
            #expect(abs(sigma - item.noise_multiplier) <= 1e-9 * item.noise_multiplier, "\(sigma) vs \(item.noise_multiplier)")
            var accountant = PrivacyAccountant()
            accountant.step(noiseMultiplier: sigma, sampleRate: item.sample_rate, count: item.steps)
            let spent = accountant.epsilon(delta: item.delta).epsilon
            #expect(spent <= item.target_epsilon && spent > item.target_epsilon - 0.011)
        }
    }

    @Test("no steps spend nothing; no noise or no sampling are the limits")
    func limits() {
        #expect(PrivacyAccountant().epsilon(delta: 1e-5).epsilon == 0)
        var noiseless = PrivacyAccountant()
        noiseless.step(noiseMultiplier: 0, sampleRate: 0.01)
        #expect(noiseless.epsilon(delta: 1e-5).epsilon == .infinity)
        #expect(PrivacyAccountant.renyiDivergence(sampleRate: 0, noiseMultiplier: 1, order: 2) == 0)
        #expect(PrivacyAccountant.renyiDivergence(sampleRate: 1, noiseMultiplier: 2, order: 3) == 3.0 / 8)
        // More steps never spend less.
        var few = PrivacyAccountant(), many = PrivacyAccountant()
        few.step(noiseMultiplier: 1, sampleRate: 0.01, count: 100)
        many.step(noiseMultiplier: 1, sampleRate: 0.01, count: 1000)
        #expect(many.epsilon(delta: 1e-5).epsilon > few.epsilon(delta: 1e-5).epsilon)
    }
}
