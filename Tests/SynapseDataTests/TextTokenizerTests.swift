import Foundation
import Testing
@testable import SynapseData

@Suite("Tokenizer (Keras semantics)")
struct TextTokenizerTests {
    static let texts = ["The cat sat on the mat.", "The dog ate my homework!", "A cat, a DOG."]

    @Test("ids follow frequency, ties by first appearance, starting at 1 (0 is padding)")
    func frequencyOrder() {
        var tokenizer = Tokenizer()
        tokenizer.fit(Self.texts)
        // Counts: the 3, cat 2, dog 2, a 2, then the once-seen words in order of appearance.
        // Keras's stable sort keeps first appearance: cat (text 1), dog (text 2), a (text 3).
        #expect(tokenizer.vocabulary == ["the", "cat", "dog", "a", "sat", "on", "mat", "ate", "my", "homework"])
        #expect(tokenizer.index["the"] == 1 && tokenizer.index["homework"] == 10)
        #expect(tokenizer.counts["the"] == 3 && tokenizer.counts["a"] == 2)
        #expect(tokenizer.documentCount == 3)
        #expect(tokenizer.encode("the cat ate the dog") == [1, 2, 8, 1, 3])
        #expect(tokenizer.vocabularySize == 11)
    }

    @Test("lower-cases and drops Keras's filter characters and <br /> tags")
    func filtering() {
        let tokenizer = Tokenizer()
        #expect(tokenizer.tokens("Hello, WORLD!<br /><br />It's \"great\"\t(really)\nyes") ==
                ["hello", "world", "it's", "great", "really", "yes"])
        let keepsCase = Tokenizer(lowercase: false, stripsHTMLLineBreaks: false)
        // Without tag stripping the filters leave "br", as Keras does.
        #expect(keepsCase.tokens("Good<br />Bad") == ["Good", "br", "Bad"])
        #expect(Tokenizer().tokens("naïve café — résumé") == ["naïve", "café", "—", "résumé"])
        #expect(Tokenizer(filters: "—").tokens("a—b") == ["a", "b"])
    }

    @Test("numWords keeps ids below the limit; others are dropped without an OOV token")
    func limitWithoutOOV() {
        var tokenizer = Tokenizer(numWords: 3)
        tokenizer.fit(Self.texts)
        #expect(tokenizer.encode("the cat dog sat unknown") == [1, 2])
        #expect(tokenizer.vocabularySize == 3)
        #expect(tokenizer.vocabulary.count == 10, "the full vocabulary is kept, as Keras's word_index")
    }

    @Test("the OOV token takes id 1 and replaces unknown and cut-off words")
    func outOfVocabulary() {
        var tokenizer = Tokenizer(numWords: 4, oovToken: "<unk>")
        tokenizer.fit(Self.texts)
        #expect(tokenizer.oovId == 1)
        #expect(tokenizer.index["the"] == 2 && tokenizer.index["cat"] == 3)
        #expect(tokenizer.encode("the cat dog zebra") == [2, 3, 1, 1])
        #expect(tokenizer.decode([0, 0, 2, 3, 1]) == "the cat <unk>")
    }

    @Test("character level: every character is a token, filters do not apply")
    func characterLevel() {
        var tokenizer = Tokenizer(level: .character, lowercase: false)
        tokenizer.fit(["abca!", "Ab"])
        #expect(tokenizer.vocabulary == ["a", "b", "c", "!", "A"])
        #expect(tokenizer.encode("cab!") == [3, 1, 2, 4])
        #expect(tokenizer.decode(tokenizer.encode("abc!A")) == "abc!A")
        var lowered = Tokenizer(level: .character)
        lowered.fit(["AaB"])
        #expect(lowered.vocabulary == ["a", "b"])
    }

    @Test("fitting twice adds to the counts")
    func refit() {
        var tokenizer = Tokenizer()
        tokenizer.fit(["b a"])
        tokenizer.fit(["a c"])
        #expect(tokenizer.vocabulary == ["a", "b", "c"])
        #expect(tokenizer.documentCount == 2)
    }

    @Test("save and load give an equal tokenizer that encodes the same way")
    func persistence() throws {
        var tokenizer = Tokenizer(numWords: 5, oovToken: "<oov>")
        tokenizer.fit(Self.texts)
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("vocabulary.json")
        try tokenizer.save(to: url)
        let loaded = try Tokenizer.load(from: url)
        #expect(loaded == tokenizer)
        #expect(loaded.encode(Self.texts) == tokenizer.encode(Self.texts))
    }

    @Test("a damaged vocabulary file throws a readable error naming it")
    func damagedVocabulary() throws {
        var tokenizer = Tokenizer()
        tokenizer.fit(Self.texts)
        var json = String(decoding: tokenizer.jsonData(), as: UTF8.self)
        json = json.replacingOccurrences(of: "[3,2,2", with: "[1,2,2")
        #expect(throws: TextDataError.self) { try Tokenizer(jsonData: Array(json.utf8), path: "v.json") }
        do {
            _ = try Tokenizer(jsonData: Array("{\"format\": 3}".utf8), path: "broken.json")
            Issue.record("expected an error")
        } catch let error as TextDataError {
            #expect(error.description.hasPrefix("broken.json: not a valid saved vocabulary"))
        }
    }
}
