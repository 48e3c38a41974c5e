import Foundation
import Testing
@testable import SynapseCore

/// An independent Philox 4×32-10, written from Salmon et al. (SC'11) and checked
/// against Random123's known answers below, with the full four-word counter so
/// the vectors whose upper counter words are not zero can be checked too.
private func referencePhilox(counter: [UInt32], key: [UInt32]) -> [UInt32] {
    var c = counter, k = key
    func mulhilo(_ a: UInt32, _ b: UInt32) -> (hi: UInt32, lo: UInt32) {
        let product = UInt64(a) * UInt64(b)
        return (UInt32(product >> 32), UInt32(product & 0xFFFF_FFFF))
    }
    for round in 0..<10 {
        if round > 0 {
            k[0] = k[0] &+ 0x9E37_79B9
            k[1] = k[1] &+ 0xBB67_AE85
        }
        let (hi0, lo0) = mulhilo(0xD251_1F53, c[0])
        let (hi1, lo1) = mulhilo(0xCD9E_8D57, c[2])
        c = [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0]
    }
    return c
}

@Suite("Random numbers: Philox 4×32-10 streams and distributions")
struct RandomTests {
    /// Random123 `tests/kat_vectors`, the three `philox4x32 10` lines:
    /// counter (4 words), key (2 words), expected output (4 words).
    static let knownAnswers: [([UInt32], [UInt32], [UInt32])] = [
        ([0, 0, 0, 0], [0, 0], [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8]),
        ([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [0xFFFF_FFFF, 0xFFFF_FFFF],
         [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD]),
        ([0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344], [0xA409_3822, 0x299F_31D0],
         [0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1]),
    ]

    @Test("the reference Philox reproduces Random123's known answers")
    func referenceKnownAnswers() {
        for (counter, key, expected) in Self.knownAnswers {
            #expect(referencePhilox(counter: counter, key: key) == expected)
        }
    }

    @Test("seed 0 at offset 0 gives Random123's answer for counter 0, key 0")
    func generatorKnownAnswer() {
        var generator = RandomGenerator(seed: 0)
        let block = (0..<4).map { _ in generator.nextUInt32() }
        #expect(block == [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8])
        #expect(generator.offset == 1)
    }

    @Test("block n of seed s is Philox with counter (n lo, n hi, 0, 0) and key (s lo, s hi)",
          arguments: [(UInt64(0), UInt64(1)), (0xA409_3822_299F_31D0, 7), (0xFFFF_FFFF_FFFF_FFFF, 0x1_0000_0002),
                      (42, 0xFFFF_FFFF_FFFF_FFFF)])
    func streamLayout(seed: UInt64, offset: UInt64) {
        var generator = RandomGenerator(seed: seed, offset: offset)
        let block = (0..<4).map { _ in generator.nextUInt32() }
        let expected = referencePhilox(counter: [UInt32(truncatingIfNeeded: offset), UInt32(truncatingIfNeeded: offset >> 32), 0, 0],
                                       key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)])
        #expect(block == expected)
        #expect(generator.seed == seed && generator.offset == offset &+ 1)
    }

    @Test("the same seed gives the same stream; another seed another one")
    func reproducibility() {
        var a = RandomGenerator(seed: 1234), b = RandomGenerator(seed: 1234), c = RandomGenerator(seed: 1235)
        let streamA = (0..<100).map { _ in a.nextUInt32() }
        #expect(streamA == (0..<100).map { _ in b.nextUInt32() })
        #expect(streamA != (0..<100).map { _ in c.nextUInt32() })
        var x = RandomGenerator(seed: 9), y = RandomGenerator(seed: 9)
        #expect(Tensor.randomNormal([50], generator: &x).scalars == Tensor.randomNormal([50], generator: &y).scalars)
    }

    @Test("a generator created at an offset resumes the stream there")
    func resumeAtOffset() {
        var fromStart = RandomGenerator(seed: 77)
        for _ in 0..<20 { _ = fromStart.nextUInt32() }   // five blocks
        var resumed = RandomGenerator(seed: 77, offset: 5)
        #expect((0..<12).map { _ in fromStart.nextUInt32() } == (0..<12).map { _ in resumed.nextUInt32() })
    }

    @Test("uniform samples lie in [0, 1) with mean 1/2 and variance 1/12")
    func uniformMoments() {
        var generator = RandomGenerator(seed: 2024)
        let samples = (0..<100_000).map { _ in Double(generator.nextUniform()) }
        #expect(samples.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
        // Standard errors: 0.0009 for the mean, 0.0003 for the variance; bounds are ~5σ.
        #expect(Swift.abs(mean - 0.5) < 0.005)
        #expect(Swift.abs(variance - 1.0 / 12) < 0.0015)
    }

    @Test("normal samples have mean 0 and standard deviation 1")
    func normalMoments() {
        var generator = RandomGenerator(seed: 31337)
        let samples = (0..<100_000).map { _ in Double(generator.nextNormal()) }
        #expect(samples.allSatisfy { $0.isFinite })
        let mean = samples.reduce(0, +) / Double(samples.count)
        let std = (samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)).squareRoot()
        // Standard errors: 0.0032 for the mean, 0.0022 for the standard deviation.
        #expect(Swift.abs(mean) < 0.015)
        #expect(Swift.abs(std - 1) < 0.012)
        // About 68.3 % within one standard deviation.
        let within = Double(samples.filter { Swift.abs($0) < 1 }.count) / Double(samples.count)
        #expect(Swift.abs(within - 0.6827) < 0.01)
    }

    @Test("truncated normal stays within two standard deviations of its mean")
    func truncatedNormal() {
        var generator = RandomGenerator(seed: 5)
        let samples = Tensor.truncatedNormal([100_000], mean: 3, standardDeviation: 0.5, generator: &generator).scalars
        #expect(samples.allSatisfy { $0 >= 2 && $0 <= 4 })
        let mean = samples.reduce(0) { $0 + Double($1) } / Double(samples.count)
        let std = (samples.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(samples.count)).squareRoot()
        #expect(Swift.abs(mean - 3) < 0.01)
        // A standard normal cut at ±2 has standard deviation 0.8796.
        #expect(Swift.abs(std - 0.5 * 0.8796) < 0.006)
    }

    @Test("nextInt is uniform below its bound and permutation is a permutation")
    func integers() {
        var generator = RandomGenerator(seed: 8)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[generator.nextInt(below: 6)] += 1 }
        // Expected 10,000 each with standard deviation ≈ 91.
        #expect(counts.allSatisfy { Swift.abs($0 - 10_000) < 500 })
        let permutation = generator.permutation(100)
        #expect(permutation.sorted() == Array(0..<100))
        #expect(permutation != Array(0..<100))
        #expect(generator.permutation(1) == [0] && generator.permutation(0) == [])
    }

    @Test("a generator saved mid-block as JSON resumes exactly")
    func codable() throws {
        var generator = RandomGenerator(seed: 99)
        _ = generator.nextUInt32()
        let data = try JSONEncoder().encode(generator)
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: data)
        #expect(restored == generator)
        #expect((0..<9).map { _ in restored.nextUInt32() } == (0..<9).map { _ in generator.nextUInt32() })
    }
}

@Suite("The process-wide generator")
struct DefaultRandomTests {
    @Test("Random.seed restarts the default stream (run in its own process: other suites share it)")
    func seedRestartsStream() async {
        await #expect(processExitsWith: .success) {
            Random.seed(42)
            let first = Tensor.randomUniform([16]).scalars
            Random.seed(42)
            let second = Tensor.randomUniform([16]).scalars
            var generator = RandomGenerator(seed: 42)
            let explicit = Tensor.randomUniform([16], generator: &generator).scalars
            let state = Random.state
            Random.seed(7)
            Random.state = state
            let fromState = Tensor.randomNormal([4]).scalars
            var stateGenerator = state
            let expected = Tensor.randomNormal([4], generator: &stateGenerator).scalars
            if first != second || first != explicit || fromState != expected { fatalError("default generator diverged") }
        }
    }
}
