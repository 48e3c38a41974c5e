import CTurboJPEG

/// Writes JPEG files with libjpeg-turbo: greyscale, or colour with 4:2:0 chroma
/// subsampling (Pillow's and libjpeg's default) or none.
///
/// ```swift
/// let bytes = try JPEGEncoder.encode(rgb: pixels, width: 32, height: 24, quality: 90)
/// ```
public enum JPEGEncoder {
    /// How much colour resolution a colour JPEG keeps.
    public enum ChromaSubsampling: Sendable {
        /// Full colour resolution (4:4:4), larger files.
        case none
        /// Colour at half resolution both ways (4:2:0), the usual choice for photographs.
        case half
    }

    /// Encodes 8-bit samples, row-major from the top-left.
    ///
    /// - Parameters:
    ///   - pixels: `width * height * channels` bytes.
    ///   - width: the width in pixels, positive.
    ///   - height: the height in pixels, positive.
    ///   - channels: 1 (grey) or 3 (RGB).
    ///   - quality: 1 (smallest) to 100 (best); default 90.
    ///   - subsampling: colour resolution for RGB images (default `.half`); ignored for grey.
    /// - Returns: the JPEG file's bytes.
    /// - Throws: ``ImageDecodingError/invalid(path:format:reason:)`` with libjpeg-turbo's
    ///   message if it fails (it does not for valid arguments).
    public static func encode(_ pixels: [UInt8], width: Int, height: Int, channels: Int, quality: Int = 90,
                              subsampling: ChromaSubsampling = .half) throws -> [UInt8] {
        require(width > 0 && height > 0 && width <= 65_500 && height <= 65_500,
                "JPEGEncoder: the size must be 1...65500 each way, got \(width)×\(height)")
        require(channels == 1 || channels == 3, "JPEGEncoder: channels must be 1 (grey) or 3 (RGB), got \(channels)")
        require(pixels.count == width * height * channels,
                "JPEGEncoder: expected \(width * height * channels) bytes for \(width)×\(height)×\(channels), got \(pixels.count)")
        require((1...100).contains(quality), "JPEGEncoder: quality must be 1...100, got \(quality)")
        guard let handle = tjInitCompress() else {
            throw ImageDecodingError.invalid(path: "<jpeg>", format: "JPEG", reason: "libjpeg-turbo could not start an encoder")
        }
        defer { tjDestroy(handle) }
        let (pixelFormat, chroma) = channels == 1 ? (TJPF_GRAY, TJSAMP_GRAY)
                                                  : (TJPF_RGB, subsampling == .none ? TJSAMP_444 : TJSAMP_420)
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = pixels.withUnsafeBufferPointer { source in
            tjCompress2(handle, source.baseAddress, Int32(width), 0, Int32(height), Int32(pixelFormat.rawValue),
                        &output, &size, Int32(chroma.rawValue), Int32(quality), 0)
        }
        guard status == 0, let output else {
            throw ImageDecodingError.invalid(path: "<jpeg>", format: "JPEG", reason: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
