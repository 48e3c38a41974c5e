import Foundation

/// The distinct characters (Unicode scalars) of a text, numbered from 0 in sorted order,
/// for character-level language models (no padding id; ids index the softmax directly).
///
/// ```swift
/// let text = try TinyShakespeare.load()
/// let vocabulary = CharacterVocabulary(text: text)   // 65 characters, "\n" = 0, " " = 1
/// let ids = vocabulary.encode(text)
/// print(vocabulary.decode(Array(ids.prefix(14))))     // "First Citizen:"
/// ```
public struct CharacterVocabulary: Sendable, Equatable, Codable {
    /// The characters by id.
    public let characters: [Unicode.Scalar]
    /// The id of each character.
    private let ids: [Unicode.Scalar: Int]

    /// The vocabulary of `text`, sorted by code point.
    ///
    /// - Parameter text: the text whose distinct Unicode scalars become the vocabulary.
    public init(text: String) {
        self.init(characters: Array(Set(text.unicodeScalars)).sorted())
    }

    /// A vocabulary of exactly these characters, in this order.
    ///
    /// - Parameter characters: the characters; a character's index is its id.
    /// - Precondition: no character appears twice.
    public init(characters: [Unicode.Scalar]) {
        self.characters = characters
        var ids: [Unicode.Scalar: Int] = [:]
        for (id, character) in characters.enumerated() {
            require(ids.updateValue(id, forKey: character) == nil,
                    "CharacterVocabulary: character \(character.escaped(asASCII: true)) appears twice")
        }
        self.ids = ids
    }

    /// The number of characters (the model's output classes).
    public var count: Int { characters.count }

    /// The id of `character`, or nil when it is not in the vocabulary.
    ///
    /// - Parameter character: the Unicode scalar to look up.
    /// - Returns: its id in `0..<count`, or `nil`.
    public func id(of character: Unicode.Scalar) -> Int? { ids[character] }

    /// The ids of `text`'s characters; characters outside the vocabulary are skipped.
    ///
    /// - Parameter text: the text to encode, Unicode scalar by scalar.
    /// - Returns: one id per known character, in text order.
    public func encode(_ text: String) -> [Int] {
        text.unicodeScalars.compactMap { ids[$0] }
    }

    /// The text of `ids`; ids outside `0..<count` are skipped.
    ///
    /// - Parameter ids: character ids.
    /// - Returns: the characters joined into a string.
    public func decode(_ ids: [Int]) -> String {
        var view = String.UnicodeScalarView()
        for id in ids where id >= 0 && id < characters.count { view.append(characters[id]) }
        return String(view)
    }

    /// The cross-entropy, in nats per character, of predicting `ids` from the character
    /// frequencies of `reference` alone (a unigram model: the loss a language model must beat).
    /// Characters that never occur in `reference` count as occurring once.
    ///
    /// - Parameters:
    ///   - ids: the ids to predict (e.g. the validation text); ids outside `0..<count` add no loss
    ///     but still count in the average.
    ///   - reference: the ids whose frequencies make the model (e.g. the training text).
    /// - Returns: the mean loss in nats per character; NaN when `ids` is empty or `reference` holds no valid id.
    public func unigramLoss(of ids: [Int], frequenciesFrom reference: [Int]) -> Double {
        var counts = [Double](repeating: 0, count: count)
        for id in reference where id >= 0 && id < count { counts[id] += 1 }
        let total = counts.reduce(0, +)
        guard total > 0, !ids.isEmpty else { return .nan }
        var loss = 0.0
        for id in ids where id >= 0 && id < count { loss -= Foundation.log(Swift.max(counts[id], 1) / total) }
        return loss / Double(ids.count)
    }

    enum CodingKeys: String, CodingKey { case characters }

    /// Reads the JSON form: `{"characters": "<all characters in id order>"}`.
    ///
    /// - Parameter decoder: the decoder holding the object.
    /// - Throws: `DecodingError` when `characters` is missing or a character appears twice.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .characters)
        let characters = Array(text.unicodeScalars)
        guard Set(characters).count == characters.count else {
            throw DecodingError.dataCorruptedError(forKey: .characters, in: container, debugDescription: "a character appears twice")
        }
        self.init(characters: characters)
    }

    /// Writes `{"characters": "<all characters in id order>"}`.
    ///
    /// - Parameter encoder: the encoder to write the object to.
    /// - Throws: the encoder's errors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: characters)
        try container.encode(String(view), forKey: .characters)
    }
}
