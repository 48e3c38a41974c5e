import Foundation
import Testing
@testable import SynapseData

@Suite("PimaDiabetes and DataDirectory")
struct PimaDiabetesTests {
    @Test("the bundled file loads as features [768, 8] and labels [768, 1]")
    func load() throws {
        let (x, y) = try PimaDiabetes.load()
        #expect(x.shape == [768, 8] && x.dtype == .float32)
        #expect(y.shape == [768, 1] && y.dtype == .float32)
        #expect(Array(x.scalars.prefix(8)) == [6, 148, 72, 35, 0, 33.6, 0.627, 50])
        let labels = y.scalars
        #expect(labels.filter { $0 == 1 }.count == 268 && labels.filter { $0 == 0 }.count == 500)
        // Column means from Data/pima/README.md.
        let means = x.mean(alongAxis: 0).scalars
        let expected: [Float] = [3.845, 120.895, 69.105, 20.536, 79.799, 31.993, 0.472, 33.241]
        for (mean, reference) in zip(means, expected) { #expect(abs(mean - reference) < 0.001 * max(1, reference)) }
    }

    @Test("a missing data folder is reported with the full path and the way to fix it")
    func missing() throws {
        let folder = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)")
        let error = #expect(throws: DataSetError.self) { try PimaDiabetes.load(dataDirectory: folder) }
        let path = folder.appendingPathComponent("pima/pima-indians-diabetes.data.csv").path
        #expect(error == .missingFile(dataSet: "Pima Indians Diabetes", path: path))
        #expect(error?.description.contains(path) == true && error?.description.contains("SYNAPSE_DATA_DIR") == true)
    }

    @Test("a truncated file is reported as the wrong shape")
    func truncated() throws {
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("pima"), withIntermediateDirectories: true)
        try Data("6,148,72,35,0,33.6,0.627,50,1\n".utf8).write(to: PimaDiabetes.fileURL(dataDirectory: folder))
        let error = #expect(throws: DataSetError.self) { try PimaDiabetes.load(dataDirectory: folder) }
        #expect(error?.description.contains("has shape [1, 9], expected [768, 9]") == true)
    }

    @Test("SYNAPSE_DATA_DIR wins over the search")
    func environmentOverride() {
        let url = DataDirectory.resolve(environment: ["SYNAPSE_DATA_DIR": "/srv/data"], currentDirectory: URL(fileURLWithPath: "/tmp"))
        #expect(url.path == "/srv/data")
        let relative = DataDirectory.resolve(environment: ["SYNAPSE_DATA_DIR": "sets"], currentDirectory: URL(fileURLWithPath: "/work/x"))
        #expect(relative.path == "/work/x/sets")
    }

    @Test("the search walks up from the current folder to the nearest Data/")
    func walksUp() throws {
        let root = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let nested = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/Data"), withIntermediateDirectories: true)
        let found = DataDirectory.resolve(environment: [:], currentDirectory: nested)
        #expect(found.standardizedFileURL.path == root.appendingPathComponent("a/Data").standardizedFileURL.path)
    }

    @Test("An installed binary finds PREFIX/share/synapse from any folder, through symbolic links; the environment still wins")
    func installedPrefix() throws {
        let root = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let prefix = root.appendingPathComponent("prefix")
        let share = prefix.appendingPathComponent("share/synapse")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/synapse")
        try Data().write(to: binary)
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere.appendingPathComponent("Data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("links"), withIntermediateDirectories: true)
        let link = root.appendingPathComponent("links/synapse")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: binary)

        let viaBinary = DataDirectory.resolve(environment: [:], currentDirectory: elsewhere, executable: binary)
        #expect(viaBinary.standardizedFileURL.path == share.standardizedFileURL.path)
        let viaLink = DataDirectory.resolve(environment: [:], currentDirectory: elsewhere, executable: link)
        #expect(viaLink.standardizedFileURL.path == share.standardizedFileURL.path)
        let overridden = DataDirectory.resolve(environment: ["SYNAPSE_DATA_DIR": "/srv/data"], currentDirectory: elsewhere, executable: binary)
        #expect(overridden.path == "/srv/data")
        // A build folder's binary has no share/synapse beside it: the Data/ search goes on.
        let built = DataDirectory.resolve(environment: [:], currentDirectory: elsewhere,
                                          executable: root.appendingPathComponent(".build/release/synapse"))
        #expect(built.standardizedFileURL.path == elsewhere.appendingPathComponent("Data").standardizedFileURL.path)
    }

    @Test("A missing data set's error names --data-dir, SYNAPSE_DATA_DIR and the installed folder")
    func missingFileAdvice() {
        let message = DataSetError.missingFile(dataSet: "Pima Indians Diabetes", path: "/nowhere/pima/x.csv").description
        #expect(message.contains("/nowhere/pima/x.csv") && message.contains("--data-dir")
                && message.contains("SYNAPSE_DATA_DIR") && message.contains("share/synapse"))
    }

    @Test("the repository's Data/ is the default when tests run from the package")
    func defaultIsRepository() {
        let url = DataDirectory.default
        #expect(FileManager.default.fileExists(atPath: PimaDiabetes.fileURL(dataDirectory: url).path))
    }
}
