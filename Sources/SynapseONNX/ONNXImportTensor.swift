import Foundation

/// A constant read from an ONNX file (an initializer or a `Constant` node), checked
/// against the importer's limits: non-negative dimensions, an element count that
/// neither overflows nor passes ``ONNXImportLimits/maxTensorElements``, and data
/// whose length equals that count (`raw_data` holding exactly `count × element size`
/// bytes). External data is refused.
struct ONNXConstant {
    /// The dimensions (all ≥ 0).
    var shape: [Int]
    /// The values as floats (float32 tensors, and integer tensors converted).
    var floats: [Float]
    /// The values as integers (integer tensors; float tensors truncated), for shapes and indices.
    var integers: [Int]
    /// Whether the ONNX element type is an integer type.
    var isInteger: Bool

    /// The element count (the product of ``shape``).
    var count: Int { floats.count }
}

/// The importer's bounds on what an untrusted file may ask for.
enum ONNXImportLimits {
    /// The largest file read (1 GiB).
    static let maxFileBytes = 1 << 30
    /// The most nodes in the graph.
    static let maxNodes = 100_000
    /// The most initializers.
    static let maxInitializers = 100_000
    /// The highest tensor rank.
    static let maxRank = 8
    /// The most elements in one tensor (256 Mi floats, 1 GiB).
    static let maxTensorElements = 1 << 28
    /// The largest dimension of a graph input or a layer size.
    static let maxDimension = 1 << 24
    /// The most elements in one sample's value at any point of the chain (the
    /// model is built by running one zero sample through it).
    static let maxSampleElements = 1 << 22
    /// The most multiply-adds of one layer on one sample (Dense, Conv).
    static let maxMultiplyAdds = 1 << 32

    /// The product of `sizes`, or `nil` when it overflows or passes `limit`.
    static func product(_ sizes: [Int], limit: Int) -> Int? {
        var result = 1
        for size in sizes {
            let (next, overflow) = result.multipliedReportingOverflow(by: size)
            guard !overflow, next <= limit, size >= 0 else { return nil }
            result = next
        }
        return result
    }
}

extension ONNXConstant {
    /// Decodes a `TensorProto`.
    ///
    /// - Throws: ``ONNXImportError/invalidTensor(name:reason:)`` for external data,
    ///   segments, an unsupported element type, bad dimensions or a data length
    ///   that does not match the dimensions.
    init(_ proto: Onnx_TensorProto) throws {
        let name = proto.name.isEmpty ? "(unnamed)" : proto.name
        func fail(_ reason: String) -> ONNXImportError { .invalidTensor(name: name, reason: reason) }
        if proto.dataLocation == .external || !proto.externalData.isEmpty {
            throw fail("external data paths are not supported (the weights must be inside the .onnx file)")
        }
        if proto.hasSegment { throw fail("segmented tensors are not supported") }
        guard proto.dims.count <= ONNXImportLimits.maxRank else {
            throw fail("rank \(proto.dims.count) exceeds the limit of \(ONNXImportLimits.maxRank)")
        }
        var count = 1
        var shape: [Int] = []
        for dim in proto.dims {
            guard dim >= 0 else { throw fail("negative dimension \(dim) in \(proto.dims)") }
            guard dim <= Int64(ONNXImportLimits.maxTensorElements) else {
                throw fail("dimension \(dim) exceeds the limit of \(ONNXImportLimits.maxTensorElements)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= ONNXImportLimits.maxTensorElements else {
                throw fail("dimensions \(proto.dims) hold more than \(ONNXImportLimits.maxTensorElements) elements")
            }
            count = product
            shape.append(Int(dim))
        }
        self.shape = shape
        let raw = proto.rawData
        func checkRaw(_ elementSize: Int) throws {
            let (expected, overflow) = count.multipliedReportingOverflow(by: elementSize)
            guard !overflow, raw.count == expected else {
                throw fail("raw_data holds \(raw.count) bytes; dimensions \(proto.dims) need \(count) × \(elementSize) = \(expected) bytes")
            }
        }
        func checkCount(_ found: Int, _ field: String) throws {
            guard found == count else { throw fail("\(field) holds \(found) values; dimensions \(proto.dims) need \(count)") }
        }
        switch proto.dataType {
        case 1: // FLOAT
            isInteger = false
            if !raw.isEmpty || proto.floatData.isEmpty && count > 0 {
                try checkRaw(4)
                floats = Self.littleEndian(raw, count: count, size: 4) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
            } else {
                try checkCount(proto.floatData.count, "float_data")
                floats = proto.floatData
            }
            integers = floats.map { $0.isFinite && abs($0) < 1e15 ? Int($0) : 0 }
        case 11: // DOUBLE
            isInteger = false
            let doubles: [Double]
            if !raw.isEmpty || proto.doubleData.isEmpty && count > 0 {
                try checkRaw(8)
                doubles = Self.littleEndian(raw, count: count, size: 8) { Double(bitPattern: $0) }
            } else {
                try checkCount(proto.doubleData.count, "double_data")
                doubles = proto.doubleData
            }
            floats = doubles.map { Float($0) }
            integers = doubles.map { $0.isFinite && abs($0) < 1e15 ? Int($0) : 0 }
        case 6, 7, 9: // INT32, INT64, BOOL
            isInteger = true
            let size = proto.dataType == 7 ? 8 : proto.dataType == 6 ? 4 : 1
            if !raw.isEmpty || (proto.dataType == 7 ? proto.int64Data.isEmpty : proto.int32Data.isEmpty) && count > 0 {
                try checkRaw(size)
                integers = Self.littleEndian(raw, count: count, size: size) { bits in
                    switch size {
                    case 8: Int(Int64(bitPattern: bits))
                    case 4: Int(Int32(truncatingIfNeeded: bits))
                    default: Int(bits & 0xFF)
                    }
                }
            } else if proto.dataType == 7 {
                try checkCount(proto.int64Data.count, "int64_data")
                integers = proto.int64Data.map { Int($0) }
            } else {
                try checkCount(proto.int32Data.count, "int32_data")
                integers = proto.int32Data.map { Int($0) }
            }
            floats = integers.map { Float($0) }
        default:
            throw fail("element type \(proto.dataType) is not supported (float, double, int32, int64 and bool are)")
        }
    }

    /// Reads `count` little-endian values of `size` bytes (the length was checked).
    private static func littleEndian<T>(_ data: Data, count: Int, size: Int, _ convert: (UInt64) -> T) -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        data.withUnsafeBytes { buffer in
            for index in 0..<count {
                var bits: UInt64 = 0
                for byte in 0..<size {
                    bits |= UInt64(buffer[index * size + byte]) << (8 * UInt64(byte))
                }
                result.append(convert(bits))
            }
        }
        return result
    }
}
