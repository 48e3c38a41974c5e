/// A PNG decoder for every image type the PNG specification defines: greyscale
/// (1, 2, 4, 8 or 16 bits), RGB, grey + alpha and RGBA (8 or 16 bits), palette
/// images (1–8 bits, with transparency from `tRNS`), plain or Adam7-interlaced.
/// Samples come out as 8 bits: 16-bit samples keep their high byte (as libpng's
/// `png_set_strip_16`), 1–4-bit grey is scaled to 0...255, palette entries become
/// RGB (RGBA when the file gives them transparency).
///
/// It checks the signature and every chunk's CRC, inflates the IDAT data with the
/// zlib of ``Zlib``, bounded by the size the header implies, and undoes all five row
/// filters. Damaged or hostile files throw ``ImageDecodingError``; nothing is read
/// out of bounds.
///
/// ```swift
/// let image = try PNGDecoder.decode(bytes, path: "digit.png")
/// let grey = image.grayscale()     // width * height bytes
/// ```
public enum PNGDecoder {
    /// Largest image accepted, in pixels (2²⁸), so a hostile header cannot exhaust memory.
    public static let maximumPixels = 1 << 28

    /// The seven passes of Adam7 interlacing: first row and column, row and column step.
    static let adam7: [(row: Int, column: Int, rowStep: Int, columnStep: Int)] = [
        (0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1),
    ]

    /// What the IHDR chunk says, checked.
    struct Header {
        let width: Int
        let height: Int
        let depth: Int
        let colorType: UInt8
        let interlaced: Bool

