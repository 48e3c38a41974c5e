/// Errors from writing plots and images.
public enum PlotError: Error, CustomStringConvertible, Equatable {
    /// The file name's extension is neither `.svg` nor `.png`.
    case unsupportedFormat(path: String)
    /// The file could not be written (missing folder, no permission, disk full, …).
    case writeFailed(path: String, reason: String)
    /// An image tile's pixel data does not match its declared size.
    case invalidTile(index: Int, reason: String)
    /// What a plot was given to draw is inconsistent (a ``GraphDiagram`` edge to a
    /// box that does not exist, a cycle).
    case invalidData(String)

    /// A readable explanation naming the file or tile.
    public var description: String {
        switch self {
        case .unsupportedFormat(let path):
            "cannot write \(path): unsupported format; use a file name ending in .svg or .png"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason)"
        case .invalidTile(let index, let reason):
            "image tile \(index): \(reason)"
        case .invalidData(let reason):
            "cannot draw: \(reason)"
        }
    }
}
