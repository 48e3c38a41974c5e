/// Typed access to an ONNX node's attributes, with defaults and readable errors.
struct ONNXImportAttributes {
    let node: Onnx_NodeProto
    let refuse: (String) -> ONNXImportError

    /// An integer attribute, or `fallback` when absent.
    func int(_ name: String, _ fallback: Int) -> Int {
        node.attribute.first { $0.name == name }.map { Int(clamping: $0.i) } ?? fallback
    }

    /// A float attribute, or `fallback` when absent.
    func float(_ name: String, _ fallback: Float) -> Float {
        node.attribute.first { $0.name == name }?.f ?? fallback
    }

    /// A string attribute, or `fallback` when absent.
    func string(_ name: String, _ fallback: String) -> String {
        node.attribute.first { $0.name == name }.map { String(decoding: $0.s, as: UTF8.self) } ?? fallback
    }

    /// A list of strings, or `nil` when absent.
    func strings(_ name: String) -> [String]? {
        node.attribute.first { $0.name == name }.map { $0.strings.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// A list of integers, or `fallback` when absent.
    func ints(_ name: String, _ fallback: [Int]?) -> [Int]? {
        node.attribute.first { $0.name == name }.map { $0.ints.map { Int(clamping: $0) } } ?? fallback
    }

    /// Whether the attribute is present.
    func has(_ name: String) -> Bool { node.attribute.contains { $0.name == name } }

    /// `count` integers in `1...ONNXImportLimits.maxDimension` (window sizes, strides, dilations).
    func positiveInts(_ name: String, count: Int, default fallback: Int?) throws -> [Int] {
        guard let values = ints(name, fallback.map { Array(repeating: $0, count: count) }) else {
            throw refuse("attribute '\(name)' is required")
        }
        guard values.count == count, values.allSatisfy({ (1...ONNXImportLimits.maxDimension).contains($0) }) else {
            throw refuse("attribute '\(name)' must hold \(count) values in 1...\(ONNXImportLimits.maxDimension), got \(values)")
        }
        return values
    }
}
