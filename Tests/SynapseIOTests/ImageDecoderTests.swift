import Foundation
import Testing
@testable import SynapseCore
@testable import SynapseIO

/// JPEG files written by Pillow, each checked against Pillow's own decode
/// (`scripts/fixtures_images.py`; both use libjpeg-turbo), and damaged or unsupported
/// files refused with the file's name.
@Suite struct ImageDecoderTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/images"),
                     "missing fixture \(name): run scripts/fixtures_images.py")
    }

    /// The decoded pixels of `name` against Pillow's, returning the largest difference.
    static func largestDifference(_ name: String) throws -> (image: DecodedImage, difference: Int) {
        let image = try ImageDecoder.decode(contentsOf: fixture(name))
        let reference = try NumPy.load(fixture(name.replacingOccurrences(of: ".jpg", with: ".npy")))
        let expected = reference.to(.int32).intScalars
        #expect([image.height, image.width] + (image.channels == 1 ? [] : [image.channels]) == reference.shape)
        #expect(image.pixels.count == expected.count)
        let difference = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? .max
        return (image, difference)
    }

    @Test(arguments: ["colour_420.jpg", "colour_444.jpg", "colour_progressive.jpg"])
    func colourJPEGMatchesPillow(_ name: String) throws {
        let (image, difference) = try Self.largestDifference(name)
        #expect(image.channels == 3 && image.width == 20 && image.height == 12)
        #expect(difference <= 1, "\(name): pixels differ from Pillow's by up to \(difference)")
    }

    @Test func greyJPEGDecodesToOneChannel() throws {
        let (image, difference) = try Self.largestDifference("grey.jpg")
        #expect(image.channels == 1 && image.width == 20 && image.height == 12)
        #expect(difference <= 1)
        #expect(image.rgb().count == 20 * 12 * 3)
    }

    @Test func truncatedJPEGIsRefusedByName() throws {
        let url = try Self.fixture("truncated.jpg")
        let error = #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode(contentsOf: url) }
        guard case .invalid(let path, let format, _)? = error else { Issue.record("expected .invalid, got \(String(describing: error))"); return }
        #expect(path == url.path && format == "JPEG")
        #expect(error?.description.hasPrefix("\(url.path): not a valid JPEG file:") == true)
    }

    @Test func cmykJPEGIsUnsupported() throws {
        let error = #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode(contentsOf: Self.fixture("cmyk.jpg")) }
        guard case .unsupported(_, "JPEG", let reason)? = error else { Issue.record("expected .unsupported, got \(String(describing: error))"); return }
        #expect(reason.contains("CMYK"))
    }

    @Test func formatComesFromTheBytesNotTheName() throws {
        let image = try ImageDecoder.decode(contentsOf: Self.fixture("png_named.jpg"))
        #expect(image.channels == 1 && image.width == 20 && image.height == 12)
        let reference = try ImageDecoder.decode(contentsOf: Self.fixture("grey.jpg"))
        // The PNG is lossless, the JPEG close to it.
        #expect(zip(image.pixels, reference.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 8 })
    }

    @Test func otherBytesAndMissingFilesAreReadableErrors() throws {
        let gif = Array("GIF89a....".utf8)
        let error = #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode(gif, path: "a.gif") }
        #expect(error?.description == "a.gif: unsupported image: not a PNG or JPEG file (it starts with bytes 47 49 46 38)")
        #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode([], path: "empty.png") }
        let missing = URL(fileURLWithPath: "/nonexistent/x.jpg")
        let unreadable = #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode(contentsOf: missing) }
        guard case .unreadable(let path, _)? = unreadable else { Issue.record("expected .unreadable"); return }
        #expect(path == missing.path)
    }

    @Test func hostileJPEGHeadersNeverCrash() throws {
        // Every prefix of a valid file, and the file with each of its bytes flipped: an
        // error or an image, never a crash, a hang or an out-of-bounds read.
        let bytes = Array(try Data(contentsOf: Self.fixture("colour_420.jpg")))
        var refused = 0
        for length in 0..<bytes.count {
            if (try? JPEGDecoder.decode(Array(bytes.prefix(length)))) == nil { refused += 1 }
        }
        #expect(refused == bytes.count, "every strict prefix of a JPEG is incomplete")
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0xFF
            if let image = try? JPEGDecoder.decode(damaged) {
                #expect(image.pixels.count == image.width * image.height * image.channels)
            }
        }
    }

    @Test func oversizedJPEGHeaderIsRefusedBeforeAllocating() throws {
        // The start-of-frame marker of the fixture, with its size set to 32767 × 32767
        // (a billion pixels, 3 GB of RGB).
        var bytes = Array(try Data(contentsOf: Self.fixture("colour_420.jpg")))
        let frame = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) })
        for (offset, byte) in zip(frame + 5...frame + 8, [0x7F, 0xFF, 0x7F, 0xFF] as [UInt8]) { bytes[offset] = byte }
        let error = #expect(throws: ImageDecodingError.self) { try JPEGDecoder.decode(bytes, path: "big.jpg") }
        guard case .unsupported(_, _, let reason)? = error else { Issue.record("expected .unsupported, got \(String(describing: error))"); return }
        #expect(reason.contains("32767×32767"))
    }

    @Test("PNG of every type (palette, 1-16 bits, Adam7) decodes to the reference pixels", arguments: [
        ("palette.png", 3), ("palette_alpha.png", 4), ("palette_2bit.png", 3), ("palette_2bit_interlaced.png", 3),
        ("grey_1bit.png", 1), ("grey_4bit.png", 1), ("grey_16bit.png", 1), ("grey_16bit_interlaced.png", 1),
        ("rgb_16bit.png", 3), ("rgba_interlaced.png", 4),
    ])
    func pngTypes(_ name: String, channels: Int) throws {
        let image = try ImageDecoder.decode(contentsOf: Self.fixture(name))
        let reference = try NumPy.load(Self.fixture(name.replacingOccurrences(of: ".png", with: ".npy")))
        #expect(image.width == 13 && image.height == 11 && image.channels == channels, "\(name): \(image.width)×\(image.height)×\(image.channels)")
        #expect(image.pixels.map(Int32.init) == reference.to(.int32).intScalars, "\(name)")
    }
}
