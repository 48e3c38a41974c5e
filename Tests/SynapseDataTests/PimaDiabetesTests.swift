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

    @Test("the repository's Data/ is the default when tests run from the package")
    func defaultIsRepository() {
        let url = DataDirectory.default
        #expect(FileManager.default.fileExists(atPath: PimaDiabetes.fileURL(dataDirectory: url).path))
    }
}
