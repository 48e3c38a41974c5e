import Testing
@testable import SynapsePlot

@Suite("RasterImage")
struct RasterImageTests {
    /// Pixels that differ from the white background.
    static func inked(_ image: RasterImage) -> [(x: Int, y: Int)] {
        var result: [(Int, Int)] = []
        for y in 0..<image.height { for x in 0..<image.width where image[x, y] != .white { result.append((x, y)) } }
        return result
    }

    @Test("a new canvas is filled with its background")
    func background() {
        let image = RasterImage(width: 3, height: 2, background: Color(rgb: 0x102030))
        #expect(image.pixels == [UInt8](repeating: 0, count: 0) + (0..<6).flatMap { _ in [0x10, 0x20, 0x30, 255] as [UInt8] })
    }

    @Test("a whole-pixel rectangle fills exactly its pixels")
    func fillRectExact() {
        var image = RasterImage(width: 10, height: 10)
        image.fillRect(x: 2, y: 3, width: 4, height: 2, color: .black)
        let inked = Self.inked(image)
        #expect(inked.count == 8)
        #expect(inked.allSatisfy { (2..<6).contains($0.x) && (3..<5).contains($0.y) && image[$0.x, $0.y] == .black })
    }

    @Test("half-covered edge pixels are blended halfway")
    func fillRectFractional() {
        var image = RasterImage(width: 4, height: 1)
        image.fillRect(x: 0.5, y: 0, width: 1, height: 1, color: .black)
        #expect(image[0, 0] == Color(rgb: 0x808080) || image[0, 0] == Color(rgb: 0x7F7F7F))
        #expect(image[1, 0] == image[0, 0])
        #expect(image[2, 0] == .white)
    }

    @Test("alpha blends source over destination")
    func alphaBlend() {
        var image = RasterImage(width: 1, height: 1, background: Color(rgb: 0x0000FF))
        image.blend(x: 0, y: 0, color: Color(rgb: 0xFF0000, alpha: 128))
        let pixel = image[0, 0]
        #expect(pixel.red == 128 && pixel.blue == 127 && pixel.alpha == 255)
    }

    @Test("a horizontal line of thickness 3 is three pixels tall and reaches both ends")
    func thickLine() {
        var image = RasterImage(width: 40, height: 20)
        image.drawLine(from: Point(x: 5, y: 10.5), to: Point(x: 35, y: 10.5), color: .black, thickness: 3)
        for x in 6..<35 {
            #expect(image[x, 9] == .black && image[x, 10] == .black && image[x, 11] == .black, "column \(x)")
            #expect(image[x, 7] == .white && image[x, 13] == .white, "column \(x)")
        }
    }

    @Test("a diagonal line is continuous and anti-aliased")
    func diagonalLine() {
        var image = RasterImage(width: 50, height: 50)
        image.drawLine(from: Point(x: 5, y: 5), to: Point(x: 45, y: 30), color: .black, thickness: 1)
        var partial = 0
        for x in 6..<44 {
            let column = (0..<50).map { image[x, $0] }.filter { $0 != .white }
            #expect(!column.isEmpty, "gap at column \(x)")
            partial += column.filter { $0 != .black }.count
        }
        #expect(partial > 20, "edges should be blended, not jagged")
    }

    @Test("a disk covers the pixels within its radius")
    func disk() {
        var image = RasterImage(width: 21, height: 21)
        image.fillCircle(center: Point(x: 10.5, y: 10.5), radius: 5, color: .black)
        #expect(image[10, 10] == .black && image[14, 10] == .black && image[10, 6] == .black)
        #expect(image[10, 17] == .white && image[3, 10] == .white && image[14, 14] == .white)
        let area = Self.inked(image).count
        #expect(abs(Double(area) - Double.pi * 25) < 25)
    }

    @Test("drawing outside the canvas or with non-finite coordinates is ignored")
    func outside() {
        var image = RasterImage(width: 8, height: 8)
        image.drawLine(from: Point(x: -100, y: -100), to: Point(x: -50, y: -20), color: .black, thickness: 4)
        image.drawLine(from: Point(x: .nan, y: 0), to: Point(x: 4, y: 4), color: .black)
        image.fillCircle(center: Point(x: .infinity, y: 2), radius: 3, color: .black)
        image.fillRect(x: 100, y: 100, width: 10, height: 10, color: .black)
        image[-1, 3] = .black
        image.drawText("far away", at: Point(x: 1000, y: -1000), color: .black)
        #expect(Self.inked(image).isEmpty)
        #expect(image[-1, 3] == .clear)
    }

    @Test("a clip rectangle limits drawing to its inside")
    func clipping() {
        var image = RasterImage(width: 20, height: 20)
        image.clip = Rect(x: 5, y: 5, width: 10, height: 10)
        image.fillRect(x: 0, y: 0, width: 20, height: 20, color: .black)
        #expect(Self.inked(image).count == 100)
    }

    @Test("text at scale 2 is as wide as the font metrics say and sits on its baseline")
    func textMetrics() {
        var image = RasterImage(width: 100, height: 40)
        image.drawText("HM", at: Point(x: 10, y: 20), color: .black, scale: 2)
        let inked = Self.inked(image)
        #expect(inked.map(\.x).min() == 10)
        #expect(inked.map(\.x).max() == 10 + BitmapFont.width(of: "HM", scale: 2) - 1)
        #expect(inked.map(\.y).min() == 20 - 14)
        #expect(inked.map(\.y).max() == 19)
    }

    @Test("middle- and end-anchored text is centred on and ends at its anchor")
    func anchors() {
        var middle = RasterImage(width: 100, height: 20)
        middle.drawText("ABCD", at: Point(x: 50, y: 15), color: .black, anchor: .middle)
        let xs = Self.inked(middle).map(\.x)
        #expect(abs((xs.min()! + xs.max()! + 1) / 2 - 50) <= 1)
        var end = RasterImage(width: 100, height: 20)
        end.drawText("ABCD", at: Point(x: 50, y: 15), color: .black, anchor: .end)
        #expect(Self.inked(end).map(\.x).max() == 49)
    }

    @Test("vertical text runs upwards from its anchor")
    func verticalText() {
        var image = RasterImage(width: 40, height: 100)
        image.drawText("LONG", at: Point(x: 20, y: 80), color: .black, orientation: .vertical)
        let inked = Self.inked(image)
        #expect(inked.map(\.y).max() == 79)
        #expect(inked.map(\.y).min() == 80 - BitmapFont.width(of: "LONG"))
        #expect(inked.map(\.x).min()! >= 20 - BitmapFont.capHeight && inked.map(\.x).max()! < 20)
    }

    @Test("an all-grey image is written as grayscale PNG, a coloured one as RGBA")
    func pngColourType() throws {
        var gray = RasterImage(width: 8, height: 8)
        gray.fillRect(x: 2, y: 2, width: 3, height: 3, color: Color(rgb: 0x404040))
        let grayPNG = try PNGReader(gray.png())
        #expect(grayPNG.channels == 1)
        #expect(grayPNG.rgbaPixels == gray.pixels)
        var colour = gray
        colour[1, 1] = Color(rgb: 0xFF0000)
        let colourPNG = try PNGReader(colour.png())
        #expect(colourPNG.channels == 4)
        #expect(colourPNG.pixels == colour.pixels)
    }
}
