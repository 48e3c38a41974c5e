/// Which end of a sequence ``padSequences(_:maxlen:padding:truncating:value:)`` pads or cuts
/// (Keras's `'pre'` and `'post'`).
public enum SequenceEnd: String, Sendable, CaseIterable, Codable {
    /// The start of the sequence.
    case pre
    /// The end of the sequence.
    case post
}

/// Pads and truncates sequences of ids to one length, as Keras's `pad_sequences`.
///
/// Sequences shorter than `maxlen` get `value` added at the start (`padding: .pre`,
/// Keras's default) or the end (`.post`); longer ones lose their first ids
/// (`truncating: .pre`, Keras's default, which keeps the end of a text) or their last
/// ones (`.post`). Empty sequences become all `value`.
///
/// ```swift
/// padSequences([[1, 2, 3], [4]], maxlen: 2)                    // [[2, 3], [0, 4]]
/// padSequences([[1, 2, 3], [4]], maxlen: 2, padding: .post,
///              truncating: .post)                               // [[1, 2], [4, 0]]
/// ```
///
/// - Parameters:
///   - sequences: the id sequences.
///   - maxlen: the output length; nil uses the longest sequence's length.
///   - padding: where to add `value`.
///   - truncating: where to drop ids from sequences longer than `maxlen`.
///   - value: the padding id (0, which ``Tokenizer`` and the loaders never use for a word).
/// - Returns: an int32 tensor `[sequences.count, maxlen]`.
/// - Precondition: `maxlen >= 0`; every id fits in Int32.
public func padSequences(_ sequences: [[Int]], maxlen: Int? = nil, padding: SequenceEnd = .pre,
                         truncating: SequenceEnd = .pre, value: Int32 = 0) -> Tensor {
    let length = maxlen ?? sequences.map(\.count).max() ?? 0
    require(length >= 0, "padSequences: maxlen must not be negative, got \(length)")
    var flat = [Int32](repeating: value, count: sequences.count * length)
    for (row, sequence) in sequences.enumerated() {
        let kept = sequence.count <= length ? sequence[...]
            : (truncating == .pre ? sequence[(sequence.count - length)...] : sequence[..<length])
        let start = row * length + (padding == .pre ? length - kept.count : 0)
        for (offset, id) in kept.enumerated() {
            require(id >= Int(Int32.min) && id <= Int(Int32.max), "padSequences: id \(id) does not fit in int32")
            flat[start + offset] = Int32(id)
        }
    }
    return Tensor(int32: flat, shape: [sequences.count, length], device: .cpu)
}
