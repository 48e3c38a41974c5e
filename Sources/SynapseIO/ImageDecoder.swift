import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decodes an image file of any format Synapse reads — PNG (``PNGDecoder``) or JPEG
/// (``JPEGDecoder``) — chosen by the file's first bytes, not its name.
///
/// ```swift
/// let image = try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: "photo.jpg"))
/// print(image.width, image.height, image.channels)
/// ```
public enum ImageDecoder {
    /// File extensions of the formats read, lower-case: `png`, `jpg`, `jpeg`.
    public static let fileExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Decodes a file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - path: the file's name, only used in error messages (default `"<image>"`).
    /// - Throws: ``ImageDecodingError`` naming `path`; a file that is neither PNG nor
    ///   JPEG is `.unsupported`.
    public static func decode(_ bytes: [UInt8], path: String = "<image>") throws -> DecodedImage {
        if bytes.starts(with: PNGFormat.signature) { return try PNGDecoder.decode(bytes, path: path) }
        if bytes.starts(with: JPEGDecoder.signature) { return try JPEGDecoder.decode(bytes, path: path) }
        let start = bytes.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
        throw ImageDecodingError.unsupported(path: path, format: "image",
                                             reason: "not a PNG or JPEG file (it starts with bytes \(start.isEmpty ? "none" : start))")
    }

    /// Reads and decodes an image file.
    ///
    /// - Parameter url: the file.
    /// - Throws: ``ImageDecodingError``: `.unreadable` when the file cannot be read,
    ///   otherwise as ``decode(_:path:)``.
    public static func decode(contentsOf url: URL) throws -> DecodedImage {
        try decode(try readFile(url.path), path: url.path)
    }

    /// The bytes of the file at `path`, read with `open`, `fstat` and `read`: for a
    /// small image, Foundation's `Data(contentsOf:)` costs more than decoding it, and
    /// a data loader reads thousands per epoch.
    ///
    /// - Throws: ``ImageDecodingError/unreadable(path:reason:)`` with the system's reason.
    static func readFile(_ path: String) throws -> [UInt8] {
        func failure(_ code: Int32) -> ImageDecodingError {
            .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw failure(EISDIR) }
        let size = Int(status.st_size)
        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let result = read(descriptor, buffer.baseAddress! + count, size - count)
                if result > 0 {
                    count += result
                } else if result == 0 {
                    break   // the file shrank since fstat: what is there is all there is
                } else if errno != EINTR {
                    readError = errno
                    break
                }
            }
        }
        guard readError == 0 else { throw failure(readError) }
        return bytes
    }
}
