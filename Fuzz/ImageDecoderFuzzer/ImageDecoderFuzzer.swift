// libFuzzer entry point for the image decoders. Not part of the package:
// scripts/fuzz.sh compiles this file together with the decoders' sources
// (Sources/SynapseIO: ImageDecoder, PNGDecoder, JPEGDecoder, DecodedImage,
// ImageDecodingError, Zlib), instrumented for coverage and with AddressSanitizer,
// against Debian's zlib and libjpeg-turbo.
import Foundation

/// Feeds one input to `ImageDecoder.decode`, as ImageFolder and `synapse predict` do,
/// in two ways:
///
/// - the bytes as a file, as they are;
/// - the bytes as the parts of a PNG file that a mutation rarely gets right — IHDR's
///   13 bytes, a palette, transparency and the *uncompressed* scanlines — assembled
///   with correct CRCs and zlib compression, so that mutations reach the palette,
///   bit-depth, filter and interlacing code behind the checksums: byte 0 odd selects
///   this; then IHDR (13 bytes), the palette's entry count and 3 bytes per entry, the
///   transparency count and its bytes, and the scanlines.
///
/// A thrown `ImageDecodingError` is an expected outcome; a trap, another error type
/// or a memory error is a bug. A decoded image must hold exactly
/// `width × height × channels` samples, and its grey and RGB conversions (what
/// ImageFolder resizes) exactly one and three per pixel.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if let first = bytes.first, first & 1 == 1, let assembled = assemblePNG(bytes.dropFirst()) { check(assembled) }
    return 0
}

func check(_ bytes: [UInt8]) {
    let image: DecodedImage
    do {
        image = try ImageDecoder.decode(bytes, path: "fuzz")
    } catch is ImageDecodingError {
        return
    } catch {
        fatalError("decode threw a foreign error: \(error)")
    }
    let pixels = image.width * image.height
    guard image.width > 0, image.height > 0, (1...4).contains(image.channels),
          image.pixels.count == pixels * image.channels else {
        fatalError("a decoded image of \(image.width)×\(image.height)×\(image.channels) holds \(image.pixels.count) samples")
    }
    guard image.grayscale().count == pixels, image.rgb().count == pixels * 3 else {
        fatalError("the grey or RGB conversion of a \(image.width)×\(image.height)×\(image.channels) image has the wrong size")
    }
}

/// A PNG file from IHDR, palette, transparency and raw scanlines (see `fuzz`).
func assemblePNG(_ parts: ArraySlice<UInt8>) -> [UInt8]? {
    var rest = parts
    func take(_ count: Int) -> [UInt8]? {
        guard rest.count >= count else { return nil }
        defer { rest = rest.dropFirst(count) }
        return Array(rest.prefix(count))
    }
    func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crc = Zlib.crc32(body, previous: Zlib.crc32(typeBytes))
        return bigEndian(UInt32(body.count)) + typeBytes + body + bigEndian(crc)
    }
    func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    guard var header = take(13), let paletteCount = take(1)?[0], let palette = take(3 * Int(paletteCount)),
          let transparencyCount = take(1)?[0], let transparency = take(Int(transparencyCount)) else { return nil }
    // Keep the size small, so that inputs stay fast (the size checks are fuzzed by the raw mode).
    for index in [0, 1, 4, 5] { header[index] = 0 }
    var file = PNGFormat.signature + chunk("IHDR", header)
    if paletteCount > 0 { file += chunk("PLTE", palette) }
    if transparencyCount > 0 { file += chunk("tRNS", transparency) }
    return file + chunk("IDAT", Zlib.compress(Array(rest))) + chunk("IEND", [])
}
