import SynapseCore

/// An error reading or writing NumPy files: the file (when there is one) and what
/// is wrong with it, in words a user can act on. A damaged or hostile file never traps.
public struct NumPyError: Error, CustomStringConvertible, Equatable {
    /// The file, or `nil` for bytes in memory.
    public var path: String?
    /// What is wrong.
    public var reason: String

    /// - Parameters:
    ///   - path: the file, if any.
    ///   - reason: what is wrong.
    public init(path: String? = nil, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.map { "\($0): \(reason)" } ?? reason }

    /// The same error attributed to `path` (kept if it already names a file).
    func at(_ path: String) -> NumPyError { NumPyError(path: self.path ?? path, reason) }
}

/// One array in NumPy's `.npy` format (version 1, 2 or 3): its element type, shape
/// and raw bytes, little-endian and in C (row-major) order.
///
/// Reading checks everything: the magic string, the header (a Python dict literal,
/// parsed, never evaluated), the element type, the shape against the file's size.
/// Object arrays (`dtype=object`, stored as pickles) are refused: nothing is ever
/// unpickled. Big-endian and Fortran-ordered arrays are converted on reading.
///
/// ```swift
/// let array = try NumPyArray(parsing: bytes)   // from np.save
/// let x = try array.tensor()                   // float32 [60000, 784]
/// let back = NumPyArray(x).serialized()        // np.load reads it
/// ```
public struct NumPyArray: Sendable, Equatable {
    /// The element types Synapse reads and writes, by NumPy's type code.
    public enum ElementType: String, Sendable, CaseIterable {
        /// 32-bit floating point (`f4`).
        case float32 = "f4"
        /// 64-bit floating point (`f8`).
        case float64 = "f8"
        /// 32-bit signed integer (`i4`).
        case int32 = "i4"
        /// 64-bit signed integer (`i8`).
        case int64 = "i8"
        /// 8-bit unsigned integer (`u1`).
        case uint8 = "u1"
        /// Boolean, one byte per element (`b1`).
        case bool = "b1"

        /// Bytes per element.
        public var byteSize: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            case .uint8, .bool: 1
            }
        }

        /// NumPy's `descr` for little-endian data: "<f4", "|u1", ...
        var descriptor: String { (byteSize == 1 ? "|" : "<") + rawValue }
    }

    /// The element type.
    public var elementType: ElementType
    /// The dimensions, outermost first (`[]` for a 0-d array).
    public var shape: [Int]
    /// `shape`'s element count × the element size, little-endian, C order.
    public var bytes: [UInt8]

    /// An array from its parts.
    ///
    /// - Parameters:
    ///   - elementType: the element type.
    ///   - shape: the dimensions.
    ///   - bytes: little-endian, C order; exactly `elementCount · byteSize` of them.
    public init(elementType: ElementType, shape: [Int], bytes: [UInt8]) {
        require(bytes.count == Shape.elementCount(shape) * elementType.byteSize,
                "NumPyArray: \(bytes.count) bytes do not hold \(Shape.describe(shape)) \(elementType)")
        (self.elementType, self.shape, self.bytes) = (elementType, shape, bytes)
    }

    /// A tensor's values (float32 as `<f4`, float64 as `<f8`, int32 as `<i4`, bool as `|b1`).
    ///
    /// - Parameter tensor: any dtype, on any device (read through its backend).
    public init(_ tensor: Tensor) {
        let bytes: [UInt8]
        let type: ElementType
        switch tensor.dtype {
        case .float32: (type, bytes) = (.float32, tensor.scalars.withUnsafeBytes { Array($0) })
        case .float64: (type, bytes) = (.float64, tensor.doubleScalars.withUnsafeBytes { Array($0) })
        case .int32: (type, bytes) = (.int32, tensor.intScalars.withUnsafeBytes { Array($0) })
        case .bool: (type, bytes) = (.bool, tensor.boolScalars.map { $0 ? 1 : 0 })
        }
        self.init(elementType: type, shape: tensor.shape, bytes: bytes)
    }

    /// Parses a whole `.npy` file.
    ///
    /// - Parameter data: the file's bytes.
    /// - Throws: ``NumPyError`` naming what is wrong.
    public init(parsing data: [UInt8]) throws {
        let header = try NumPyHeader(parsing: data)
        let end = header.dataOffset + header.byteCount
        guard data.count >= end else {
            throw NumPyError("truncated: the header promises \(Shape.describe(header.shape)) of \(header.elementType) (\(header.byteCount) bytes) but the file has \(data.count - header.dataOffset) data bytes")
        }
        var bytes = Array(data[header.dataOffset..<end])
        if header.bigEndian { NumPyHeader.swapBytes(&bytes, elementSize: header.elementType.byteSize) }
        if header.fortranOrder {
            bytes = NumPyHeader.cOrder(fromFortran: bytes, shape: header.shape, elementSize: header.elementType.byteSize)
        }
        self.init(elementType: header.elementType, shape: header.shape, bytes: bytes)
    }

    /// The `.npy` file bytes (format version 1.0, or 2.0 when the header needs it).
    public func serialized() -> [UInt8] {
        NumPyHeader.encode(elementType: elementType, shape: shape) + bytes
    }

    /// The values as a CPU tensor: float32 and float64 as they are, int32 as int32,
    /// int64 and uint8 as int32 (int64 values outside Int32's range are refused), bool as bool.
    ///
    /// - Throws: ``NumPyError`` for int64 values that do not fit in int32.
    public func tensor() throws -> Tensor {
        try NumPyHeader.tensor(from: bytes[...], elementType: elementType, shape: shape)
    }
}
