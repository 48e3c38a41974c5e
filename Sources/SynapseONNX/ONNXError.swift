/// Why a model could not be exported to, or imported from, ONNX.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// A layer (or a setting of one) has no ONNX form.
    case unsupportedLayer(name: String, type: String, reason: String)
    /// The opset asked for is outside the range the exporter writes.
    case unsupportedOpset(Int, supported: ClosedRange<Int>)
    /// The model (or one of its layers) has no weights or shapes yet: build it first.
    case notBuilt(model: String)
    /// The file could not be read or written.
    case io(path: String, reason: String)

    /// A one-line message naming the layer, opset or file concerned.
    public var description: String {
        switch self {
        case .unsupportedLayer(let name, let type, let reason):
            return "ONNX: layer '\(name)' (\(type)) cannot be exported: \(reason)"
        case .unsupportedOpset(let opset, let supported):
            return "ONNX: opset \(opset) is not supported; choose one in \(supported.lowerBound)...\(supported.upperBound)"
        case .notBuilt(let model):
            return "ONNX: '\(model)' has no input shape or weights yet; declare an Input layer or run it on a batch first"
        case .io(let path, let reason):
            return "ONNX: \(path): \(reason)"
        }
    }
}
