/// Raw texts with one integer class label each (what ``IMDB/load(split:dataDirectory:)`` returns).
///
/// ```swift
/// let train = try IMDB.load(split: .train).shuffled(seed: 1).prefix(2_000)
/// tokenizer.fit(train.texts)
/// ```
public struct LabeledTexts: Sendable, Equatable {
    /// The texts, in file order.
    public var texts: [String]
    /// The class of each text.
    public var labels: [Int]

    /// Pairs texts and labels.
    ///
    /// - Parameters:
    ///   - texts: the texts.
    ///   - labels: the class of each text.
    /// - Precondition: as many labels as texts.
    public init(texts: [String], labels: [Int]) {
        require(texts.count == labels.count, "LabeledTexts: \(texts.count) texts but \(labels.count) labels")
        (self.texts, self.labels) = (texts, labels)
    }

    /// The number of examples.
    public var count: Int { texts.count }

    /// The same examples in a random order that depends only on `seed`.
    ///
    /// - Parameter seed: the seed of the permutation.
    /// - Returns: the shuffled examples, texts and labels still paired.
    public func shuffled(seed: UInt64) -> LabeledTexts {
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(count)
        return LabeledTexts(texts: order.map { texts[$0] }, labels: order.map { labels[$0] })
    }

    /// The first `maxLength` examples (all of them when there are fewer).
    ///
    /// - Parameter maxLength: the most examples to keep.
    /// - Returns: the first examples, in order.
    public func prefix(_ maxLength: Int) -> LabeledTexts {
        LabeledTexts(texts: Array(texts.prefix(maxLength)), labels: Array(labels.prefix(maxLength)))
    }
}

/// Token-id sequences with one integer class label each (what ``Reuters/load(split:numWords:dataDirectory:)``
/// returns, and what ``Tokenizer/encode(_:)-([String])`` makes of ``LabeledTexts``).
public struct LabeledSequences: Sendable, Equatable {
    /// The token ids of each example (0 is never used: it is the padding id).
    public var sequences: [[Int]]
    /// The class of each example.
    public var labels: [Int]

    /// Pairs sequences and labels.
    ///
    /// - Parameters:
    ///   - sequences: the token ids of each example.
    ///   - labels: the class of each example.
    /// - Precondition: as many labels as sequences.
    public init(sequences: [[Int]], labels: [Int]) {
        require(sequences.count == labels.count, "LabeledSequences: \(sequences.count) sequences but \(labels.count) labels")
        (self.sequences, self.labels) = (sequences, labels)
    }

    /// The number of examples.
    public var count: Int { sequences.count }

    /// The same examples in a random order that depends only on `seed`.
    ///
    /// - Parameter seed: the seed of the permutation.
    /// - Returns: the shuffled examples, sequences and labels still paired.
    public func shuffled(seed: UInt64) -> LabeledSequences {
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(count)
        return LabeledSequences(sequences: order.map { sequences[$0] }, labels: order.map { labels[$0] })
    }

    /// The first `maxLength` examples (all of them when there are fewer).
    ///
    /// - Parameter maxLength: the most examples to keep.
    /// - Returns: the first examples, in order.
    public func prefix(_ maxLength: Int) -> LabeledSequences {
        LabeledSequences(sequences: Array(sequences.prefix(maxLength)), labels: Array(labels.prefix(maxLength)))
    }

    /// A dataset of `x` int32 `[N, maxlen]` (see ``padSequences(_:maxlen:padding:truncating:value:)``)
    /// and `y` int32 `[N]`, ready for `Model.fit` or a ``DataLoader``.
    ///
    /// - Parameters:
    ///   - maxlen: the padded length; `nil` (default) uses the longest sequence's length.
    ///   - padding: where shorter sequences get padding ids 0; default `.pre`.
    ///   - truncating: where longer sequences lose ids; default `.pre`, which keeps the end.
    /// - Returns: the padded sequences and their labels.
    public func dataset(maxlen: Int? = nil, padding: SequenceEnd = .pre, truncating: SequenceEnd = .pre) -> TensorDataset {
        TensorDataset(x: padSequences(sequences, maxlen: maxlen, padding: padding, truncating: truncating),
                      y: Tensor(int32: labels, shape: [labels.count], device: .cpu))
    }

    /// The share of the most frequent label (the accuracy of always predicting it); 0 when empty.
    public var majorityClassShare: Double {
        guard count > 0 else { return 0 }
        var counts: [Int: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        return Double(counts.values.max() ?? 0) / Double(count)
    }
}
