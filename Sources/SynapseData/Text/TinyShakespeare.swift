import Foundation

/// Tiny Shakespeare (Karpathy's char-rnn corpus; public-domain text, MIT repository):
/// 1,115,394 ASCII characters of Shakespeare's plays with a 65-character vocabulary,
/// bundled in `Data/tiny-shakespeare/input.txt`.
///
/// ```swift
/// let text = try TinyShakespeare.load()
/// let (train, validation) = TinyShakespeare.split(text)   // first 90 %, last 10 %
/// let vocabulary = CharacterVocabulary(text: text)
/// let data = SequenceDataset.languageModel(vocabulary.encode(train), sequenceLength: 100)
/// ```
public enum TinyShakespeare {
    /// The folder under the data directory.
    public static let folder = "tiny-shakespeare"
    /// The number of characters in the text.
    public static let characterCount = 1_115_394

    /// The text file.
    ///
    /// - Parameter dataDirectory: the folder holding `tiny-shakespeare/`; default `DataDirectory.default`.
    /// - Returns: `dataDirectory/tiny-shakespeare/input.txt`; the file may not exist.
    public static func url(dataDirectory: URL = DataDirectory.default) -> URL {
        dataDirectory.appendingPathComponent(folder, isDirectory: true).appendingPathComponent("input.txt")
    }

    /// Loads the whole text.
    ///
    /// - Parameter dataDirectory: the folder holding `tiny-shakespeare/`; default `DataDirectory.default`.
    /// - Returns: the text, 1,115,394 characters.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)``, or ``TextDataError`` naming the file when
    ///   it cannot be read or is not the 1,115,394-character text.
    public static func load(dataDirectory: URL = DataDirectory.default) throws -> String {
        let url = url(dataDirectory: dataDirectory)
        let bytes = try TextFile.bytes(at: url, dataSet: "Tiny Shakespeare")
        let text = String(decoding: bytes, as: UTF8.self)
        let count = text.unicodeScalars.count
        guard count == characterCount else {
            throw TextDataError.unexpectedCount(path: url.path, expected: characterCount, found: count)
        }
        return text
    }

    /// Splits a text by position: the first `1 − validationFraction` of its characters
    /// (Unicode scalars) for training, the rest for validation (there is no official split;
    /// the last 10 % is the usual choice).
    ///
    /// - Parameters:
    ///   - text: the text to split.
    ///   - validationFraction: the share of characters for validation, rounded up to whole
    ///     characters; default 0.1.
    /// - Returns: the training part (the start) and the validation part (the end).
    /// - Precondition: `0 <= validationFraction <= 1`.
    public static func split(_ text: String, validationFraction: Double = 0.1) -> (train: String, validation: String) {
        require(validationFraction >= 0 && validationFraction <= 1,
                "TinyShakespeare.split: validationFraction must be in [0, 1], got \(validationFraction)")
        let scalars = text.unicodeScalars
        let trainCount = Int((Double(scalars.count) * (1 - validationFraction)).rounded(.down))
        let boundary = scalars.index(scalars.startIndex, offsetBy: trainCount)
        return (String(scalars[..<boundary]), String(scalars[boundary...]))
    }
}
