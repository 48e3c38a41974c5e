/// Why distributed training could not start or go on. Every case reads as one line
/// that says what to do.
public enum DistributedError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No MPI library could be opened; `tried` lists each candidate with dlopen's reason.
    case libraryNotFound(tried: [String])
    /// An MPI call failed.
    case operationFailed(operation: String, rank: Int, message: String)
    /// The ranks disagree about something they must share (batch counts, parameter
    /// shapes): their programs or data differ.
    case mismatch(String)

    /// The message, for people.
    public var description: String {
        switch self {
        case let .libraryNotFound(tried):
            return "distributed training needs Open MPI, which could not be loaded (install openmpi-bin, "
                + "or set SYNAPSE_MPI_LIBRARY to libmpi.so.40's path); tried: " + tried.joined(separator: "; ")
        case let .operationFailed(operation, rank, message):
            return "\(operation) failed on rank \(rank): \(message)"
        case let .mismatch(message):
            return "the ranks disagree: \(message)"
        }
    }
}
