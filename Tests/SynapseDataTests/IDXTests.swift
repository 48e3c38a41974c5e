import Foundation
import SynapseIO
import Testing
@testable import SynapseData

/// Hand-built IDX files: big-endian magic `0, 0, type, rank`, the dimensions as
/// big-endian UInt32, then the elements.
private enum IDXBytes {
    static func file(dimensions: [Int], elements: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for dimension in dimensions {
            bytes += [UInt8(dimension >> 24 & 0xFF), UInt8(dimension >> 16 & 0xFF), UInt8(dimension >> 8 & 0xFF), UInt8(dimension & 0xFF)]
        }
        return bytes + elements
    }

    /// Two 2×3 images with pixels 0, 51, ..., 255 and their labels 7 and 2.
    static let images = file(dimensions: [2, 2, 3], elements: [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 128])
    static let labels = file(dimensions: [2], elements: [7, 2])
}

/// A temporary data directory holding `<folder>/t10k-{images,labels}` files; removed by `remove()`.
private struct TemporaryDataDirectory {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("synapse-idx-\(UUID().uuidString)", isDirectory: true)

    func write(_ bytes: [UInt8], to name: String, folder: String = "mnist") throws -> URL {
        let folderURL = url.appendingPathComponent(folder, isDirectory: true)
        try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
        let file = folderURL.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file
    }

    /// Writes gzipped test-split files.
    func writeTestSplit(images: [UInt8], labels: [UInt8]) throws {
        _ = try write(Zlib.gzip(images), to: "t10k-images-idx3-ubyte.gz")
        _ = try write(Zlib.gzip(labels), to: "t10k-labels-idx1-ubyte.gz")
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite("IDX files and the MNIST loader")
struct IDXTests {
    // MARK: Parsing

    @Test("a raw IDX file gives its dimensions and bytes")
    func parsesRaw() throws {
        let file = try IDXFile(fileBytes: IDXBytes.images, path: "images.idx")
        #expect(file.dimensions == [2, 2, 3])
        #expect(file.bytes == [0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 128])
        let labels = try IDXFile(fileBytes: IDXBytes.labels, path: "labels.idx")
        #expect(labels.dimensions == [2] && labels.bytes == [7, 2])
        let large = try IDXFile(fileBytes: IDXBytes.file(dimensions: [300], elements: [UInt8](repeating: 9, count: 300)), path: "x")
        #expect(large.dimensions == [300], "dimensions are big-endian over four bytes")
    }

    @Test("a gzipped IDX file is decompressed transparently")
    func parsesGzip() throws {
        let gzipped = Zlib.gzip(IDXBytes.images)
        #expect(gzipped[0] == 0x1F && gzipped[1] == 0x8B)
        let file = try IDXFile(fileBytes: gzipped, path: "images.idx.gz")
        #expect(file.dimensions == [2, 2, 3])
        #expect(file.bytes == (try IDXFile(fileBytes: IDXBytes.images, path: "raw")).bytes)
    }

    @Test("data shorter or longer than the header promises is refused, naming both lengths")
    func wrongLength() {
        #expect(throws: IDXError.wrongLength(path: "short.idx", expected: 12, found: 11)) {
            try IDXFile(fileBytes: Array(IDXBytes.images.dropLast()), path: "short.idx")
        }
        #expect(throws: IDXError.wrongLength(path: "long.idx", expected: 2, found: 3)) {
            try IDXFile(fileBytes: IDXBytes.labels + [1], path: "long.idx")
        }
        let description = IDXError.wrongLength(path: "short.idx", expected: 12, found: 11).description
        #expect(description.contains("short.idx") && description.contains("12") && description.contains("11"))
    }

