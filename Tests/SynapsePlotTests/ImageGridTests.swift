import Testing
@testable import SynapsePlot

@Suite("ImageGrid")
struct ImageGridTests {
    @Test("tiles land in row-major cells with padding between them")
    func layout() throws {
        // Four 2×2 grayscale tiles of constant value, 3 per row, padding 1, scale 1.
        let values: [Float] = [0, 0.2, 0.6, 1]
        let grid = try ImageGrid(images: values.map { [Float](repeating: $0, count: 4) }, width: 2, height: 2,
                                 columns: 3, padding: 1)
        let image = try PNGReader(grid.png())
        #expect(image.channels == 1)
        #expect(image.width == 1 + 3 * 3 && image.height == 1 + 2 * 3)
        func gray(_ x: Int, _ y: Int) -> UInt8 { image.rgba(x: x, y: y)[0] }
        #expect(gray(1, 1) == 0 && gray(2, 2) == 0)
        #expect(gray(4, 1) == 51)
        #expect(gray(7, 2) == 153)
        #expect(gray(1, 4) == 255 && gray(0, 0) == 255)
        #expect(gray(3, 1) == 255, "padding stays background")
    }

    @Test("RGB tiles keep their colours and scale by whole pixels")
    func rgbScaled() throws {
        let red: [Float] = [1, 0, 0]
        let grid = try ImageGrid(tiles: [ImageGrid.Tile(pixels: red, width: 1, height: 1, channels: 3)], padding: 0, scale: 3)
        let image = try PNGReader(grid.png())
        #expect(image.width == 3 && image.height == 3)
        #expect((0..<9).allSatisfy { image.rgba(x: $0 % 3, y: $0 / 3) == [255, 0, 0, 255] })
    }

    @Test("values outside [0, 1] are clamped and NaN reads as black")
    func clamping() throws {
        let grid = try ImageGrid(images: [[-1, 2, .nan, 0.5]], width: 4, height: 1, padding: 0)
        let image = try PNGReader(grid.png())
        #expect((0..<4).map { image.rgba(x: $0, y: 0)[0] } == [0, 255, 0, 128])
    }

    @Test("labels add a text row under each tile")
    func labels() throws {
        let plain = try ImageGrid(images: [[Float](repeating: 0, count: 64)], width: 8, height: 8)
        let labelled = try ImageGrid(images: [[Float](repeating: 0, count: 64)], width: 8, height: 8, labels: ["7"])
        let (a, b) = (try PNGReader(plain.png()), try PNGReader(labelled.png()))
        #expect(b.height > a.height && b.width == a.width)
        let textRow = (0..<b.width).flatMap { x in (a.height - 2..<b.height).map { b.rgba(x: x, y: $0)[0] } }
        #expect(textRow.contains { $0 < 128 }, "the label is drawn")
    }

    @Test("a tile whose pixel count does not match its size is rejected with a readable error")
    func invalid() {
        #expect(throws: PlotError.invalidTile(index: 1, reason: "3 values for 2×2×1 (expected 4)")) {
            try ImageGrid(images: [[0, 0, 0, 0], [0, 0, 0]], width: 2, height: 2)
        }
        #expect(throws: PlotError.self) { try ImageGrid(images: [[0]], width: 1, height: 1, channels: 2) }
        #expect(throws: PlotError.self) { try ImageGrid(images: [[0]], width: 1, height: 1, labels: ["a", "b"]) }
        let error = PlotError.invalidTile(index: 1, reason: "3 values for 2×2×1 (expected 4)")
        #expect(error.description == "image tile 1: 3 values for 2×2×1 (expected 4)")
    }

    @Test("an empty grid gives a valid one-pixel image")
    func empty() throws {
        let grid = try ImageGrid(tiles: [])
        let image = try PNGReader(grid.png())
        #expect(image.width == 1 && image.height == 1)
        #expect(SVGChecker(grid.svg()).isWellFormed)
    }
}
