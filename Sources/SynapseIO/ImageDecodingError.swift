/// Errors from decoding image files (PNG, JPEG); each names the file, the format and
/// what is wrong.
public enum ImageDecodingError: Error, CustomStringConvertible, Equatable {
    /// The bytes are not a valid file of `format` ("PNG", "JPEG"), or its structure
    /// is damaged or cut short.
    case invalid(path: String, format: String, reason: String)
    /// A valid file this decoder does not read (a colour model or bit depth it has
    /// no conversion for), or a file of another format altogether.
    case unsupported(path: String, format: String, reason: String)
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)

    /// `<path>: not a valid <format> file: <reason>`, `<path>: unsupported <format>: <reason>`
    /// or `<path>: cannot read the file: <reason>`.
    public var description: String {
        switch self {
        case .invalid(let path, let format, let reason): "\(path): not a valid \(format) file: \(reason)"
        case .unsupported(let path, let format, let reason): "\(path): unsupported \(format): \(reason)"
        case .unreadable(let path, let reason): "\(path): cannot read the file: \(reason)"
        }
    }
}
