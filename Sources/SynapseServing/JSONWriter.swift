/// Writes the server's JSON answers straight into bytes: predictions as nested
/// arrays, metadata, errors. Floats use Swift's shortest round-trip form; NaN and
/// infinities (which JSON cannot express) are written as `null`.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string literal with the required escapes.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                raw("\\u00" + (hex.count == 1 ? "0" : "") + hex)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ value: Float) {
        if value.isFinite { raw(value.description) } else { raw("null") }
    }

    mutating func integers(_ values: [Int]) {
        raw("[" + values.map(String.init).joined(separator: ",") + "]")
    }

    /// `count` samples of shape `shape` from `values` (row-major): a list of
    /// nested arrays, one per sample (plain numbers for scalar outputs).
    mutating func samples(_ values: [Float], count: Int, shape: [Int]) {
        var offset = 0
        bytes.append(UInt8(ascii: "["))
        for sample in 0..<count {
            if sample > 0 { bytes.append(UInt8(ascii: ",")) }
            nested(values, offset: &offset, shape: shape[...])
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// One sample of shape `shape` from `values` (row-major) as nested arrays (a
    /// plain number for a scalar).
    mutating func sample(_ values: [Float], shape: [Int]) {
        var offset = 0
        nested(values, offset: &offset, shape: shape[...])
    }

    private mutating func nested(_ values: [Float], offset: inout Int, shape: ArraySlice<Int>) {
        guard let length = shape.first else {
            number(values[offset])
            offset += 1
            return
        }
        bytes.append(UInt8(ascii: "["))
        for index in 0..<length {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            nested(values, offset: &offset, shape: shape.dropFirst())
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `{"error": "<message>"}`.
    static func error(_ message: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"error\":")
        writer.string(message)
        writer.raw("}")
        return writer.bytes
    }
}
