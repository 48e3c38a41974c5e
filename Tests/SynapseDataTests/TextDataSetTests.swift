import Foundation
import SynapseIO
import Testing
@testable import SynapseData

@Suite("Bundled text data sets")
struct TextDataSetTests {
    @Test("IMDB: 25,000 training and 25,000 test reviews, half of each label")
    func imdb() throws {
        for split in DataSplit.allCases {
            let data = try IMDB.load(split: split)
            #expect(data.count == 25_000)
            #expect(data.labels.filter { $0 == 1 }.count == 12_500)
            #expect(data.texts.allSatisfy { !$0.isEmpty })
        }
        let train = try IMDB.load(split: .train)
        #expect(train.texts[0].hasPrefix("Story of a man who has unnatural feelings for a pig."))
        #expect(train.labels[0] == 0)
    }

    @Test("Reuters: Keras's 8,982 / 2,246 split over 46 topics; numWords caps ids as Keras")
    func reuters() throws {
        let train = try Reuters.load(split: .train)
        let test = try Reuters.load(split: .test)
        #expect(train.count == 8_982 && test.count == 2_246)
        #expect(Set(train.labels).count == 46 && Set(test.labels).count == 46)
        #expect(train.labels[0] == 3 && Array(train.sequences[0].prefix(5)) == [1, 27595, 28842, 8, 43])
        #expect(abs(test.majorityClassShare - 813.0 / 2_246) < 1e-12)
        let capped = try Reuters.load(split: .train, numWords: 1_000)
        #expect(capped.sequences[0].prefix(5) == [1, 2, 2, 8, 43])
        #expect(capped.sequences.allSatisfy { $0.allSatisfy { $0 >= 1 && $0 < 1_000 } })
        let vocabulary = try Reuters.vocabulary()
        #expect(vocabulary.count == 30_979 && vocabulary.prefix(3) == ["the", "of", "to"])
        #expect(Reuters.decode([1, 4, 5, 2], vocabulary: vocabulary) == "? the of ?")
    }

    @Test("tiny Shakespeare: 1,115,394 characters, a 65-character vocabulary, a 90/10 split by position")
    func tinyShakespeare() throws {
        let text = try TinyShakespeare.load()
        let vocabulary = CharacterVocabulary(text: text)
        #expect(vocabulary.count == 65)
        #expect(vocabulary.characters.first == "\n" && vocabulary.id(of: " ") == 1)
        let ids = vocabulary.encode(text)
        #expect(ids.count == 1_115_394)
        #expect(vocabulary.decode(Array(ids.prefix(14))) == "First Citizen:")
        let (train, validation) = TinyShakespeare.split(text)
        #expect(train.unicodeScalars.count == 1_003_854 && validation.unicodeScalars.count == 111_540)
        #expect(train + validation == text)
        // The unigram entropy of the whole text is 3.31 nats per character.
        #expect(abs(vocabulary.unigramLoss(of: ids, frequenciesFrom: ids) - 3.3128) < 0.001)
        let restored = try JSONDecoder().decode(CharacterVocabulary.self, from: JSONEncoder().encode(vocabulary))
        #expect(restored == vocabulary)
    }

    @Test("a truncated gzip file throws a readable error naming the file")
    func truncatedFile() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let imdbFolder = folder.appendingPathComponent("imdb")
        try FileManager.default.createDirectory(at: imdbFolder, withIntermediateDirectories: true)
        let full = Zlib.gzip(Array(String(repeating: "1\t0\t9\tGreat film.\n", count: 5_000).utf8))
        try Data(full.prefix(full.count / 2)).write(to: imdbFolder.appendingPathComponent("imdb_test.tsv.gz"))
        do {
            _ = try IMDB.load(split: .test, dataDirectory: folder)
            Issue.record("a truncated file must not load")
        } catch let error as TextDataError {
            guard case .corruptCompression(let path, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(path.hasSuffix("imdb/imdb_test.tsv.gz"))
            #expect(error.description.contains("imdb_test.tsv.gz: damaged gzip data"))
        }
        // A complete file of the wrong length is rejected by count.
        try Data(full).write(to: imdbFolder.appendingPathComponent("imdb_test.tsv.gz"))
        #expect(throws: TextDataError.unexpectedCount(path: imdbFolder.appendingPathComponent("imdb_test.tsv.gz").path,
                                                      expected: 25_000, found: 5_000)) {
            try IMDB.load(split: .test, dataDirectory: folder)
        }
        #expect(throws: DataSetError.self) { try Reuters.load(split: .train, dataDirectory: folder) }
    }

    @Test("a malformed line names the file and the line")
    func malformedLine() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reutersFolder = folder.appendingPathComponent("reuters")
        try FileManager.default.createDirectory(at: reutersFolder, withIntermediateDirectories: true)
        try Data(Zlib.gzip(Array("3\t1 5 6\n4\t1 x 7\n".utf8))).write(to: reutersFolder.appendingPathComponent("reuters_test.tsv.gz"))
        #expect {
            try Reuters.load(split: .test, dataDirectory: folder)
        } throws: { error in
            String(describing: error).contains("reuters_test.tsv.gz, line 2: token \"x\"")
        }
    }
}
