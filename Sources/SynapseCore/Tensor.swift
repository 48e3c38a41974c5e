/// An n-dimensional array with a runtime element type, a device and an optional
/// place in the autograd graph.
///
/// `Tensor` is a value type: assigning it shares storage, and writing through
/// ``withUnsafeMutablePointer(as:_:)`` copies the storage first when it is shared.
/// Ops never write into their operands; they return new tensors.
///
/// Gradients are recorded as ops run (define-by-run). Mark leaves with
/// ``requiresGrad``, compute a scalar, call ``backward(_:createGraph:)`` and read ``grad``:
///
/// ```swift
/// var w = Tensor([[1, 2], [3, 4]])
/// w.requiresGrad = true
/// let loss = (w * w).sum()
/// loss.backward()
/// print(w.grad!)   // 2 * w
/// ```
public struct Tensor: @unchecked Sendable {
    /// Dimensions, outermost first. Empty for a scalar.
    public let shape: [Int]
    /// Element type.
    public let dtype: DType
    /// Row-major contiguous storage holding `scalarCount` elements.
    @usableFromInline var storage: TensorStorage
    /// The autograd node: a leaf that collects `grad`, or the op that made this tensor.
    @usableFromInline var node: AutogradNode?

    /// Wraps existing storage. `storage` must hold at least `shape`'s element count
    /// of `dtype` elements.
    ///
    /// - Parameters:
    ///   - storage: the buffer to wrap (not copied); its device becomes the tensor's device.
    ///   - shape: dimensions, outermost first; no dimension may be negative.
    ///   - dtype: the element type of the storage's contents.
    public init(storage: TensorStorage, shape: [Int], dtype: DType) {
        var count = 1
        for dimension in shape {
            if dimension < 0 { fatalError("Tensor: negative dimension in shape \(Shape.describe(shape))") }
            count &*= dimension
        }
        if storage.byteCount < count * dtype.byteSize {
            fatalError("Tensor: storage of \(storage.byteCount) bytes is too small for \(Shape.describe(shape)) \(dtype)")
        }
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
        self.node = nil
    }

    /// Allocates an uninitialised tensor on `device` (default: ``Device/current``).
    package init(uninitializedShape shape: [Int], dtype: DType, device: Device? = nil) {
        let storage = Backends.backend(for: device ?? .current).allocate(byteCount: Shape.elementCount(shape) * dtype.byteSize)
        self.init(storage: storage, shape: shape, dtype: dtype)
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var scalarCount: Int { Shape.elementCount(shape) }
    /// The device holding the storage.
    public var device: Device { storage.device }
    /// The backend that runs this tensor's kernels.
    var backend: any Backend { Backends.backend(for: storage.device) }

    /// Read access to the elements as a typed pointer (CPU tensors only; move others
    /// with ``to(_:)-(Device)`` first).
    ///
    /// - Parameters:
    ///   - type: the Swift element type `T` to read as; inferred from `body` by default.
    ///   - body: receives a pointer to `scalarCount` elements of `T`, which
    ///     must match ``dtype`` (`Float` for float32, `Double` for float64, `Int32` for
    ///     int32, `UInt8` for bool).
    /// - Returns: what `body` returns.
    /// - Throws: rethrows what `body` throws.
    public func withUnsafePointer<T, R>(as type: T.Type = T.self, _ body: (UnsafePointer<T>) throws -> R) rethrows -> R {
        require(device == .cpu, "withUnsafePointer: tensor is on \(device); move it with .to(.cpu) first")
        return try body(UnsafePointer(storage.pointer(as: T.self)))
    }

    /// Write access to the elements, copying the storage first when another tensor
    /// shares it. The autograd graph does not see writes made this way.
    ///
    /// - Parameters:
    ///   - type: the Swift element type `T` to write as, matching ``dtype``; inferred
    ///     from `body` by default.
    ///   - body: receives a pointer to `scalarCount` elements of `T` (CPU tensors only).
    /// - Returns: what `body` returns.
    /// - Throws: rethrows what `body` throws.
    public mutating func withUnsafeMutablePointer<T, R>(as type: T.Type = T.self, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        require(device == .cpu, "withUnsafeMutablePointer: tensor is on \(device); move it with .to(.cpu) first")
        if !isKnownUniquelyReferenced(&storage) {
            storage = backend.copy(storage, byteCount: scalarCount * dtype.byteSize)
        }
        return try body(storage.pointer(as: T.self))
    }

    /// The elements copied to host memory through the owning backend's download
    /// (the one way host code reads another device's memory; it waits for the device).
    func hostElements<T>(as type: T.Type) -> [T] {
        let count = scalarCount
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                backend.download(storage, into: UnsafeMutableRawBufferPointer(start: buffer.baseAddress,
                                                                               count: count * MemoryLayout<T>.stride))
            }
            initialized = count
        }
    }

    /// Copies the elements into `buffer` through the owning backend's download (any
    /// device; it waits for the device). `buffer` must hold exactly the tensor's bytes.
    package func copyElements(into buffer: UnsafeMutableRawBufferPointer) {
        require(buffer.count == scalarCount * dtype.byteSize,
                "copyElements: a buffer of \(buffer.count) bytes for a \(dtype) tensor of shape \(Shape.describe(shape))")
        if buffer.count > 0 { backend.download(storage, into: buffer) }
    }

    /// The elements of a float32 tensor, row-major (copied from any device).
    public var scalars: [Float] {
        require(dtype == .float32, "scalars: expected a float32 tensor, got \(dtype); use doubleScalars, intScalars or to(.float32)")
        return hostElements(as: Float.self)
    }

    /// The elements of a float64 tensor, row-major (copied from any device).
    public var doubleScalars: [Double] {
        require(dtype == .float64, "doubleScalars: expected a float64 tensor, got \(dtype); use scalars or to(.float64)")
        return hostElements(as: Double.self)
    }

    /// The elements of an int32 tensor, row-major (copied from any device).
    public var intScalars: [Int32] {
        require(dtype == .int32, "intScalars: expected an int32 tensor, got \(dtype); use to(.int32)")
        return hostElements(as: Int32.self)
    }

    /// The elements of a bool tensor, row-major (copied from any device).
    public var boolScalars: [Bool] {
        require(dtype == .bool, "boolScalars: expected a bool tensor, got \(dtype)")
        return hostElements(as: UInt8.self).map { $0 != 0 }
    }

    /// The single element of a one-element tensor, as a `Float` (any dtype, any device).
    public var item: Float {
        require(scalarCount == 1, "item: expected a tensor with one element, got shape \(Shape.describe(shape))")
        switch dtype {
        case .float32: return hostElements(as: Float.self)[0]
        case .float64: return Float(hostElements(as: Double.self)[0])
        case .int32: return Float(hostElements(as: Int32.self)[0])
        case .bool: return hostElements(as: UInt8.self)[0] != 0 ? 1 : 0
        }
    }

    /// The single element of a one-element tensor, as a `Double` (any dtype, any device).
    public var doubleItem: Double {
        require(scalarCount == 1, "doubleItem: expected a tensor with one element, got shape \(Shape.describe(shape))")
        return dtype == .float64 ? hostElements(as: Double.self)[0] : Double(item)
    }

}
