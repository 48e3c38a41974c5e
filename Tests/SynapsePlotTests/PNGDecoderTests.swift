@testable import SynapseIO
import Testing
@testable import SynapsePlot

/// Builds PNG files by hand: any colour type, any filter per row, damaged variants.
private enum HandmadePNG {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(Zlib.crc32(data, previous: Zlib.crc32(typeBytes)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// A PNG of `pixels` with the given filter on each row (cycled).
    static func file(pixels: [UInt8], width: Int, height: Int, colorType: UInt8, channels: Int, filters: [UInt8],
                     depth: UInt8 = 8, interlace: UInt8 = 0) -> [UInt8] {
        let stride = width * channels
        var raw: [UInt8] = []
        for row in 0..<height {
            let filter = filters[row % filters.count]
            raw.append(filter)
            for index in 0..<stride {
                let x = pixels[row * stride + index]
                let a: UInt8 = index >= channels ? pixels[row * stride + index - channels] : 0
                let b: UInt8 = row > 0 ? pixels[(row - 1) * stride + index] : 0
                let c: UInt8 = row > 0 && index >= channels ? pixels[(row - 1) * stride + index - channels] : 0
                let predictor: UInt8 = switch filter {
                case 0: 0
                case 1: a
                case 2: b
                case 3: UInt8((Int(a) + Int(b)) / 2)
                default: PNGFormat.paeth(a, b, c)
                }
                raw.append(x &- predictor)
            }
        }
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [depth, colorType, 0, 0, interlace]
        return PNGEncoder.signature + chunk("IHDR", header) + chunk("IDAT", Zlib.compress(raw)) + chunk("IEND", [])
    }

    static func noise(_ count: Int, seed: UInt32) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }
}

@Suite("PNG decoder")
struct PNGDecoderTests {
    @Test("Images from PNGEncoder decode to the same pixels (grey and RGBA)")
    func encoderRoundTrip() throws {
        let gray = HandmadePNG.noise(13 * 7, seed: 1)
        let decodedGray = try PNGDecoder.decode(PNGEncoder.encode(grayscale: gray, width: 13, height: 7))
        #expect(decodedGray == DecodedImage(width: 13, height: 7, channels: 1, pixels: gray))
        let rgba = HandmadePNG.noise(5 * 9 * 4, seed: 2)
        let decodedRGBA = try PNGDecoder.decode(PNGEncoder.encode(rgba: rgba, width: 5, height: 9))
        #expect(decodedRGBA.pixels == rgba && decodedRGBA.channels == 4)
    }

    @Test("Each of the five filters is undone, for every colour type", arguments: [
        (UInt8(0), 1), (UInt8(4), 2), (UInt8(2), 3), (UInt8(6), 4),
    ])
    func filters(colorType: UInt8, channels: Int) throws {
        let (width, height) = (6, 10)
        let pixels = HandmadePNG.noise(width * height * channels, seed: UInt32(colorType) + 7)
        for filter in UInt8(0)...4 {
            let file = HandmadePNG.file(pixels: pixels, width: width, height: height, colorType: colorType, channels: channels, filters: [filter])
            let image = try PNGDecoder.decode(file)
            #expect(image.pixels == pixels, "filter \(filter), colour type \(colorType)")
            #expect(image.channels == channels && image.width == width && image.height == height)
        }
        let mixed = HandmadePNG.file(pixels: pixels, width: width, height: height, colorType: colorType, channels: channels, filters: [4, 3, 2, 1, 0])
        #expect(try PNGDecoder.decode(mixed).pixels == pixels)
    }

    @Test("Grey and RGB conversions")
    func conversions() {
        let rgb = DecodedImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 10, 20, 30])
        #expect(rgb.grayscale() == [76, 18])
        #expect(rgb.rgb() == [255, 0, 0, 10, 20, 30])
        let grayAlpha = DecodedImage(width: 2, height: 1, channels: 2, pixels: [9, 255, 200, 0])
        #expect(grayAlpha.grayscale() == [9, 200])
        #expect(grayAlpha.rgb() == [9, 9, 9, 200, 200, 200])
    }

    @Test("Damaged and unsupported files throw readable errors naming the file")
    func errors() throws {
        let good = PNGEncoder.encode(grayscale: HandmadePNG.noise(16, seed: 3), width: 4, height: 4)
        func message(_ bytes: [UInt8]) -> String {
            do {
                _ = try PNGDecoder.decode(bytes, path: "x.png")
                return "decoded"
            } catch {
                return "\(error)"
            }
        }
        #expect(message([1, 2, 3]) == "x.png: not a valid PNG file: the file does not start with the PNG signature")
        var damaged = good
        damaged[40] ^= 0xFF
        #expect(message(damaged).contains("wrong CRC"))
        #expect(message(Array(good.prefix(good.count - 12))).contains("without an IEND chunk"))
        #expect(message(Array(good.prefix(30))).contains("cut short") || message(Array(good.prefix(30))).contains("runs past the end"))
        let rgbFourBit = HandmadePNG.file(pixels: [0, 0, 0, 0], width: 1, height: 2, colorType: 2, channels: 2, filters: [0], depth: 4)
        #expect(message(rgbFourBit) == "x.png: unsupported PNG: bit depth 4 is not allowed for colour type 2")
        let noPalette = HandmadePNG.file(pixels: [1, 2], width: 1, height: 2, colorType: 3, channels: 1, filters: [0])
        #expect(message(noPalette) == "x.png: not a valid PNG file: a palette image has no PLTE chunk")
        var outOfPalette = noPalette
        let paletteChunk = HandmadePNG.chunk("PLTE", [9, 9, 9, 8, 8, 8])   // entries 0 and 1; pixel 2 is out of range
        outOfPalette.insert(contentsOf: paletteChunk, at: 8 + 25)
        #expect(message(outOfPalette) == "x.png: not a valid PNG file: pixel (0, 1) uses palette entry 2 of 2")
        let unknownInterlace = HandmadePNG.file(pixels: [1, 2], width: 1, height: 2, colorType: 0, channels: 1, filters: [0], interlace: 2)
        #expect(message(unknownInterlace) == "x.png: not a valid PNG file: unknown compression, filter or interlace method")
        let badFilter = HandmadePNG.file(pixels: [1, 2], width: 1, height: 2, colorType: 0, channels: 1, filters: [9])
        #expect(message(badFilter) == "x.png: not a valid PNG file: row 0 has unknown filter type 9")
    }
}
