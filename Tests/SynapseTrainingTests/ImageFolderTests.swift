import Foundation
import SynapseIO
import Testing
@testable import SynapseData
@testable import SynapseTraining

/// Images in class folders: scanning, bilinear resizing with Keras' aspect-ratio
/// options, damaged files, and a model trained through background workers.
@Suite("Image folders")
struct ImageFolderTests {
    /// Writes `images` (path → grey pixels, width, height) as PNG files under a new folder.
    static func folder(_ images: [String: (pixels: [UInt8], width: Int, height: Int)],
                       raw: [String: [UInt8]] = [:]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-images-\(UUID().uuidString)")
        for (path, image) in images {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(PNGEncoder.encode(grayscale: image.pixels, width: image.width, height: image.height)).write(to: url)
        }
        for (path, bytes) in raw {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return root
    }

    @Test("classes are sorted folder names; pixels are 0...255 floats, resized bilinearly with half-pixel centres")
    func scansAndResizes() throws {
        let root = try Self.folder(["b/1.png": ([0, 255], 2, 1), "b/0.png": ([7, 7, 7, 7], 2, 2), "a/x.png": ([9], 1, 1)])
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try ImageFolder(root, size: (1, 4), colorMode: .grayscale)
        #expect(images.classNames == ["a", "b"] && images.labels == [0, 1, 1])
        #expect(images.paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["x.png", "0.png", "1.png"])
        let batch = images.batch(at: [2, 0])
        #expect(batch.x.shape == [2, 1, 4, 1] && batch.y.intScalars == [1, 0])
        // TensorFlow's bilinear resize of [0, 255] to 4 columns.
        #expect(batch.x.scalars == [0, 63.75, 191.25, 255, 9, 9, 9, 9])
        let oneHot = try ImageFolder(root, size: (1, 4), colorMode: .grayscale, labelMode: .oneHot).batch(at: [2, 0])
        #expect(oneHot.y.shape == [2, 2] && oneHot.y.dtype == .float32 && oneHot.y.scalars == [0, 1, 1, 0])
        let rgb = try ImageFolder(root, size: (2, 2), colorMode: .rgb).batch(at: [1])
        #expect(rgb.x.shape == [1, 2, 2, 3] && rgb.x.scalars == [Float](repeating: 7, count: 12))
    }

    @Test("crop and pad to the target aspect ratio, centred, as Keras' options")
    func aspectRatio() throws {
        // 4 wide, 2 high: columns 10, 20, 30, 40.
        let root = try Self.folder(["c/wide.png": ([10, 20, 30, 40, 10, 20, 30, 40], 4, 2)])
        defer { try? FileManager.default.removeItem(at: root) }
        let cropped = try ImageFolder(root, size: (2, 2), colorMode: .grayscale, aspectRatio: .crop).batch(at: [0])
        #expect(cropped.x.scalars == [20, 30, 20, 30])
        let padded = try ImageFolder(root, size: (4, 4), colorMode: .grayscale, aspectRatio: .pad).batch(at: [0])
        #expect(padded.x.scalars == [0, 0, 0, 0, 10, 20, 30, 40, 10, 20, 30, 40, 0, 0, 0, 0])
        let stretched = try ImageFolder(root, size: (2, 2), colorMode: .grayscale).batch(at: [0])
        #expect(stretched.x.scalars == [15, 35, 15, 35])
    }

    @Test("an image of the output size is copied unchanged, whatever the aspect-ratio option")
    func sameSizeIsACopy() throws {
        // 9 wide, 7 high: in floating point 9 / (9 / 7) is 6.999..., which once cropped a row.
        let pixels: [UInt8] = (0..<63).map { UInt8($0 * 4) }
        let root = try Self.folder(["c/odd.png": (pixels, 9, 7)])
        defer { try? FileManager.default.removeItem(at: root) }
        for aspectRatio in [ImageFolder.AspectRatio.stretch, .crop, .pad] {
            let batch = try ImageFolder(root, size: (7, 9), colorMode: .grayscale, aspectRatio: aspectRatio).batch(at: [0])
            #expect(batch.x.shape == [1, 7, 9, 1] && batch.x.scalars == pixels.map(Float.init), "\(aspectRatio)")
        }
        let rgb = try ImageFolder(root, size: (7, 9), colorMode: .rgb).batch(at: [0])
        #expect(rgb.x.scalars == pixels.flatMap { [Float($0), Float($0), Float($0)] })
    }

    @Test("a file that cannot be read is refused with its path and the system's reason")
    func unreadableFile() throws {
        let root = try Self.folder(["k/a.png": ([1, 2, 3, 4], 2, 2)])
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("k/missing.png").path
        #expect(throws: ImageDecodingError.unreadable(path: missing, reason: "No such file or directory")) {
            try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: missing))
        }
        let folder = root.appendingPathComponent("k").path
        #expect(throws: ImageDecodingError.unreadable(path: folder, reason: "Is a directory")) {
            try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: folder))
        }
        let file = root.appendingPathComponent("k/a.png")
        #expect(try ImageDecoder.decode(contentsOf: file).pixels == [1, 2, 3, 4])
    }

    @Test("a damaged file is refused with its path, or skipped and listed")
    func damagedFiles() throws {
        let good = PNGEncoder.encode(grayscale: [1, 2, 3, 4], width: 2, height: 2)
        let root = try Self.folder(["k/good.png": ([1, 2, 3, 4], 2, 2)],
                                   raw: ["k/truncated.png": Array(good.prefix(good.count / 2)), "k/text.png": Array("hello".utf8)])
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            _ = try ImageFolder(root, size: (2, 2))
            Issue.record("a damaged folder was accepted")
        } catch {
            #expect("\(error)".contains(root.appendingPathComponent("k/text.png").path), "\(error)")
        }
        let skipping = try ImageFolder(root, size: (2, 2), skipInvalidFiles: true)
        #expect(skipping.count == 1 && skipping.skipped.count == 2)
        #expect(skipping.skipped.allSatisfy { $0.reason.contains($0.path) })
    }

    @Test("a model trains from an image folder through background workers")
    func trains() throws {
        var images: [String: (pixels: [UInt8], width: Int, height: Int)] = [:]
        for index in 0..<40 {
            let shade = UInt8(20 + index % 7)
            images["dark/\(index).png"] = ((0..<64).map { UInt8($0 % 3) &+ shade }, 8, 8)
            images["light/\(index).png"] = ((0..<64).map { 230 &- UInt8($0 % 3) &- shade / 4 }, 8, 8)
        }
        let root = try Self.folder(images)
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try ImageFolder(root, size: (6, 6), colorMode: .grayscale)
        Random.seed(4)
        let model = Sequential {
            Rescaling(scale: 1.0 / 255)
            Flatten()
            Dense(2, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: 0.05), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let history = model.fit(DataLoader(data, batchSize: 16, shuffle: true, seed: 2, workers: 2), epochs: 6, verbose: 0)
        let evaluation = model.evaluate(DataLoader(data, batchSize: 32, workers: 1))
        #expect((evaluation["accuracy"] ?? 0) > 0.95, "\(evaluation) after \(history.values)")
    }

    @Test("JPEG and PNG files sit side by side in one folder; colour JPEGs become grey or RGB")
    func jpegFiles() throws {
        // A 16 × 8 picture: left half red, right half blue, as a colour JPEG and a grey one.
        let rgb = (0..<(16 * 8)).flatMap { pixel -> [UInt8] in pixel % 16 < 8 ? [200, 30, 30] : [30, 30, 200] }
        let grey = [UInt8](repeating: 90, count: 16 * 8)
        let root = try Self.folder(["png/a.png": ([90, 90, 90, 90], 2, 2)],
                                   raw: ["colour/a.jpg": try JPEGEncoder.encode(rgb, width: 16, height: 8, channels: 3, quality: 95,
                                                                                 subsampling: .none),
                                         "grey/b.JPEG": try JPEGEncoder.encode(grey, width: 16, height: 8, channels: 1)])
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try ImageFolder(root, size: (4, 8), colorMode: .rgb)
        #expect(images.classNames == ["colour", "grey", "png"])
        let batch = images.batch(at: [0, 1, 2])
        #expect(batch.x.shape == [3, 4, 8, 3])
        let values = batch.x.scalars
        func pixel(_ sample: Int, _ row: Int, _ column: Int) -> [Float] {
            let start = ((sample * 4 + row) * 8 + column) * 3
            return Array(values[start..<(start + 3)])
        }
        // JPEG is lossy: within a few levels of the drawn colours.
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 6 } }
        #expect(close(pixel(0, 1, 0), [200, 30, 30]) && close(pixel(0, 2, 7), [30, 30, 200]), "\(pixel(0, 1, 0)) \(pixel(0, 2, 7))")
        #expect(close(pixel(1, 3, 3), [90, 90, 90]) && pixel(2, 0, 0) == [90, 90, 90])
        let greyscale = try ImageFolder(root, size: (4, 8), colorMode: .grayscale).batch(at: [0])
        // BT.601 luma of the red half: 0.299·200 + 0.587·30 + 0.114·30.
        #expect(abs(greyscale.x.scalars[0] - 80.8) <= 5, "\(greyscale.x.scalars[0])")
    }

    @Test("ImageFolder.write lays out class folders that read back to the same pixels and labels")
    func writesFolders() throws {
        let x = Tensor((0..<(5 * 3 * 2)).map { Float($0 % 11) / 10 }, shape: [5, 3, 2, 1])
        let y = Tensor(int32: [2, 0, 2, 1, 0], shape: [5])
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-write-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try ImageFolder.write(x, labels: y, to: root, classNames: ["zero", "one", "two"]) == 5)
        let images = try ImageFolder(root, size: (3, 2), colorMode: .grayscale)
        #expect(images.classNames == ["one", "two", "zero"])
        #expect(images.paths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["3.png", "0.png", "2.png", "1.png", "4.png"])
        // Back in sample order 0...4: labels by name, pixels rounded to bytes.
        let names = ["zero", "one", "two"]
        let order = [1, 3, 2, 0, 4]   // data-set position of samples 0...4
        let batch = images.batch(at: order)
        #expect(batch.y.intScalars.map { images.classNames[Int($0)] } == y.intScalars.map { names[Int($0)] })
        #expect(zip(batch.x.scalars, x.scalars).allSatisfy { abs($0 / 255 - $1) < 0.5 / 255 + 1e-6 })
    }
}
