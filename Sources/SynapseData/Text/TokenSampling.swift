import Foundation

/// Drawing the next token from a model's output, for text generation.
///
/// The distribution is `softmax(logits / temperature)`, optionally restricted to the
/// `topK` most likely tokens. Temperature 1 samples the model's own distribution,
/// lower values sharpen it, and temperature 0 (or `topK: 1`) always takes the most
/// likely token (greedy decoding; ties go to the lowest id). Draws come from a seeded
/// ``/SynapseCore/RandomGenerator``, so generation repeats exactly for a seed.
///
/// ```swift
/// var generator = RandomGenerator(seed: 7)
/// let next = TokenSampling.sample(logits: lastStepLogits, temperature: 0.8, topK: 20, using: &generator)
/// ```
///
/// It lives in SynapseData (beside ``Tokenizer`` and ``CharacterVocabulary``) because it
/// needs nothing from the layers: only scores and a generator.
public enum TokenSampling {
    /// Draws an id from unnormalised log-probabilities (a `Dense` layer without activation).
    ///
    /// - Parameters:
    ///   - logits: one score per id; `-infinity` marks ids that can never be drawn.
    ///   - temperature: divides the logits; 0 means greedy (default 1).
    ///   - topK: draw only among the `topK` highest scores (nil: all).
    ///   - generator: the random source (one uniform draw per sample, none when greedy).
    /// - Returns: the drawn id, an index into `logits`.
    /// - Precondition: at least one finite logit, none NaN; `temperature >= 0`; `topK`, when given, `>= 1`.
    public static func sample(logits: [Float], temperature: Float = 1, topK: Int? = nil,
                              using generator: inout RandomGenerator) -> Int {
        require(!logits.isEmpty && logits.contains(where: { $0.isFinite }) && !logits.contains(where: \.isNaN),
                "TokenSampling.sample: needs at least one finite logit and no NaN, got \(logits.count) values")
        require(temperature >= 0 && temperature.isFinite, "TokenSampling.sample: temperature must be >= 0, got \(temperature)")
        if let topK { require(topK >= 1, "TokenSampling.sample: topK must be at least 1, got \(topK)") }
        let best = argmax(logits)
        if temperature == 0 || topK == 1 { return best }
        var allowed = [Bool](repeating: true, count: logits.count)
        if let topK, topK < logits.count {
            allowed = [Bool](repeating: false, count: logits.count)
            // Highest scores first; equal scores by id, so the cut is deterministic.
            let ranked = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
            for id in ranked.prefix(topK) { allowed[id] = true }
        }
        let maximum = Double(logits[best])
        var weights = [Double](repeating: 0, count: logits.count)
        var total = 0.0
        for id in logits.indices where allowed[id] && logits[id].isFinite {
            weights[id] = Foundation.exp((Double(logits[id]) - maximum) / Double(temperature))
            total += weights[id]
        }
        // total >= 1: the best id has weight exp(0).
        let target = Double(generator.nextUniform()) * total
        var cumulative = 0.0
        var last = best
        for id in logits.indices where weights[id] > 0 {
            cumulative += weights[id]
            if target < cumulative { return id }
            last = id
        }
        return last
    }

    /// Draws an id from probabilities (a softmax output); `temperature` reweights them as
    /// `p^(1/temperature)`, renormalised, as Keras's text-generation example does.
    ///
    /// - Parameters:
    ///   - probabilities: one probability per id; 0 marks ids that can never be drawn (need not sum to 1).
    ///   - temperature: reweights as `p^(1/temperature)`; 0 means greedy (default 1).
    ///   - topK: draw only among the `topK` most likely ids (nil: all).
    ///   - generator: the random source (one uniform draw per sample, none when greedy).
    /// - Returns: the drawn id, an index into `probabilities`.
    /// - Precondition: probabilities are non-negative with a positive sum; as ``sample(logits:temperature:topK:using:)``.
    public static func sample(probabilities: [Float], temperature: Float = 1, topK: Int? = nil,
                              using generator: inout RandomGenerator) -> Int {
        require(probabilities.allSatisfy { $0 >= 0 } && probabilities.contains { $0 > 0 },
                "TokenSampling.sample: probabilities must be non-negative with a positive sum")
        let logits = probabilities.map { $0 > 0 ? Foundation.log($0) : -Float.infinity }
        return sample(logits: logits, temperature: temperature, topK: topK, using: &generator)
    }

    /// Draws one id per row of a float32 tensor of logits `[V]` or `[B, V]` (or, with
    /// `probabilities: true`, of probabilities).
    ///
    /// - Parameters:
    ///   - scores: float32 logits (or probabilities) `[V]` or `[B, V]`.
    ///   - probabilities: whether `scores` are probabilities rather than logits (default `false`).
    ///   - temperature: as in ``sample(logits:temperature:topK:using:)``; 0 means greedy (default 1).
    ///   - topK: draw only among the `topK` highest scores (nil: all).
    ///   - generator: the random source, drawn from row by row.
    /// - Returns: `B` ids (one for a rank-1 tensor).
    /// - Precondition: rank 1 or 2, float32, on the CPU.
    public static func sample(_ scores: Tensor, probabilities: Bool = false, temperature: Float = 1, topK: Int? = nil,
                              using generator: inout RandomGenerator) -> [Int] {
        require(scores.dtype == .float32 && (scores.rank == 1 || scores.rank == 2),
                "TokenSampling.sample: expected float32 scores [V] or [B, V], got \(scores.dtype) \(scores.shape)")
        let width = scores.shape[scores.rank - 1]
        let values = scores.scalars
        return stride(from: 0, to: values.count, by: Swift.max(width, 1)).map { start in
            let row = Array(values[start..<(start + width)])
            return probabilities ? sample(probabilities: row, temperature: temperature, topK: topK, using: &generator)
                : sample(logits: row, temperature: temperature, topK: topK, using: &generator)
        }
    }

    /// The index of the largest value (the first one on ties).
    ///
    /// - Parameter values: the scores.
    /// - Returns: the index of the largest; 0 for an empty array.
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}
