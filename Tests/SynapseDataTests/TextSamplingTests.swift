import Foundation
import Testing
@testable import SynapseData

@Suite("Sampling for text generation")
struct TextSamplingTests {
    static let logits: [Float] = [0.5, 2.0, -1.0, 1.9]

    @Test("temperature 0 and topK 1 take the most likely id")
    func greedy() {
        var generator = RandomGenerator(seed: 1)
        for _ in 0..<20 {
            #expect(TokenSampling.sample(logits: Self.logits, temperature: 0, using: &generator) == 1)
            #expect(TokenSampling.sample(logits: Self.logits, topK: 1, using: &generator) == 1)
            #expect(TokenSampling.sample(logits: Self.logits, temperature: 1e-4, using: &generator) == 1)
        }
        #expect(TokenSampling.sample(probabilities: [0.1, 0.2, 0.7], temperature: 0, using: &generator) == 2)
    }

    @Test("draws follow softmax(logits / temperature) with a fixed seed")
    func distribution() {
        var generator = RandomGenerator(seed: 42)
        let draws = 20_000
        var counts = [0, 0, 0, 0]
        for _ in 0..<draws { counts[TokenSampling.sample(logits: Self.logits, using: &generator)] += 1 }
        let weights = Self.logits.map { Double(exp($0)) }
        let total = weights.reduce(0, +)
        for id in 0..<4 {
            let expected = weights[id] / total
            // Binomial standard deviation is at most 0.0036 at 20,000 draws; 0.015 is over 4 of them.
            #expect(abs(Double(counts[id]) / Double(draws) - expected) < 0.015, "id \(id): \(counts[id]) of \(draws)")
        }
        var hot = [0, 0, 0, 0]
        for _ in 0..<draws { hot[TokenSampling.sample(logits: Self.logits, temperature: 0.25, using: &generator)] += 1 }
        #expect(hot[1] > counts[1] && hot[0] < counts[0] && hot[2] < counts[2], "lower temperature sharpens: \(hot) vs \(counts)")
    }

    @Test("topK never draws outside the k best, and the same seed repeats the draws")
    func topK() {
        var generator = RandomGenerator(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<2_000 { seen.insert(TokenSampling.sample(logits: Self.logits, temperature: 5, topK: 2, using: &generator)) }
        #expect(seen == [1, 3])
        var first = RandomGenerator(seed: 9)
        var second = RandomGenerator(seed: 9)
        let a = (0..<50).map { _ in TokenSampling.sample(logits: Self.logits, using: &first) }
        let b = (0..<50).map { _ in TokenSampling.sample(logits: Self.logits, using: &second) }
        #expect(a == b && Set(a).count > 1)
    }

    @Test("probabilities: zero-probability ids are never drawn; tensors give one id per row")
    func probabilitiesAndTensors() {
        var generator = RandomGenerator(seed: 5)
        for _ in 0..<500 { #expect(TokenSampling.sample(probabilities: [0, 0.5, 0, 0.5], using: &generator) % 2 == 1) }
        let rows = TokenSampling.sample(Tensor([[0, 9, 0], [8, 0, 0]]), temperature: 0, using: &generator)
        #expect(rows == [1, 0])
    }
}