        /// Samples per pixel in the file (a palette index is one sample).
        var samplesPerPixel: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colorType]! }
        var bitsPerPixel: Int { samplesPerPixel * depth }
        /// The filter's byte distance to "the pixel on the left" (at least 1).
        var filterStride: Int { Swift.max(1, bitsPerPixel / 8) }
        /// Bytes of one row `width` pixels wide, without its filter byte.
        func rowBytes(_ width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// Decodes a PNG file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - path: the file's name, only used in error messages (default `"<png>"`).
    /// - Returns: 8-bit samples: 1 channel (grey), 2 (grey + alpha), 3 (RGB, palette)
    ///   or 4 (RGBA, palette with transparency).
    /// - Throws: ``ImageDecodingError`` naming `path`.
    public static func decode(_ bytes: [UInt8], path: String = "<png>") throws -> DecodedImage {
        func invalid(_ reason: String) -> ImageDecodingError { .invalid(path: path, format: "PNG", reason: reason) }
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGFormat.signature else {
            throw invalid("the file does not start with the PNG signature")
        }
        func uint32(_ offset: Int) -> Int {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        var offset = 8
        var headerBytes: [UInt8]?
        var palette: [UInt8]?
        var transparency: [UInt8]?
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
                guard headerBytes == nil, length == 13 else { throw invalid("the IHDR chunk must come once with 13 bytes") }
                headerBytes = data
            case "PLTE":
                guard palette == nil, length > 0, length % 3 == 0, length <= 256 * 3 else {
                    throw invalid("the PLTE chunk must come once with 1 to 256 RGB entries")
                }
                palette = data
            case "tRNS":
                transparency = data
            case "IDAT":
                guard headerBytes != nil else { throw invalid("image data comes before the IHDR header") }
                compressed += data
            case "IEND":
                sawEnd = true
            default:
                break
            }
            offset += 12 + length
        }
        guard let headerBytes else { throw invalid("there is no IHDR header") }
        guard sawEnd else { throw invalid("the file ends without an IEND chunk (truncated?)") }
        let header = try checkedHeader(headerBytes, path: path)
        guard !compressed.isEmpty else { throw invalid("there is no image data (IDAT)") }
        if header.colorType == 3 && palette == nil { throw invalid("a palette image has no PLTE chunk") }

        // Each pass (the whole image when not interlaced) is a run of filtered rows.
        let passes = header.interlaced ? adam7 : [(row: 0, column: 0, rowStep: 1, columnStep: 1)]
        var expected = 0
        var passSizes: [(width: Int, height: Int)] = []
        for pass in passes {
            let width = (header.width - pass.column + pass.columnStep - 1) / pass.columnStep
            let height = (header.height - pass.row + pass.rowStep - 1) / pass.rowStep
            passSizes.append((width, height))
            if width > 0 && height > 0 { expected += height * (1 + header.rowBytes(width)) }
        }
        let raw: [UInt8]
        do {
            raw = try Zlib.decompress(compressed, maximumSize: expected)
        } catch {
            throw invalid("the image data does not inflate: \(error)")
        }
        guard raw.count == expected else { throw invalid("the image data has \(raw.count) bytes, expected \(expected)") }

        let transparentPalette = header.colorType == 3 && transparency != nil
        let channels = header.colorType == 3 ? (transparentPalette ? 4 : 3) : header.samplesPerPixel
        // The usual file (8-bit, not interlaced, no palette): the unfiltered rows are the pixels.
        if !header.interlaced && header.depth == 8 && header.colorType != 3 {
            return DecodedImage(width: header.width, height: header.height, channels: channels,
                                pixels: try unfilter(raw[...], height: header.height, stride: header.rowBytes(header.width),
                                                     bpp: header.filterStride, path: path))
        }
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * channels)
        var passStart = 0
        for (pass, size) in zip(passes, passSizes) where size.width > 0 && size.height > 0 {
            let rowBytes = header.rowBytes(size.width)
            let passLength = size.height * (1 + rowBytes)
            let rows = try unfilter(raw[passStart..<(passStart + passLength)], height: size.height, stride: rowBytes,
                                    bpp: header.filterStride, path: path)
            passStart += passLength
            for row in 0..<size.height {
                for column in 0..<size.width {
                    let target = ((pass.row + row * pass.rowStep) * header.width + pass.column + column * pass.columnStep) * channels
                    let first = row * rowBytes * 8 + column * header.bitsPerPixel
                    if header.colorType == 3 {
                        let index = Int(sample(rows, bit: first, depth: header.depth))
                        guard let palette, index < palette.count / 3 else {
                            throw invalid("pixel (\(column), \(row)) uses palette entry \(index) of \((palette?.count ?? 0) / 3)")
                        }
                        pixels[target] = palette[3 * index]
                        pixels[target + 1] = palette[3 * index + 1]
                        pixels[target + 2] = palette[3 * index + 2]
                        if let transparency { pixels[target + 3] = index < transparency.count ? transparency[index] : 255 }
                    } else {
                        for channel in 0..<channels {
                            let value = sample(rows, bit: first + channel * header.depth, depth: header.depth)
                            pixels[target + channel] = header.depth >= 8 ? UInt8(value >> (header.depth - 8))
                                                                         : UInt8(Int(value) * 255 / ((1 << header.depth) - 1))
                        }
                    }
                }
            }
        }
        return DecodedImage(width: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    /// The IHDR fields, checked: size within ``maximumPixels``, a bit depth the colour type allows.
    static func checkedHeader(_ data: [UInt8], path: String) throws -> Header {
        func unsupported(_ reason: String) -> ImageDecodingError { .unsupported(path: path, format: "PNG", reason: reason) }
        let width = data[0..<4].reduce(0) { $0 << 8 | Int($1) }
        let height = data[4..<8].reduce(0) { $0 << 8 | Int($1) }
        let (depth, colorType, compression, filterMethod, interlace) = (Int(data[8]), data[9], data[10], data[11], data[12])
        guard width > 0, height > 0 else {
            throw ImageDecodingError.invalid(path: path, format: "PNG", reason: "the image size is \(width)×\(height)")
        }
        guard width <= maximumPixels / height else { throw unsupported("\(width)×\(height) is larger than \(maximumPixels) pixels") }
        guard compression == 0, filterMethod == 0, interlace <= 1 else {
            throw ImageDecodingError.invalid(path: path, format: "PNG", reason: "unknown compression, filter or interlace method")
        }
        let depthsByType: [UInt8: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = depthsByType[colorType] else { throw unsupported("colour type \(colorType) is not defined by the PNG specification") }
        guard depths.contains(depth) else { throw unsupported("bit depth \(depth) is not allowed for colour type \(colorType)") }
        return Header(width: width, height: height, depth: depth, colorType: colorType, interlaced: interlace == 1)
    }

    /// The `depth`-bit sample starting at bit `bit` (most significant bit first).
    @inline(__always)
    static func sample(_ rows: [UInt8], bit: Int, depth: Int) -> UInt16 {
        switch depth {
        case 16: return UInt16(rows[bit / 8]) << 8 | UInt16(rows[bit / 8 + 1])
        case 8: return UInt16(rows[bit / 8])
        default: return UInt16(rows[bit / 8] >> (8 - depth - bit % 8)) & UInt16((1 << depth) - 1)
        }
    }

    /// Undoes the row filters (none, sub, up, average, Paeth) of `height` rows of
    /// `stride` bytes, each after its filter-type byte; `bpp` is the byte distance to
    /// the pixel on the left.
    ///
    /// - Precondition: `raw` holds `height` rows of a filter byte and `stride` bytes.
    static func unfilter(_ raw: ArraySlice<UInt8>, height: Int, stride: Int, bpp: Int, path: String) throws -> [UInt8] {
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
                            throw ImageDecodingError.invalid(path: path, format: "PNG", reason: "row \(row) has unknown filter type \(filter)")
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
