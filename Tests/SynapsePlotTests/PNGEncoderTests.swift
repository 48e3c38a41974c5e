import SynapseIO
import Testing
@testable import SynapsePlot

@Suite("PNGEncoder")
struct PNGEncoderTests {
    /// A pattern that exercises every filter: gradients, noise-like values and flat runs.
    static func pattern(width: Int, height: Int, channels: Int) -> [UInt8] {
        var state: UInt32 = 12345
        return (0..<(width * height * channels)).map { index in
            let (pixel, channel) = (index / channels, index % channels)
            let (x, y) = (pixel % width, pixel / width)
            switch y % 4 {
            case 0: return UInt8(truncatingIfNeeded: x * 3 + channel * 50)
            case 1: return UInt8(truncatingIfNeeded: y * 7 + channel)
            case 2:
                state = state &* 1_103_515_245 &+ 12345
                return UInt8(truncatingIfNeeded: state >> 16)
            default: return 200
            }
        }
    }

    @Test("RGBA pixels survive an encode and an independent decode")
    func rgbaRoundTrip() throws {
        let (width, height) = (37, 23)
        let pixels = Self.pattern(width: width, height: height, channels: 4)
        let decoded = try PNGReader(PNGEncoder.encode(rgba: pixels, width: width, height: height))
        #expect(decoded.width == width)
        #expect(decoded.height == height)
        #expect(decoded.channels == 4)
        #expect(decoded.pixels == pixels)
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
    }

    @Test("grayscale pixels survive an encode and an independent decode")
    func grayscaleRoundTrip() throws {
        let (width, height) = (64, 17)
        let pixels = Self.pattern(width: width, height: height, channels: 1)
        let decoded = try PNGReader(PNGEncoder.encode(grayscale: pixels, width: width, height: height))
        #expect(decoded.channels == 1)
        #expect(decoded.pixels == pixels)
    }

    @Test("a one-pixel image round-trips")
    func onePixel() throws {
        let decoded = try PNGReader(PNGEncoder.encode(rgba: [1, 2, 3, 4], width: 1, height: 1))
        #expect(decoded.pixels == [1, 2, 3, 4])
    }

    @Test("files start with the PNG signature and an IHDR of 13 bytes")
    func headerLayout() {
        let bytes = PNGEncoder.encode(grayscale: [0, 255], width: 2, height: 1)
        #expect(Array(bytes[0..<8]) == PNGEncoder.signature)
        #expect(Array(bytes[8..<16]) == [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
        // Width 2, height 1, depth 8, colour type 0.
        #expect(Array(bytes[16..<26]) == [0, 0, 0, 2, 0, 0, 0, 1, 8, 0])
    }

    @Test("adaptive filtering makes smooth images smaller than filter 0 alone")
    func filteringHelps() throws {
        let (width, height) = (256, 256)
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width { pixels[y * width + x] = UInt8((x + y) / 2) } }
        let adaptive = PNGEncoder.encode(grayscale: pixels, width: width, height: height)
        var rows: [UInt8] = []
        for row in 0..<height {
            rows.append(0)
            rows += pixels[(row * width)..<((row + 1) * width)]
        }
        let unfiltered = Zlib.compress(rows)
        #expect(adaptive.count < unfiltered.count)
        #expect(try PNGReader(adaptive).pixels == pixels)
    }

    @Test("the Paeth predictor picks the nearest of left, above and upper-left")
    func paeth() {
        #expect(PNGFormat.paeth(10, 20, 10) == 20)   // estimate 20: above
        #expect(PNGFormat.paeth(20, 10, 10) == 20)   // estimate 20: left
        #expect(PNGFormat.paeth(10, 10, 30) == 10)   // estimate -10: left wins ties
        #expect(PNGFormat.paeth(100, 0, 50) == 50)   // estimate 50: upper-left
    }

    @Test("a corrupted byte is caught by the reader's CRC check")
    func crcDetectsCorruption() {
        var bytes = PNGEncoder.encode(grayscale: [UInt8](repeating: 9, count: 16), width: 4, height: 4)
        bytes[20] ^= 0xFF
        #expect(throws: PNGReader.Failure.self) { try PNGReader(bytes) }
    }
}
