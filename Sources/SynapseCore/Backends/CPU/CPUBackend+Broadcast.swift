#if canImport(Glibc)
import Glibc
#endif

/// Broadcasting elementwise kernels: binary arithmetic, comparisons and select.
extension CPUBackend {
    func binary(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, layout: BroadcastLayout) -> TensorStorage {
        let result = TensorStorage(byteCount: Shape.elementCount(layout.shape) * 4)
        let left = UnsafePointer(a.pointer(as: Float.self))
        let right = UnsafePointer(b.pointer(as: Float.self))
        let output = result.pointer(as: Float.self)
        @inline(__always) func run(_ f: (Float, Float) -> Float) {
            Self.broadcastMap(left, right, output, layout: layout, f)
        }
        switch op {
        case .add: run { $0 + $1 }
        case .subtract: run { $0 - $1 }
        case .multiply: run { $0 * $1 }
        case .divide: run { $0 / $1 }
        case .power: run { powf($0, $1) }
        // NaN propagates, as in PyTorch's minimum/maximum.
        case .minimum: run { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        case .maximum: run { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        }
        return result
    }

    func compare(_ op: ComparisonOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                 layout: BroadcastLayout) -> TensorStorage {
        let result = TensorStorage(byteCount: Shape.elementCount(layout.shape))
        let output = result.pointer(as: UInt8.self)
        func run<T: Comparable>(_: T.Type) {
            let left = UnsafePointer(a.pointer(as: T.self))
            let right = UnsafePointer(b.pointer(as: T.self))
            @inline(__always) func map(_ f: (T, T) -> Bool) {
                Self.broadcastMap(left, right, output, layout: layout) { f($0, $1) ? 1 : 0 }
            }
            switch op {
            case .equal: map(==)
            case .notEqual: map(!=)
            case .less: map(<)
            case .lessEqual: map(<=)
            case .greater: map(>)
            case .greaterEqual: map(>=)
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .int32: run(Int32.self)
        case .bool: run(UInt8.self)
        }
        return result
    }

    func select(_ mask: TensorStorage, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                layout: BroadcastLayout) -> TensorStorage {
        let result = TensorStorage(byteCount: Shape.elementCount(layout.shape) * dtype.byteSize)
        func run<T>(_: T.Type) {
            let condition = UnsafePointer(mask.pointer(as: UInt8.self))
            let whenTrue = UnsafePointer(a.pointer(as: T.self))
            let whenFalse = UnsafePointer(b.pointer(as: T.self))
            let output = result.pointer(as: T.self)
            let iteration = StridedIteration(shape: layout.shape, strides: layout.strides)
            let rowLength = iteration.rowLength
            let (s0, s1, s2) = (iteration.rowStride(0), iteration.rowStride(1), iteration.rowStride(2))
            iteration.forEachRow { row, offsets in
                let out = output + row * rowLength
                let (o0, o1, o2) = (offsets[0], offsets[1], offsets[2])
                for index in 0..<rowLength {
                    out[index] = condition[o0 + index * s0] != 0 ? whenTrue[o1 + index * s1] : whenFalse[o2 + index * s2]
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .int32: run(Int32.self)
        case .bool: run(UInt8.self)
        }
        return result
    }

    /// `output[i] = f(a[...], b[...])` under a two-operand layout, with fast paths for
    /// same-shape and scalar operands and for rows of stride 1 or 0.
    @inline(__always)
    static func broadcastMap<A, B, R>(_ a: UnsafePointer<A>, _ b: UnsafePointer<B>, _ output: UnsafeMutablePointer<R>,
                                      layout: BroadcastLayout, _ f: (A, B) -> R) {
        let count = Shape.elementCount(layout.shape)
        let iteration = StridedIteration(shape: layout.shape, strides: layout.strides)
        if iteration.shape.count == 1 {
            let (sa, sb) = (iteration.rowStride(0), iteration.rowStride(1))
            Parallel.forRanges(count) { range in
                if sa == 1 && sb == 1 {
                    for index in range { output[index] = f(a[index], b[index]) }
                } else if sa == 1 && sb == 0 {
                    let scalar = b[0]
                    for index in range { output[index] = f(a[index], scalar) }
                } else if sa == 0 && sb == 1 {
                    let scalar = a[0]
                    for index in range { output[index] = f(scalar, b[index]) }
                } else {
                    for index in range { output[index] = f(a[index * sa], b[index * sb]) }
                }
            }
            return
        }
        let rowLength = iteration.rowLength
        let (sa, sb) = (iteration.rowStride(0), iteration.rowStride(1))
        iteration.forEachRow { row, offsets in
            let out = output + row * rowLength
            let left = a + offsets[0]
            let right = b + offsets[1]
            if sa == 1 && sb == 1 {
                for index in 0..<rowLength { out[index] = f(left[index], right[index]) }
            } else if sa == 1 && sb == 0 {
                let scalar = right[0]
                for index in 0..<rowLength { out[index] = f(left[index], scalar) }
            } else if sa == 0 && sb == 1 {
                let scalar = left[0]
                for index in 0..<rowLength { out[index] = f(scalar, right[index]) }
            } else {
                for index in 0..<rowLength { out[index] = f(left[index * sa], right[index * sb]) }
            }
        }
    }
}
