import Foundation

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
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw ImageDecodingError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(bytes, path: url.path)
    }
}
