import Foundation

extension Tokenizer {
    /// The JSON form of a fitted tokenizer (``save(to:)``).
    struct Saved: Codable {
        var format = "synapse-tokenizer"
        var version = 1
        var level: Level
        var numWords: Int?
        var lowercase: Bool
        var filters: String
        var stripsHTMLLineBreaks: Bool
        var oovToken: String?
        var documentCount: Int
        /// Tokens in id order (id = position + 1).
        var vocabulary: [String]
        /// Each vocabulary token's count (0 for an OOV token that never occurred).
        var counts: [Int]

        enum CodingKeys: String, CodingKey {
            case format, version, level, lowercase, filters, vocabulary, counts
            case numWords = "num_words", stripsHTMLLineBreaks = "strips_html_line_breaks"
            case oovToken = "oov_token", documentCount = "document_count"
        }
    }

    /// The tokenizer as JSON: settings, token counts and the vocabulary in id order,
    /// so a trained model's inputs can be encoded the same way later.
    public func jsonData() -> Data {
        let saved = Saved(level: level, numWords: numWords, lowercase: lowercase, filters: filters,
                          stripsHTMLLineBreaks: stripsHTMLLineBreaks, oovToken: oovToken, documentCount: documentCount,
                          vocabulary: vocabulary, counts: vocabulary.map { counts[$0] ?? 0 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings, integers and booleans cannot fail.
        return (try? encoder.encode(saved)) ?? Data()
    }

    /// Writes ``jsonData()`` to `url` atomically (temporary file, then rename).
    ///
    /// - Parameter url: the destination file (`.json`).
    /// - Throws: the file system's error when the file cannot be written.
    public func save(to url: URL) throws {
        try jsonData().write(to: url, options: .atomic)
    }

    /// Reads a tokenizer written by ``save(to:)``.
    ///
    /// - Parameter url: the saved tokenizer's file.
    /// - Returns: the tokenizer, fitted as it was when saved.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)``, or ``TextDataError`` naming the file when it
    ///   is not a saved tokenizer or its vocabulary and counts disagree.
    public static func load(from url: URL) throws -> Tokenizer {
        try Tokenizer(jsonData: try TextFile.bytes(at: url, dataSet: "Tokenizer"), path: url.path)
    }

    /// Parses ``jsonData()``; `path` names the source in errors.
    ///
    /// - Parameters:
    ///   - bytes: the JSON bytes, as ``jsonData()`` writes them.
    ///   - path: the source's name in errors; default `"<data>"`.
    /// - Throws: ``TextDataError/invalidVocabulary(path:reason:)``.
    public init(jsonData bytes: [UInt8], path: String = "<data>") throws {
        let saved: Saved
        do {
            saved = try JSONDecoder().decode(Saved.self, from: Data(bytes))
        } catch {
            throw TextDataError.invalidVocabulary(path: path, reason: "not a saved tokenizer (\(error))")
        }
        func invalid(_ reason: String) -> TextDataError { .invalidVocabulary(path: path, reason: reason) }
        guard saved.format == "synapse-tokenizer", saved.version == 1 else {
            throw invalid("format \(saved.format) version \(saved.version); expected synapse-tokenizer version 1")
        }
        guard saved.vocabulary.count == saved.counts.count else {
            throw invalid("\(saved.vocabulary.count) tokens but \(saved.counts.count) counts")
        }
        guard Set(saved.vocabulary).count == saved.vocabulary.count else { throw invalid("a token appears twice") }
        guard saved.counts.allSatisfy({ $0 >= 0 }), saved.documentCount >= 0 else { throw invalid("negative count") }
        if let numWords = saved.numWords, numWords < 1 { throw invalid("num_words must be at least 1, got \(numWords)") }
        var tokenizer = Tokenizer(level: saved.level, numWords: saved.numWords, lowercase: saved.lowercase,
                                  filters: saved.filters, stripsHTMLLineBreaks: saved.stripsHTMLLineBreaks,
                                  oovToken: saved.oovToken)
        for (token, count) in zip(saved.vocabulary, saved.counts) where count > 0 || token != saved.oovToken {
            tokenizer.counts[token] = count
            tokenizer.firstSeen.append(token)
        }
        tokenizer.documentCount = saved.documentCount
        tokenizer.rebuildIndex()
        guard tokenizer.vocabulary == saved.vocabulary else {
            throw invalid("the vocabulary is not in the order its counts give (most frequent first, OOV token first)")
        }
        self = tokenizer
    }
}
