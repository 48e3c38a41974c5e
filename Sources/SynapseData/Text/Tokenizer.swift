/// Turns texts into sequences of integer ids and back, as Keras's
/// `keras.preprocessing.text.Tokenizer`.
///
/// - **Word level** (the default): each text is lower-cased (``lowercase``), HTML line
///   breaks `<br />` are removed (``stripsHTMLLineBreaks``; Keras would keep a token
///   `br`), every character of ``filters`` (Keras's default: punctuation, tab and
///   newline) becomes a space, and the text is split at spaces.
/// - **Character level**: every Unicode scalar is a token (after lower-casing when
///   ``lowercase``); ``filters`` do not apply, as in Keras.
///
/// ``fit(_:)`` counts the tokens and numbers them by frequency, most frequent first,
/// ties in order of first appearance. Id 0 is never a token: it is the padding id of
/// ``padSequences(_:maxlen:padding:truncating:value:)``. With an ``oovToken`` it takes
/// id 1 and stands for every unknown or cut-off token; without one those are dropped.
/// ``encode(_:)-([String])`` keeps ids below ``numWords`` (Keras: "the `num_words − 1`
/// most frequent words"), so `Tokenizer(numWords: 10_000)` fits `Embedding(10_000, …)`.
///
/// ```swift
/// var tokenizer = Tokenizer(numWords: 10_000, oovToken: "<unk>")
/// tokenizer.fit(trainTexts)
/// let x = padSequences(tokenizer.encode(trainTexts), maxlen: 200)
/// try tokenizer.save(to: URL(fileURLWithPath: "vocabulary.json"))   // reuse with the trained model
/// ```
public struct Tokenizer: Sendable, Equatable {
    /// What one token is.
    public enum Level: String, Sendable, Codable, CaseIterable {
        /// Words: split at spaces after filtering.
        case word
        /// Single characters (Unicode scalars).
        case character
    }

    /// Keras's default filters: every ASCII punctuation character except the apostrophe
    /// (`!"#$%&()*+,-./:;<=>?@[\]^_{|}~` and the backtick), plus tab and newline.
    public static let kerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"

    /// Word or character tokens.
    public let level: Level
    /// Encode only ids below this (`nil`: all); counts padding and the OOV token.
    public var numWords: Int?
    /// Lower-case texts before splitting.
    public let lowercase: Bool
    /// Characters replaced by a space before splitting words (word level only).
    public let filters: String
    /// Remove `<br />`, `<br/>` and `<br>` (any case) before splitting.
    public let stripsHTMLLineBreaks: Bool
    /// The token that replaces unknown tokens (id 1), or nil to drop them.
    public let oovToken: String?
    /// How often each token occurred in the fitted texts.
    public internal(set) var counts: [String: Int] = [:]
    /// The tokens by id: `vocabulary[id − 1]` is the token of `id` (the OOV token first when set).
    public internal(set) var vocabulary: [String] = []
    /// The id of each token in ``vocabulary``.
    public internal(set) var index: [String: Int] = [:]
    /// The number of texts fitted.
    public internal(set) var documentCount = 0
    /// Tokens in order of first appearance (breaks frequency ties; a loaded tokenizer
    /// starts from its vocabulary's order).
    var firstSeen: [String] = []
    /// ASCII separator table for the word splitter (filters and the space).
    let asciiSeparators: [Bool]
    /// Non-ASCII filter characters.
    let otherSeparators: Set<Unicode.Scalar>

    /// A tokenizer with Keras's defaults unless told otherwise.
    ///
    /// - Parameters:
    ///   - level: `.word` (default) or `.character`.
    ///   - numWords: keep ids below this when encoding (Keras's `num_words`); nil keeps all.
    ///   - lowercase: lower-case texts first (default true, Keras's `lower`).
    ///   - filters: characters turned into spaces at word level (default ``kerasFilters``).
    ///   - stripsHTMLLineBreaks: remove `<br />` tags (default true).
    ///   - oovToken: the token for unknown words (Keras's `oov_token`, default nil: drop them).
    /// - Precondition: `numWords`, when given, is at least 1.
    public init(level: Level = .word, numWords: Int? = nil, lowercase: Bool = true, filters: String = Tokenizer.kerasFilters,
                stripsHTMLLineBreaks: Bool = true, oovToken: String? = nil) {
        if let numWords { require(numWords >= 1, "Tokenizer: numWords must be at least 1, got \(numWords)") }
        (self.level, self.numWords, self.lowercase, self.filters) = (level, numWords, lowercase, filters)
        (self.stripsHTMLLineBreaks, self.oovToken) = (stripsHTMLLineBreaks, oovToken)
        var ascii = [Bool](repeating: false, count: 128)
        var other = Set<Unicode.Scalar>()
        for scalar in (filters + " ").unicodeScalars {
            if scalar.isASCII { ascii[Int(scalar.value)] = true } else { other.insert(scalar) }
        }
        (asciiSeparators, otherSeparators) = (ascii, other)
        rebuildIndex()
    }

    /// The number of distinct ids ``encode(_:)-([String])`` can produce, padding included:
    /// `min(numWords, vocabulary.count + 1)` (the `inputDim` an `Embedding` needs).
    public var vocabularySize: Int { Swift.min(numWords ?? Int.max, vocabulary.count + 1) }