    @Test("a bad magic number, element type, rank or cut header is refused", arguments: [
        ("magic", [0x01, 0, 0x08, 1, 0, 0, 0, 1, 5], "magic number"),
        ("magic second byte", [0, 0x02, 0x08, 1, 0, 0, 0, 1, 5], "magic number"),
        ("float elements", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], "element type 0x0d"),
        ("int32 elements", [0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 0, 5], "element type 0x0c"),
        ("rank 0", [0, 0, 0x08, 0], "0 dimensions"),
        ("rank 5", [0, 0, 0x08, 5] + [UInt8](repeating: 0, count: 20), "5 dimensions"),
        ("cut header", [0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0], "cut short"),
        ("three bytes", [0, 0, 0x08], "only 3 bytes"),
        ("empty", [], "only 0 bytes"),
    ] as [(String, [UInt8], String)])
    func badHeader(label: String, bytes: [UInt8], reason: String) {
        do {
            _ = try IDXFile(fileBytes: bytes, path: "bad.idx")
            Issue.record("\(label): accepted")
        } catch let error as IDXError {
            guard case .badHeader(let path, let message) = error else {
                Issue.record("\(label): \(error)")
                return
            }
            #expect(path == "bad.idx")
            #expect(message.contains(reason), "\(label): \(message)")
            #expect(error.description.hasPrefix("bad.idx: not an IDX file"))
        } catch {
            Issue.record("\(label): unexpected error \(error)")
        }
    }

    @Test("damaged gzip data (a flipped bit, a truncated stream) is reported as corrupt compression")
    func damagedGzip() {
        let gzipped = Zlib.gzip(IDXBytes.file(dimensions: [64, 16], elements: (0..<1024).map { UInt8($0 % 251) }))
        var flipped = gzipped
        flipped[gzipped.count / 2] ^= 0x10
        var truncated = gzipped
        truncated.removeLast(12)
        for (label, bytes) in [("bit flip", flipped), ("truncated", truncated), ("header only", Array(gzipped.prefix(10)))] {
            do {
                _ = try IDXFile(fileBytes: bytes, path: "data.gz")
                Issue.record("\(label): accepted")
            } catch let error as IDXError {
                guard case .corruptCompression(let path, _) = error else {
                    Issue.record("\(label): \(error)")
                    continue
                }
                #expect(path == "data.gz")
                #expect(error.description.contains("data.gz: damaged gzip data"))
            } catch {
                Issue.record("\(label): unexpected error \(error)")
            }
        }
    }

    @Test("an unreadable file is reported with its path")
    func unreadable() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-no-such-\(UUID().uuidString).idx")
        do {
            _ = try IDXFile(contentsOf: missing)
            Issue.record("a missing file was read")
        } catch let error as IDXError {
            guard case .unreadable(let path, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path == missing.path && error.description.contains(missing.path))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    // MARK: The MNIST loader on hand-built files

    @Test("the loader turns IDX files into NHWC images in [0, 1] and int32 labels")
    func loadsHandBuiltSplit() throws {
        let directory = TemporaryDataDirectory()
        defer { directory.remove() }
        try directory.writeTestSplit(images: IDXBytes.images, labels: IDXBytes.labels)
        let (images, labels) = try MNIST.load(split: .test, dataDirectory: directory.url)
        #expect(images.shape == [2, 2, 3, 1] && images.dtype == .float32)
        let expected: [Float] = [0, 0.2, 0.4, 0.6, 0.8, 1, 1, 0, 0, 0, 0, 128 / 255]
        #expect(zip(images.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        #expect(labels.dtype == .int32 && labels.shape == [2] && labels.intScalars == [7, 2])
        let first = try MNIST.load(split: .test, dataDirectory: directory.url, limit: 1)
        #expect(first.images.shape == [1, 2, 3, 1] && first.labels.intScalars == [7])
        #expect(first.images.scalars == Array(images.scalars.prefix(6)))
    }

    @Test("images and labels of different counts are refused, naming the labels file")
    func countMismatch() throws {
        let directory = TemporaryDataDirectory()
        defer { directory.remove() }
        try directory.writeTestSplit(images: IDXBytes.images, labels: IDXBytes.file(dimensions: [3], elements: [1, 2, 3]))
        do {
            _ = try MNIST.load(split: .test, dataDirectory: directory.url)
            Issue.record("a count mismatch was accepted")
        } catch let error as IDXError {
            guard case .unexpectedDimensions(let path, _, let found) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path.hasSuffix("mnist/t10k-labels-idx1-ubyte.gz") && found == [3])
        }
    }

    @Test("images that are not [count, rows, columns] and labels beyond the classes are refused")
    func wrongContents() throws {
        let directory = TemporaryDataDirectory()
        defer { directory.remove() }
        try directory.writeTestSplit(images: IDXBytes.file(dimensions: [2, 6], elements: [UInt8](repeating: 0, count: 12)),
                                     labels: IDXBytes.labels)
        #expect(throws: IDXError.self) { try MNIST.load(split: .test, dataDirectory: directory.url) }
        try directory.writeTestSplit(images: IDXBytes.images, labels: IDXBytes.file(dimensions: [2], elements: [3, 10]))
        do {
            _ = try MNIST.load(split: .test, dataDirectory: directory.url)
            Issue.record("label 10 was accepted for ten classes")
        } catch let error as IDXError {
            #expect(error.description.contains("label 10"))
        }
    }

    @Test("a missing file names the data set and the path it looked at")
    func missingFile() throws {
        let directory = TemporaryDataDirectory()
        defer { directory.remove() }
        _ = try directory.write(Zlib.gzip(IDXBytes.images), to: "t10k-images-idx3-ubyte.gz")
        let expectedPath = directory.url.appendingPathComponent("mnist/t10k-labels-idx1-ubyte.gz").path
        #expect(throws: DataSetError.missingFile(dataSet: "MNIST", path: expectedPath)) {
            try MNIST.load(split: .test, dataDirectory: directory.url)
        }
        #expect(DataSetError.missingFile(dataSet: "MNIST", path: expectedPath).description.contains(expectedPath))
        #expect(throws: DataSetError.self) { try FashionMNIST.load(split: .train, dataDirectory: directory.url) }
    }

    // MARK: The bundled data

    @Test("the bundled MNIST test split loads: [100, 28, 28, 1] in [0, 1], labels 0...9, the first a 7")
    func bundledMNIST() throws {
        let (images, labels) = try MNIST.load(split: .test, limit: 100)
        #expect(images.shape == [100, 28, 28, 1] && images.dtype == .float32)
        let pixels = images.scalars
        #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(pixels.contains(1) && pixels.contains(0), "MNIST pixels span the whole byte range")
        #expect(labels.shape == [100] && labels.dtype == .int32)
        let values = labels.intScalars
        #expect(values.allSatisfy { (0...9).contains($0) })
        #expect(values.first == 7)
        #expect(Set(values).count == 10, "the first 100 test digits include every class")
        // The 7's strokes are in the middle of the image, the corners are blank.
        #expect(pixels[0] == 0 && pixels[27] == 0 && pixels[783] == 0)
        #expect(pixels[0..<784].reduce(0, +) > 50)
    }
}
