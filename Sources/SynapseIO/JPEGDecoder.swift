import CTurboJPEG

/// Decodes baseline and progressive JPEG files with libjpeg-turbo (the library
/// behind Pillow, TensorFlow's `decode_jpeg` and torchvision's `decode_jpeg`).
///
/// Greyscale files decode to one channel, colour (YCbCr or RGB) files to RGB; CMYK
/// and YCCK files are refused as unsupported. The header's size is checked against
/// ``maximumPixels`` before anything is allocated, progressive files may have at
/// most 500 scans, and anything libjpeg-turbo warns about (a truncated file, corrupt
/// entropy-coded data) is an error rather than a half-grey image — as Pillow and
/// TensorFlow refuse truncated files by default.
///
/// ```swift
/// let image = try JPEGDecoder.decode(bytes, path: "cat.jpg")
/// let rgb = image.rgb()     // width * height * 3 bytes
/// ```
public enum JPEGDecoder {
    /// Largest image accepted, in pixels (2²⁸), so a hostile header cannot exhaust memory.
    public static let maximumPixels = 1 << 28

    /// The bytes every JPEG file starts with: the start-of-image marker and the next marker's 0xFF.
    public static let signature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Decodes a JPEG file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - path: the file's name, only used in error messages (default `"<jpeg>"`).
    /// - Returns: 8-bit samples, 1 channel for greyscale files, 3 (RGB) otherwise.
    /// - Throws: ``ImageDecodingError`` naming `path`: `.invalid` for a damaged or
    ///   truncated file, `.unsupported` for CMYK/YCCK or an image over ``maximumPixels``.
    public static func decode(_ bytes: [UInt8], path: String = "<jpeg>") throws -> DecodedImage {
        func invalid(_ reason: String) -> ImageDecodingError { .invalid(path: path, format: "JPEG", reason: reason) }
        guard bytes.count > signature.count, Array(bytes.prefix(signature.count)) == signature else {
            throw invalid("the file does not start with the JPEG start-of-image marker")
        }
        guard let handle = tjInitDecompress() else { throw invalid("libjpeg-turbo could not start a decoder") }
        defer { tjDestroy(handle) }
        func libraryError() -> String {
            String(cString: tjGetErrorStr2(handle))
        }

        var (width, height, subsampling, colorspace): (Int32, Int32, Int32, Int32) = (0, 0, 0, 0)
        let headerStatus = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard headerStatus == 0 else { throw invalid(libraryError()) }
        guard width > 0, height > 0 else { throw invalid("the image size is \(width)×\(height)") }
        guard Int(width) * Int(height) <= maximumPixels else {
            throw ImageDecodingError.unsupported(path: path, format: "JPEG", reason: "\(width)×\(height) is larger than \(maximumPixels) pixels")
        }
        guard colorspace != Int32(TJCS_CMYK.rawValue), colorspace != Int32(TJCS_YCCK.rawValue) else {
            throw ImageDecodingError.unsupported(path: path, format: "JPEG",
                                                 reason: "CMYK images are not supported; save it as RGB or greyscale")
        }

        let channels = colorspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3
        let pixelFormat = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
        var status: Int32 = 0
        // Not zero-filled first: libjpeg-turbo writes every byte of a successful decode, and
        // a hostile header's large size then costs no memory until data fills it.
        let pixels = [UInt8](unsafeUninitializedCapacity: Int(width) * Int(height) * channels) { destination, count in
            status = bytes.withUnsafeBufferPointer { source in
                tjDecompress2(handle, source.baseAddress, UInt(source.count), destination.baseAddress,
                              width, 0, height, pixelFormat.rawValue, flags)
            }
            count = destination.count
        }
        guard status == 0 else { throw invalid(libraryError()) }
        return DecodedImage(width: Int(width), height: Int(height), channels: channels, pixels: pixels)
    }
}
