/// Builds ``TensorDataset``s of integer sequences for `Model.fit` and ``DataLoader``.
///
/// - ``classification(_:labels:maxlen:padding:truncating:)``: one label per sequence
///   (sentiment, topics): `x` int32 `[N, maxlen]`, `y` int32 `[N]`.
/// - ``languageModel(_:sequenceLength:stride:)``: next-id prediction over a long
///   stream (a character model): `x` int32 `[N, T]` and `y` int32 `[N, T]`, where
///   `y[i, t]` is the id that follows `x[i, t]`.
public enum SequenceDataset {
    /// Padded sequences with one class label each.
    ///
    /// - Parameters:
    ///   - sequences: token ids per example.
    ///   - labels: the class of each example.
    ///   - maxlen: the padded length; `nil` (default) uses the longest sequence's length.
    ///   - padding: where shorter sequences get padding ids 0; default `.pre` (see
    ///     ``padSequences(_:maxlen:padding:truncating:value:)``).
    ///   - truncating: where longer sequences lose ids; default `.pre`, which keeps the end.
    /// - Returns: `x` int32 `[N, maxlen]` and `y` int32 `[N]`.
    /// - Precondition: as many labels as sequences.
    public static func classification(_ sequences: [[Int]], labels: [Int], maxlen: Int? = nil,
                                      padding: SequenceEnd = .pre, truncating: SequenceEnd = .pre) -> TensorDataset {
        LabeledSequences(sequences: sequences, labels: labels).dataset(maxlen: maxlen, padding: padding, truncating: truncating)
    }

    /// Windows of a token stream with their next-token targets.
    ///
    /// Window `i` starts at `i · stride`: `x[i] = ids[i·stride ..< i·stride + T]` and
    /// `y[i] = ids[i·stride + 1 ..< i·stride + T + 1]`. Windows that would run past the end
    /// are left out, so every target is a real next token.
    ///
    /// ```swift
    /// let data = SequenceDataset.languageModel([1, 2, 3, 4, 5, 6, 7], sequenceLength: 3)
    /// // x [[1, 2, 3], [4, 5, 6]], y [[2, 3, 4], [5, 6, 7]]
    /// ```
    ///
    /// - Parameters:
    ///   - ids: the stream (for example ``CharacterVocabulary/encode(_:)`` of a text).
    ///   - sequenceLength: `T`, the steps per window.
    ///   - stride: the distance between window starts; `nil` means `sequenceLength`
    ///     (windows that do not overlap).
    /// - Precondition: `sequenceLength > 0`, `stride > 0`, and the stream holds at least one window
    ///   (`ids.count > sequenceLength`).
    public static func languageModel(_ ids: [Int], sequenceLength: Int, stride: Int? = nil) -> TensorDataset {
        let step = stride ?? sequenceLength
        require(sequenceLength > 0 && step > 0,
                "SequenceDataset.languageModel: sequenceLength (\(sequenceLength)) and stride (\(step)) must be positive")
        require(ids.count > sequenceLength,
                "SequenceDataset.languageModel: a stream of \(ids.count) ids is too short for one window of \(sequenceLength) steps")
        let windows = (ids.count - sequenceLength - 1) / step + 1
        var x = [Int32](repeating: 0, count: windows * sequenceLength)
        var y = x
        for window in 0..<windows {
            let start = window * step
            for t in 0..<sequenceLength {
                x[window * sequenceLength + t] = Int32(ids[start + t])
                y[window * sequenceLength + t] = Int32(ids[start + t + 1])
            }
        }
        return TensorDataset(x: Tensor(int32: x, shape: [windows, sequenceLength], device: .cpu),
                             y: Tensor(int32: y, shape: [windows, sequenceLength], device: .cpu))
    }
}
