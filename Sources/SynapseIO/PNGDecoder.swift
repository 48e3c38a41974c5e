/// Errors from decoding PNG files; each names the file and what is wrong.
public enum PNGDecodingError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a PNG file, or its structure is damaged.
    case invalid(path: String, reason: String)
    /// A valid PNG this decoder does not read (16-bit, palette, interlaced, ...).
    case unsupported(path: String, reason: String)

    /// `<path>: not a valid PNG file: <reason>` or `<path>: unsupported PNG: <reason>`.
    public var description: String {
        switch self {
        case .invalid(let path, let reason): "\(path): not a valid PNG file: \(reason)"
        case .unsupported(let path, let reason): "\(path): unsupported PNG: \(reason)"
        }
    }
}

/// A decoded image: 8-bit samples, row-major from the top-left, `channels` per pixel.
public struct DecodedImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// `width * height * channels` samples.
    public let pixels: [UInt8]

    /// One grey byte per pixel (ITU-R BT.601 luma for colour images; alpha ignored).
    public func grayscale() -> [UInt8] {
        switch channels {
        case 1: return pixels
        case 2: return stride(from: 0, to: pixels.count, by: 2).map { pixels[$0] }
        default:
            return stride(from: 0, to: pixels.count, by: channels).map { index in
                let luma = 0.299 * Double(pixels[index]) + 0.587 * Double(pixels[index + 1]) + 0.114 * Double(pixels[index + 2])
                return UInt8(Swift.min(255, luma.rounded()))
            }
        }
    }

    /// Three bytes (R, G, B) per pixel (grey repeated; alpha ignored).
    public func rgb() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(width * height * 3)
        for index in stride(from: 0, to: pixels.count, by: channels) {
            if channels <= 2 {
                output += [pixels[index], pixels[index], pixels[index]]
            } else {
                output += [pixels[index], pixels[index + 1], pixels[index + 2]]
            }
        }
        return output
    }
}

/// A small PNG decoder for 8-bit greyscale, grey + alpha, RGB and RGBA images
/// without interlacing (what image tools write by default, and what ``PNGEncoder``
/// writes). It checks the signature and every chunk's CRC, inflates the IDAT data
/// with the zlib of ``Zlib`` and undoes all five row filters. Damaged or hostile
/// files throw ``PNGDecodingError``; nothing is read out of bounds.
///
/// ```swift
/// let image = try PNGDecoder.decode(bytes, path: "digit.png")
/// let grey = image.grayscale()     // width * height bytes
/// ```
public enum PNGDecoder {
    /// Largest image accepted, in pixels (2²⁸), so a hostile header cannot exhaust memory.
    public static let maximumPixels = 1 << 28

