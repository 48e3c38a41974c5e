/// Printing tensors the way NumPy and PyTorch do: nested brackets, aligned values,
/// the middle elided for large tensors, then shape and dtype.
///
/// ```
/// tensor([[1.0000, 2.0000],
///         [3.0000, 4.0000]], shape: [2, 2], dtype: float32)
/// ```
extension Tensor: CustomStringConvertible, CustomDebugStringConvertible {
    /// Tensors with more elements than this print only their edges.
    static let summaryThreshold = 1000
    /// Elements shown at each edge of an elided axis.
    static let edgeItems = 3

    public var description: String {
        let elide = scalarCount > Self.summaryThreshold
        let values: [String] = formattedElements()
        let width = values.map(\.count).max() ?? 0
        let strides = Shape.contiguousStrides(shape)
        let prefix = "tensor("
        func render(axis: Int, offset: Int) -> String {
            if axis == rank { return String(repeating: " ", count: width - values[offset].count) + values[offset] }
            let size = shape[axis]
            var positions = Array(0..<size)
            var gap: Int?
            if elide && size > 2 * Self.edgeItems {
                positions = Array(0..<Self.edgeItems) + Array((size - Self.edgeItems)..<size)
                gap = Self.edgeItems
            }
            let separator = axis == rank - 1 ? ", " : "," + String(repeating: "\n", count: rank - axis - 1)
                + String(repeating: " ", count: prefix.count + axis + 1)
            var parts: [String] = []
            for (order, position) in positions.enumerated() {
                if order == gap { parts.append("...") }
                parts.append(render(axis: axis + 1, offset: offset + position * strides[axis]))
            }
            return "[" + parts.joined(separator: separator) + "]"
        }
        let body = scalarCount == 0 ? "[]" : render(axis: 0, offset: 0)
        var suffix = ", shape: \(Shape.describe(shape)), dtype: \(dtype)"
        if device != .cpu { suffix += ", device: \(device)" }
        if let node, !node.isLeaf { suffix += ", grad_fn: \(node.op)" } else if node != nil { suffix += ", requiresGrad: true" }
        return prefix + body + suffix + ")"
    }

    public var debugDescription: String { description }

    private func formattedElements() -> [String] {
        switch dtype {
        case .float32, .float64:
            // Shown with four decimals either way (float64 values are rounded for display).
            let values = dtype == .float32 ? scalars : doubleScalars.map { Float($0) }
            let integral = values.allSatisfy { $0.isNaN || $0.isInfinite || $0 == $0.rounded() }
            let largest = values.map { Swift.abs($0) }.filter(\.isFinite).max() ?? 0
            let scientific = largest >= 1e8 || (largest < 1e-4 && largest > 0)
            return values.map { value in
                if value.isNaN { return "nan" }
                if value.isInfinite { return value > 0 ? "inf" : "-inf" }
                if scientific { return Self.format(value, scientific: true) }
                return integral ? String(Int(value)) + "." : Self.format(value, scientific: false)
            }
        case .int32:
            return intScalars.map { String($0) }
        case .bool:
            return boolScalars.map { $0 ? "true" : "false" }
        }
    }

    /// Four decimals, or four decimals in scientific notation.
    private static func format(_ value: Float, scientific: Bool) -> String {
        if scientific {
            if value == 0 { return "0.0000e+00" }
            var exponent = Int(cFloor(cLog10(Double(Swift.abs(value)))))
            var mantissa = Double(value) / cPow(10, Double(exponent))
            // 1e-5 is 9.99999975e-6 in float32: its mantissa rounds up to 10.0000.
            if (Swift.abs(mantissa) * 1e4).rounded() >= 1e5 {
                exponent += 1
                mantissa /= 10
            }
            let sign = exponent < 0 ? "-" : "+"
            let digits = Swift.abs(exponent) < 10 ? "0\(Swift.abs(exponent))" : "\(Swift.abs(exponent))"
            return fixed(mantissa, decimals: 4) + "e" + sign + digits
        }
        return fixed(Double(value), decimals: 4)
    }

    private static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = cPow(10, Double(decimals))
        let rounded = (Swift.abs(value) * scale).rounded()
        let integerPart = Int(rounded / scale)
        let fraction = Int(rounded.truncatingRemainder(dividingBy: scale))
        let fractionText = String(fraction)
        let padded = String(repeating: "0", count: Swift.max(0, decimals - fractionText.count)) + fractionText
        return (value < 0 && rounded != 0 ? "-" : "") + "\(integerPart).\(padded)"
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) private func cFloor(_ x: Double) -> Double { floor(x) }
@inline(__always) private func cLog10(_ x: Double) -> Double { log10(x) }
@inline(__always) private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
#endif
