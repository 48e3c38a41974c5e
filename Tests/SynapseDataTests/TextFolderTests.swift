import Foundation
import Testing
@testable import SynapseData

@Suite("Text folders")
struct TextFolderTests {
    /// A folder with classes "pos" and "neg" (written in that order), a hidden file,
    /// a file of another extension and a folder without texts.
    static func makeFolder(invalid: Bool = false) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-texts-\(UUID().uuidString)")
        let files: [String: [UInt8]] = [
            "pos/b.txt": Array("great film".utf8), "pos/a.txt": Array("héllo — ünïcode".utf8),
            "neg/1.TXT": Array("dull".utf8), "neg/.hidden.txt": Array("skip me".utf8),
            "neg/notes.md": Array("not a text sample".utf8), "empty/readme.json": Array("{}".utf8),
        ].merging(invalid ? ["neg/bad.txt": [0x61, 0x62, 0xC3, 0x28]] : [:]) { $1 }
        for (path, bytes) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    @Test("classes are the sorted subfolder names; files are read in sorted order as UTF-8")
    func loads() throws {
        let root = try Self.makeFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try TextFolder.load(root)
        #expect(folder.classNames == ["neg", "pos"])
        #expect(folder.texts.texts == ["dull", "héllo — ünïcode", "great film"])
        #expect(folder.texts.labels == [0, 1, 1])
        #expect(folder.paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["1.TXT", "a.txt", "b.txt"])
        #expect(folder.skipped.isEmpty)
        let markdown = try TextFolder.load(root, extensions: ["md"])
        #expect(markdown.classNames == ["neg"] && markdown.texts.texts == ["not a text sample"])
    }

    @Test("a file that is not UTF-8 is refused with its path and offset, or skipped and listed")
    func invalidFiles() throws {
        let root = try Self.makeFolder(invalid: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let bad = root.appendingPathComponent("neg/bad.txt").path
        #expect(throws: TextDataError.invalidUTF8(path: bad, offset: 2)) { try TextFolder.load(root) }
        let folder = try TextFolder.load(root, skipInvalidFiles: true)
        #expect(folder.texts.count == 3)
        #expect(folder.skipped.map(\.path) == [bad])
        #expect(folder.skipped.first?.reason.contains("invalid byte at offset 2") == true)
    }

    @Test("a folder without class subfolders says what layout it expects")
    func noClasses() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-texts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("loose".utf8).write(to: root.appendingPathComponent("a.txt"))
        #expect(throws: TextDataError.noClassFolders(path: root.path, extensions: ["txt"])) { try TextFolder.load(root) }
        #expect(TextDataError.noClassFolders(path: "/r", extensions: ["txt"]).description.contains("/r/CLASS_NAME/FILE"))
    }

    @Test("a validation split keeps the first share for training")
    func split() {
        let texts = LabeledTexts(texts: (0..<10).map(String.init), labels: Array(0..<10))
        let (train, validation) = texts.split(validationFraction: 0.3)
        #expect(train.texts == (0..<7).map(String.init) && validation.labels == [7, 8, 9])
    }
}
