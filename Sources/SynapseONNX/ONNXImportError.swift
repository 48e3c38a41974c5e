/// Why an ONNX file could not be imported as a Synapse model.
///
/// Every failure of `Sequential.importONNX(from:)` is one of these,
/// with a one-line description naming the node, op or tensor concerned: the file is
/// treated as untrusted and never makes the importer trap.
public enum ONNXImportError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a well-formed ONNX model, or break one of the importer's
    /// limits (sizes, counts, data lengths).
    case malformed(String)
    /// A node has no Synapse form here (its name, op type and why).
    case unsupportedNode(name: String, opType: String, reason: String)
    /// The graph as a whole has a form the importer does not take (not a chain,
    /// several inputs, an unknown input shape, ...).
    case unsupportedGraph(String)
    /// A tensor (initializer or constant) is unusable (its name and why).
    case invalidTensor(name: String, reason: String)
    /// The file could not be read.
    case io(path: String, reason: String)

    /// A one-line message naming the node, tensor or file concerned.
    public var description: String {
        switch self {
        case .malformed(let reason):
            return "ONNX import: malformed model: \(reason)"
        case .unsupportedNode(let name, let opType, let reason):
            return "ONNX import: node '\(name)' (\(opType)) cannot be imported: \(reason)"
        case .unsupportedGraph(let reason):
            return "ONNX import: unsupported graph: \(reason)"
        case .invalidTensor(let name, let reason):
            return "ONNX import: tensor '\(name)': \(reason)"
        case .io(let path, let reason):
            return "ONNX import: \(path): \(reason)"
        }
    }
}
