#if canImport(Glibc)
import Glibc
#endif

/// The CPU backend: oneDNN for matrix products, Synapse's own loops (on the same
/// OpenMP team) for elementwise, reduction and data-movement kernels.
///
/// Kernels are split by family across `CPUBackend+*.swift` files.
final class CPUBackend: Backend {
    let device = Device.cpu

    var name: String { "CPU (oneDNN \(OneDNN.version), \(OneDNN.instructionSet), \(Parallel.threadCount) threads)" }

    func allocate(byteCount: Int) -> TensorStorage {
        TensorStorage(byteCount: byteCount)
    }

    func copy(_ source: TensorStorage, byteCount: Int) -> TensorStorage {
        let result = TensorStorage(byteCount: byteCount)
        parallelCopy(from: source.baseAddress, to: result.baseAddress, byteCount: byteCount)
        return result
    }

    func upload(_ bytes: UnsafeRawBufferPointer) -> TensorStorage {
        let result = TensorStorage(byteCount: bytes.count)
        if let base = bytes.baseAddress {
            parallelCopy(from: base, to: result.baseAddress, byteCount: bytes.count)
        }
        return result
    }

    func download(_ storage: TensorStorage, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count <= storage.byteCount)
        if let base = bytes.baseAddress {
            parallelCopy(from: storage.baseAddress, to: base, byteCount: bytes.count)
        }
    }

    func fill(_ storage: TensorStorage, count: Int, dtype: DType, value: Double) {
        switch dtype {
        case .float32:
            let pointer = storage.pointer(as: Float.self)
            let scalar = Float(value)
            Parallel.forRanges(count) { range in
                (pointer + range.lowerBound).initialize(repeating: scalar, count: range.count)
            }
        case .int32:
            storage.pointer(as: Int32.self).initialize(repeating: Int32(value), count: count)
        case .bool:
            storage.pointer(as: UInt8.self).initialize(repeating: value != 0 ? 1 : 0, count: count)
        }
    }

    func cast(_ source: TensorStorage, count: Int, from: DType, to: DType) -> TensorStorage {
        if from == to { return copy(source, byteCount: count * from.byteSize) }
        let result = TensorStorage(byteCount: count * to.byteSize)
        func convert<S, D>(_: S.Type, _: D.Type, _ transform: (S) -> D) {
            let input = source.pointer(as: S.self)
            let output = result.pointer(as: D.self)
            Parallel.forRanges(count) { range in
                for index in range { output[index] = transform(input[index]) }
            }
        }
        switch (from, to) {
        // Finite values beyond the int32 range saturate (Int64(1e30) would trap);
        // NaN and infinities become 0.
        case (.float32, .int32): convert(Float.self, Int32.self) { value in
            guard value.isFinite else { return 0 }
            if value >= 2_147_483_648 { return .max }
            if value <= -2_147_483_648 { return .min }
            return Int32(value)
        }
        case (.float32, .bool): convert(Float.self, UInt8.self) { $0 != 0 ? 1 : 0 }
        case (.int32, .float32): convert(Int32.self, Float.self) { Float($0) }
        case (.int32, .bool): convert(Int32.self, UInt8.self) { $0 != 0 ? 1 : 0 }
        case (.bool, .float32): convert(UInt8.self, Float.self) { Float($0) }
        case (.bool, .int32): convert(UInt8.self, Int32.self) { Int32($0) }
        default: fatalError("cast: unsupported conversion \(from) → \(to)")
        }
        return result
    }

    /// memcpy split across threads for large blocks.
    private func parallelCopy(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, byteCount: Int) {
        Parallel.forRanges(byteCount, minimumParallelCount: 1 << 20) { range in
            memcpy(destination + range.lowerBound, source + range.lowerBound, range.count)
        }
    }
}
