import Foundation
import SynapseCore
import Testing
import SynapseIO
@testable import SynapsePlot

/// Runs `scripts/check_png.py`, a PNG decoder written with Python's standard library
/// alone (zlib + struct), so the grids are checked by code that shares nothing with
/// Synapse's encoder or the Swift test reader.
enum IndependentPNGDecoder {
    struct Decoded: Decodable {
        let width: Int
        let height: Int
        let channels: Int
        let pixels: [Int]

        /// The channels of pixel (x, y).
        func pixel(_ x: Int, _ y: Int) -> [Int] {
            let start = (y * width + x) * channels
            return Array(pixels[start..<(start + channels)])
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let script = repositoryRoot.appendingPathComponent("scripts/check_png.py")

    /// `python3` on the PATH, if any.
    static let python: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static var isAvailable: Bool { python != nil && FileManager.default.fileExists(atPath: script.path) }

    /// Writes `bytes` to a temporary file and decodes it with the script.
    static func decode(_ bytes: [UInt8]) throws -> Decoded {
        let python = try #require(python)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-grid-\(UUID().uuidString).png")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path, "--json", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check_png.py rejected the file: \(message)")
        return try JSONDecoder().decode(Decoded.self, from: data)
    }
}

@Suite("ImageGrid PNGs decoded by an independent decoder (scripts/check_png.py)",
       .enabled(if: IndependentPNGDecoder.isAvailable, "python3 is not on the PATH; the independent PNG check is skipped"))
struct ImageGridDecoderTests {
    @Test("a grayscale batch tensor of 5 tiles, 3 per row, decodes to the drawn pixels")
    func grayscaleBatch() throws {
        // Tile t (4 wide, 3 high) holds (t · 12 + pixel index) / 255, so every byte differs.
        let (count, width, height) = (5, 4, 3)
        let values = (0..<(count * width * height)).map { Float($0) / 255 }
        let batch = Tensor(values, shape: [count, height, width, 1])
        let grid = try ImageGrid(images: batch, columns: 3, padding: 1)
        let decoded = try IndependentPNGDecoder.decode(grid.png())
        #expect(decoded.channels == 1, "grayscale tiles give a grayscale PNG")
        #expect(decoded.width == 1 + 3 * (width + 1) && decoded.height == 1 + 2 * (height + 1))
        var mismatches: [String] = []
        for tile in 0..<count {
            let (left, top) = (1 + (tile % 3) * (width + 1), 1 + (tile / 3) * (height + 1))
            for y in 0..<height {
                for x in 0..<width {
                    let expected = tile * width * height + y * width + x
                    let got = decoded.pixel(left + x, top + y)[0]
                    if got != expected { mismatches.append("tile \(tile) (\(x), \(y)): \(got) ≠ \(expected)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(4))")
        // The sixth cell of the second row is empty: background.
        let emptyCell: Int = decoded.pixel(1 + 2 * (width + 1), 2 + height)[0]
        let corner: Int = decoded.pixel(0, 0)[0]
        #expect(emptyCell == 255)
        #expect(corner == 255, "padding is background")
    }

    @Test("RGB tiles scaled ×2 with labels decode to their colours, with dark label text under each tile")
    func rgbWithLabels() throws {
        let colours: [[Float]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0.2, 0.4, 0.6], [0, 1, 1], [1, 0, 1]]
        let tiles = colours.enumerated().map { index, colour in
            ImageGrid.Tile(pixels: Array((0..<36).map { colour[$0 % 3] }), width: 6, height: 2, channels: 3,
                           label: "\(index)")
        }
        let grid = try ImageGrid(tiles: tiles, columns: 4, padding: 2, scale: 2)
        let decoded = try IndependentPNGDecoder.decode(grid.png())
        #expect(decoded.channels == 4 || decoded.channels == 3, "colour tiles give a colour PNG")
        let cellWidth = 12
        #expect(decoded.width == 2 + 4 * (cellWidth + 2))
        // Rows: tile (4 px) + label row + padding, twice; the label makes each row taller than the tile.
        let rowHeight = (decoded.height - 2) / 2
        #expect(rowHeight > 4 + 2, "labels add height (row height \(rowHeight))")
        for (index, colour) in colours.enumerated() {
            let (left, top) = (2 + (index % 4) * (cellWidth + 2), 2 + (index / 4) * rowHeight)
            let expected: [Int] = colour.map { value in Int((value * 255).rounded()) }
            for (x, y) in [(0, 0), (11, 3), (5, 2)] {
                let rgb: [Int] = Array(decoded.pixel(left + x, top + y).prefix(3))
                #expect(rgb == expected, "tile \(index) at (\(x), \(y))")
            }
            var labelArea: [Int] = []
            for y in (top + 4)..<(top + rowHeight - 2) {
                for x in left..<(left + cellWidth) { labelArea.append(decoded.pixel(x, y)[0]) }
            }
            #expect(labelArea.contains { $0 < 128 }, "label of tile \(index) is drawn")
        }
    }

    @Test("a flat MNIST-like batch [N, 784] becomes 28×28 grayscale tiles")
    func flatBatch() throws {
        var generator = RandomGenerator(seed: 8)
        let batch = Tensor.randomUniform([3, 784], generator: &generator)
        let grid = try ImageGrid(images: batch, width: 28, height: 28, columns: 3, padding: 0)
        let decoded = try IndependentPNGDecoder.decode(grid.png())
        #expect(decoded.width == 84 && decoded.height == 28 && decoded.channels == 1)
        let values = batch.scalars
        let expected = values[784 + 28 * 5 + 7]   // sample 1, row 5, column 7
        let expectedByte = Int((expected * 255).rounded())
        let decodedByte: Int = decoded.pixel(35, 5)[0]
        #expect(decodedByte == expectedByte)
    }
}
