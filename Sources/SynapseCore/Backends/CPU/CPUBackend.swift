#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The CPU backend: oneDNN for matrix products, Synapse's own loops (on the same
/// OpenMP team) for elementwise, reduction and data-movement kernels.
///
/// Kernels are split by family across `CPUBackend+*.swift` files.
///
/// The same kernels also serve the ``Device/isolated`` test device: an instance
/// made for it allocates from an allocator of its own and tags its storage with
/// that device, so host code cannot read it except through ``download(_:into:)``.
final class CPUBackend: Backend {
    let device: Device
    let allocator: any DeviceAllocator = HostAllocator()
    /// How many times ``download(_:into:)`` has run: the tests count the device reads
    /// a training step makes on the isolated device.
    let downloadCount = Atomic<Int>(0)

    /// The CPU backend, or (with `device: .isolated`) the isolated test device's.
    ///
    /// - Parameter device: `.cpu` or `.isolated`.
    init(device: Device = .cpu) {
        precondition(device == .cpu || device == .isolated, "CPUBackend serves the cpu and isolated devices only")
        self.device = device
    }

    /// Denormals flushed to zero on the calling thread for the duration (the kernel
    /// team's workers always flush).
    func withExecutionContext<R>(_ body: () throws -> R) rethrows -> R {
        try FloatingPointMode.withFlushedDenormals(body)
    }

    var name: String {
        let kernels = "oneDNN \(OneDNN.version), \(OneDNN.instructionSet), \(Parallel.threadCount) threads"
        return device == .cpu ? "CPU (\(kernels))" : "isolated test device (the CPU kernels on memory host code cannot read; \(kernels))"
    }

    func allocate(byteCount: Int) -> TensorStorage {
        TensorStorage(address: allocator.allocate(byteCount: byteCount), byteCount: byteCount, device: device,
                      allocator: allocator)
    }

    func copy(_ source: TensorStorage, byteCount: Int) -> TensorStorage {
        let result = allocate(byteCount: byteCount)
        parallelCopy(from: source.address, to: result.address, byteCount: byteCount)
        return result
    }

    func upload(_ bytes: UnsafeRawBufferPointer) -> TensorStorage {
        let result = allocate(byteCount: bytes.count)
        if let base = bytes.baseAddress {
            parallelCopy(from: base, to: result.address, byteCount: bytes.count)
        }
        return result
    }

    func download(_ storage: TensorStorage, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count <= storage.byteCount)
        downloadCount.add(1, ordering: .relaxed)
        if let base = bytes.baseAddress {
            parallelCopy(from: storage.address, to: base, byteCount: bytes.count)
        }
    }

    func fill(_ storage: TensorStorage, count: Int, dtype: DType, value: Double) {
        switch dtype {
        case .float32:
            let pointer = storage.kernelPointer(as: Float.self)
            let scalar = Float(value)
            Parallel.forRanges(count) { range in
                (pointer + range.lowerBound).initialize(repeating: scalar, count: range.count)
            }
        case .float64:
            storage.kernelPointer(as: Double.self).initialize(repeating: value, count: count)
        case .int32:
            storage.kernelPointer(as: Int32.self).initialize(repeating: Int32(value), count: count)
        case .bool:
            storage.kernelPointer(as: UInt8.self).initialize(repeating: value != 0 ? 1 : 0, count: count)
        }
    }

    func cast(_ source: TensorStorage, count: Int, from: DType, to: DType) -> TensorStorage {
        if from == to { return copy(source, byteCount: count * from.byteSize) }
        let result = allocate(byteCount: count * to.byteSize)
        func convert<S, D>(_: S.Type, _: D.Type, _ transform: (S) -> D) {
            let input = source.kernelPointer(as: S.self)
            let output = result.kernelPointer(as: D.self)
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
        case (.float32, .float64): convert(Float.self, Double.self) { Double($0) }
        case (.float64, .float32): convert(Double.self, Float.self) { Float($0) }
        case (.float64, .int32): convert(Double.self, Int32.self) { value in
            guard value.isFinite else { return 0 }
            if value >= 2_147_483_648 { return .max }
            if value <= -2_147_483_648 { return .min }
            return Int32(value)
        }
        case (.float64, .bool): convert(Double.self, UInt8.self) { $0 != 0 ? 1 : 0 }
        case (.int32, .float64): convert(Int32.self, Double.self) { Double($0) }
        case (.bool, .float64): convert(UInt8.self, Double.self) { Double($0) }
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
