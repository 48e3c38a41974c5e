import Foundation

/// Reuters newswire topics (Reuters-21578; research use only) in Keras's split and id
/// convention, bundled in `Data/reuters` as gzip TSVs of token ids.
///
/// 8,982 training and 2,246 test newswires, 46 topics (very unequal: topic 3 is 36 % of
/// the test set). Ids are as `keras.datasets.reuters.load_data()` returns them: 1 starts
/// every sequence, 2 is out of vocabulary, id `k ≥ 4` is the word of frequency rank
/// `k − 3`, and 0 is free for padding.
///
/// ```swift
/// let train = try Reuters.load(split: .train, numWords: 10_000)   // ids < 10,000
/// let data = train.dataset(maxlen: 200)                           // x [8982, 200], y [8982]
/// ```
public enum Reuters {
    /// The folder under the data directory.
    public static let folder = "reuters"
    /// The number of topics.
    public static let classCount = 46
    /// The id that starts every sequence.
    public static let startId = 1
    /// The id that replaces words outside the vocabulary limit.
    public static let outOfVocabularyId = 2
    /// The offset between a word's rank and its id (Keras's `index_from`).
    public static let indexFrom = 3

    /// The number of newswires in a split.
    ///
    /// - Parameter split: `.train` or `.test`.
    /// - Returns: 8,982 for `.train`, 2,246 for `.test`.
    public static func splitSize(_ split: DataSplit) -> Int { split == .train ? 8_982 : 2_246 }

    /// The file of a split.
    ///
    /// - Parameters:
    ///   - split: `.train` or `.test`.
    ///   - dataDirectory: the folder holding `reuters/`; default `DataDirectory.default`.
    /// - Returns: `dataDirectory/reuters/reuters_<split>.tsv.gz`; the file may not exist.
    public static func url(split: DataSplit, dataDirectory: URL = DataDirectory.default) -> URL {
        dataDirectory.appendingPathComponent(folder, isDirectory: true).appendingPathComponent("reuters_\(split.rawValue).tsv.gz")
    }

    /// Loads a split.
    ///
    /// - Parameters:
    ///   - split: `.train` (8,982 newswires) or `.test` (2,246).
    ///   - numWords: keep ids below this and replace the others by ``outOfVocabularyId``, as Keras's
    ///     `num_words` (so `numWords: 10_000` fits `Embedding(10_000, …)`); nil keeps every id.
    ///   - dataDirectory: the folder holding `reuters/`; the repository's `Data/` by default.
    /// - Returns: token ids and topics (0–45), in Keras's order.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)``, or ``TextDataError`` naming the file.
    /// - Precondition: `numWords`, when given, is greater than ``outOfVocabularyId``.
    public static func load(split: DataSplit, numWords: Int? = nil,
                            dataDirectory: URL = DataDirectory.default) throws -> LabeledSequences {
        if let numWords {
            require(numWords > outOfVocabularyId, "Reuters.load: numWords must be at least 3, got \(numWords)")
        }
        let url = url(split: split, dataDirectory: dataDirectory)
        let lines = TextFile.lines(try TextFile.bytes(at: url, dataSet: "Reuters"))
        let limit = numWords ?? Int.max
        var sequences: [[Int]] = []
        var labels: [Int] = []
        sequences.reserveCapacity(lines.count)
        for (number, line) in lines.enumerated() {
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")),
                  let label = TextFile.integer(line[line.startIndex..<tab]), label < classCount else {
                throw TextDataError.malformedLine(path: url.path, line: number + 1,
                                                  reason: "expected <topic 0-45><TAB><ids separated by spaces>")
            }
            var ids: [Int] = []
            for token in line[(tab + 1)...].split(separator: UInt8(ascii: " ")) {
                guard let id = TextFile.integer(token), id > 0 else {
                    throw TextDataError.malformedLine(path: url.path, line: number + 1,
                                                      reason: "token \"\(String(decoding: token, as: UTF8.self))\" is not a positive integer id")
                }
                ids.append(id < limit ? id : outOfVocabularyId)
            }
            sequences.append(ids)
            labels.append(label)
        }
        guard sequences.count == splitSize(split) else {
            throw TextDataError.unexpectedCount(path: url.path, expected: splitSize(split), found: sequences.count)
        }
        return LabeledSequences(sequences: sequences, labels: labels)
    }

    /// The word list, most frequent first: element `r − 1` is the word of rank `r`
    /// (Keras's `reuters.get_word_index()`, inverted).
    ///
    /// - Parameter dataDirectory: the folder holding `reuters/`; default `DataDirectory.default`.
    /// - Returns: the words by frequency rank, most frequent first.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` or ``TextDataError`` naming `reuters_vocab.tsv.gz`.
    public static func vocabulary(dataDirectory: URL = DataDirectory.default) throws -> [String] {
        let url = dataDirectory.appendingPathComponent(folder, isDirectory: true).appendingPathComponent("reuters_vocab.tsv.gz")
        var words: [String] = []
        for (number, line) in TextFile.lines(try TextFile.bytes(at: url, dataSet: "Reuters")).enumerated() {
            guard let tab = line.firstIndex(of: UInt8(ascii: "\t")),
                  TextFile.integer(line[line.startIndex..<tab]) == number + 1 else {
                throw TextDataError.malformedLine(path: url.path, line: number + 1, reason: "expected \(number + 1)<TAB><word>")
            }
            words.append(String(decoding: line[(tab + 1)...], as: UTF8.self))
        }
        return words
    }

    /// The words of a sequence of ids, joined by spaces: `?` for the start, out-of-vocabulary
    /// and unknown ids (as the Keras documentation's decoding recipe); padding (0) is skipped.
    ///
    /// - Parameters:
    ///   - ids: token ids in Keras's convention (word of rank `r` has id `r + 3`).
    ///   - vocabulary: the word list from ``vocabulary(dataDirectory:)``.
    /// - Returns: the words joined by spaces.
    public static func decode(_ ids: [Int], vocabulary: [String]) -> String {
        ids.filter { $0 != 0 }.map { id in
            let rank = id - indexFrom
            return rank >= 1 && rank <= vocabulary.count ? vocabulary[rank - 1] : "?"
        }.joined(separator: " ")
    }
}
