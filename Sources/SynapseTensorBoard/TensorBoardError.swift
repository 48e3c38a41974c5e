/// Why a TensorBoard event file could not be written.
public enum TensorBoardError: Error, Equatable, CustomStringConvertible {
    /// The log folder could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The event file could not be opened or written.
    case cannotWrite(path: String, reason: String)
    /// The values given to a summary cannot be shown (empty, wrong shape).
    case invalidSummary(tag: String, reason: String)

    /// The error in one readable line, naming the path or tag.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "TensorBoard: cannot create the log folder \(path): \(reason)"
        case .cannotWrite(let path, let reason):
            return "TensorBoard: cannot write the event file \(path): \(reason)"
        case .invalidSummary(let tag, let reason):
            return "TensorBoard: summary '\(tag)': \(reason)"
        }
    }
}