    /// Two tokenizers are equal when their settings, counts and numbering are (the
    /// bookkeeping of first appearances, used only to break ties, is not compared).
    public static func == (left: Tokenizer, right: Tokenizer) -> Bool {
        left.level == right.level && left.numWords == right.numWords && left.lowercase == right.lowercase
            && left.filters == right.filters && left.stripsHTMLLineBreaks == right.stripsHTMLLineBreaks
            && left.oovToken == right.oovToken && left.counts == right.counts && left.vocabulary == right.vocabulary
            && left.documentCount == right.documentCount
    }

    /// The id of the OOV token, or nil without one.
    public var oovId: Int? { oovToken.flatMap { index[$0] } }

    /// Counts the tokens of `texts` and renumbers the vocabulary (fitting again adds to the counts, as Keras).
    ///
    /// - Parameter texts: the training texts.
    public mutating func fit(_ texts: [String]) {
        for text in texts {
            for token in tokens(text) {
                if let count = counts[token] {
                    counts[token] = count + 1
                } else {
                    counts[token] = 1
                    firstSeen.append(token)
                }
            }
        }
        documentCount += texts.count
        rebuildIndex()
    }

    /// Numbers the tokens by count (descending, stable), the OOV token first.
    mutating func rebuildIndex() {
        let ranked = firstSeen.enumerated().sorted { left, right in
            let (a, b) = (counts[left.element] ?? 0, counts[right.element] ?? 0)
            return a != b ? a > b : left.offset < right.offset
        }.map(\.element)
        vocabulary = (oovToken.map { [$0] } ?? []) + ranked.filter { $0 != oovToken }
        index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($0.element, $0.offset + 1) })
    }

    /// The ids of one text; see ``encode(_:)-([String])``.
    ///
    /// - Parameter text: the text.
    /// - Returns: one id per token (unknown tokens become the OOV id or are dropped).
    public func encode(_ text: String) -> [Int] {
        let limit = numWords ?? Int.max
        let oov = oovId
        var ids: [Int] = []
        for token in tokens(text) {
            if let id = index[token], id < limit {
                ids.append(id)
            } else if let oov {
                ids.append(oov)
            }
        }
        return ids
    }

    /// The ids of each text (Keras's `texts_to_sequences`): tokens with ids at or above
    /// ``numWords`` and unknown tokens become the OOV id, or are dropped without an ``oovToken``.
    ///
    /// - Parameter texts: the texts.
    /// - Returns: the ids of each text, in order (unpadded; see ``padSequences(_:maxlen:padding:truncating:value:)``).
    public func encode(_ texts: [String]) -> [[Int]] {
        texts.map { encode($0) }
    }

    /// The text of a sequence (Keras's `sequences_to_texts`): tokens joined by a space at word
    /// level and directly at character level; padding (0) and unknown ids are skipped.
    ///
    /// - Parameter ids: token ids.
    /// - Returns: the text.
    public func decode(_ ids: [Int]) -> String {
        let tokens = ids.compactMap { id in id >= 1 && id <= vocabulary.count ? vocabulary[id - 1] : nil }
        return tokens.joined(separator: level == .word ? " " : "")
    }

    /// The tokens of one text, before numbering (Keras's `text_to_word_sequence` at word level).
    ///
    /// - Parameter text: the text; it is lower-cased, stripped of `<br />` tags and (at word level)
    ///   filtered as ``lowercase``, ``stripsHTMLLineBreaks`` and ``filters`` say.
    /// - Returns: the words, or the characters at character level.
    public func tokens(_ text: String) -> [String] {
        var prepared = lowercase ? text.lowercased() : text
        if stripsHTMLLineBreaks { prepared = Self.removingLineBreakTags(prepared) }
        switch level {
        case .character:
            return prepared.unicodeScalars.map { String($0) }
        case .word:
            return splitWords(Array(prepared.utf8))
        }
    }

    /// Splits UTF-8 bytes at separator characters, without empty words.
    private func splitWords(_ bytes: [UInt8]) -> [String] {
        var words: [String] = []
        var start = 0
        var position = 0
        let checkOther = !otherSeparators.isEmpty
        while position < bytes.count {
            let byte = bytes[position]
            var width = 1
            var isSeparator = false
            if byte < 0x80 {
                isSeparator = asciiSeparators[Int(byte)]
            } else {
                width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                if checkOther, position + width <= bytes.count {
                    let scalarText = String(decoding: bytes[position..<(position + width)], as: UTF8.self)
                    isSeparator = scalarText.unicodeScalars.first.map { otherSeparators.contains($0) } ?? false
                }
            }
            if isSeparator {
                if position > start { words.append(String(decoding: bytes[start..<position], as: UTF8.self)) }
                start = position + width
            }
            position += width
        }
        if bytes.count > start { words.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return words
    }

    /// `text` with every `<br />`, `<br/>` and `<br>` tag (any case) replaced by a space.
    static func removingLineBreakTags(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "<")) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "<"), let end = lineBreakTagEnd(bytes, from: position) {
                output.append(UInt8(ascii: " "))
                position = end
            } else {
                output.append(bytes[position])
                position += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The index after a `<br>` tag starting at `start`, or nil when none starts there.
    private static func lineBreakTagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var position = start + 1
        for expected in [UInt8(ascii: "b"), UInt8(ascii: "r")] {
            guard position < bytes.count, bytes[position] | 0x20 == expected else { return nil }
            position += 1
        }
        while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: "/") { position += 1 }
        guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { return nil }
        return position + 1
    }
}