    /// Decodes a PNG file's bytes; `path` is only used in error messages.
    public static func decode(_ bytes: [UInt8], path: String = "<png>") throws -> DecodedImage {
        func invalid(_ reason: String) -> PNGDecodingError { .invalid(path: path, reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGFormat.signature else {
            throw invalid("the file does not start with the PNG signature")
        }
        func uint32(_ offset: Int) -> Int {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        var offset = 8
        var header: [UInt8]?
        var compressed: [UInt8] = []
        var sawEnd = false
        while offset < bytes.count && !sawEnd {
            guard offset + 12 <= bytes.count else { throw invalid("a chunk is cut short at byte \(offset)") }
            let length = uint32(offset)
            guard length <= bytes.count - offset - 12 else { throw invalid("a chunk of \(length) bytes runs past the end of the file") }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let stored = UInt32(uint32(offset + 8 + length))
            guard Zlib.crc32(data, previous: Zlib.crc32(typeBytes)) == stored else {
                throw invalid("chunk \(type) has a wrong CRC (the file is damaged)")
            }
            switch type {
            case "IHDR":
                guard header == nil, length == 13 else { throw invalid("the IHDR chunk must come once with 13 bytes") }
                header = data
            case "IDAT":
                guard header != nil else { throw invalid("image data comes before the IHDR header") }
                compressed += data
            case "IEND":
                sawEnd = true
            case "PLTE":
                throw PNGDecodingError.unsupported(path: path, reason: "palette images are not supported; save as grey, RGB or RGBA")
            default:
                break
            }
            offset += 12 + length
        }
        guard let header else { throw invalid("there is no IHDR header") }
        guard sawEnd else { throw invalid("the file ends without an IEND chunk (truncated?)") }
        let width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        let (depth, colorType, compression, filterMethod, interlace) = (header[8], header[9], header[10], header[11], header[12])
        guard width > 0, height > 0 else { throw invalid("the image size is \(width)×\(height)") }
        guard width <= maximumPixels / height else {
            throw PNGDecodingError.unsupported(path: path, reason: "\(width)×\(height) is larger than \(maximumPixels) pixels")
        }
        guard compression == 0, filterMethod == 0 else { throw invalid("unknown compression or filter method") }
        let channelsByType: [UInt8: Int] = [0: 1, 4: 2, 2: 3, 6: 4]
        guard let channels = channelsByType[colorType] else {
            throw PNGDecodingError.unsupported(path: path, reason: colorType == 3 ? "palette images are not supported; save as grey, RGB or RGBA"
                                                                                 : "colour type \(colorType)")
        }
        guard depth == 8 else { throw PNGDecodingError.unsupported(path: path, reason: "bit depth \(depth) (only 8 bits per sample are read)") }
        guard interlace == 0 else { throw PNGDecodingError.unsupported(path: path, reason: "interlaced images are not supported") }
        guard !compressed.isEmpty else { throw invalid("there is no image data (IDAT)") }
        let stride = width * channels
        let expected = height * (stride + 1)
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(compressed, maximumSize: expected)
        } catch {
            throw invalid("the image data does not inflate: \(error)")
        }
        guard raw.count == expected else { throw invalid("the image data has \(raw.count) bytes, expected \(expected)") }
        return DecodedImage(width: width, height: height, channels: channels,
                            pixels: try unfilter(raw, height: height, stride: stride, bpp: channels, path: path))
    }

    /// Undoes the row filters (none, sub, up, average, Paeth).
    ///
    /// - Precondition: `raw` holds `height` rows of a filter byte and `stride` bytes.
    static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bpp: Int, path: String) throws -> [UInt8] {
        precondition(raw.count >= height * (stride + 1) && bpp >= 1, "PNGDecoder.unfilter: \(raw.count) bytes for \(height) rows of \(stride)")
        var pixels = [UInt8](repeating: 0, count: height * stride)
        guard stride > 0 else { return pixels }
        // One loop per filter type over raw pointers: the decoder's inner loop, run for
        // every byte of every image a data loader reads.
        try raw.withUnsafeBufferPointer { raw in
            try pixels.withUnsafeMutableBufferPointer { pixels in
                let zeros = [UInt8](repeating: 0, count: stride)
                try zeros.withUnsafeBufferPointer { zeros in
                    for row in 0..<height {
                        let filter = raw[row * (stride + 1)]
                        let filtered = raw.baseAddress! + row * (stride + 1) + 1
                        let output = pixels.baseAddress! + row * stride
                        // The row above; the first row's is zeros, as the standard says.
                        let above = row > 0 ? UnsafePointer(output - stride) : zeros.baseAddress!
                        let first = Swift.min(bpp, stride)
                        switch filter {
                        case 0:
                            output.update(from: filtered, count: stride)
                        case 1:
                            output.update(from: filtered, count: first)
                            for index in first..<stride { output[index] = filtered[index] &+ output[index - bpp] }
                        case 2:
                            for index in 0..<stride { output[index] = filtered[index] &+ above[index] }
                        case 3:
                            for index in 0..<first { output[index] = filtered[index] &+ above[index] / 2 }
                            for index in first..<stride {
                                output[index] = filtered[index] &+ UInt8((UInt16(output[index - bpp]) + UInt16(above[index])) / 2)
                            }
                        case 4:
                            // Paeth with a = c = 0 predicts b.
                            for index in 0..<first { output[index] = filtered[index] &+ above[index] }
                            for index in first..<stride {
                                output[index] = filtered[index] &+ PNGFormat.paeth(output[index - bpp], above[index], above[index - bpp])
                            }
                        default:
                            throw PNGDecodingError.invalid(path: path, reason: "row \(row) has unknown filter type \(filter)")
                        }
                    }
                }
            }
        }
        return pixels
    }
}

/// What the PNG reader and writer share: the signature and the Paeth predictor.
public enum PNGFormat {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The Paeth predictor: whichever of left (`a`), above (`b`) and upper-left (`c`)
    /// is closest to `a + b − c`.
    ///
    /// - Parameters:
    ///   - a: the byte to the left.
    ///   - b: the byte above.
    ///   - c: the byte above-left.
    public static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let estimate = Int(a) + Int(b) - Int(c)
        let (distanceA, distanceB, distanceC) = (abs(estimate - Int(a)), abs(estimate - Int(b)), abs(estimate - Int(c)))
        if distanceA <= distanceB && distanceA <= distanceC { return a }
        return distanceB <= distanceC ? b : c
    }
}
