#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A block of device memory that one or more tensors share.
///
/// Storage is 64-byte aligned (a cache line, and what AVX-512 loads like) and
/// immutable once a tensor is handed out: ``Tensor`` copies it before writing when
/// it is shared (copy-on-write). Live storage is counted so tests can prove that
/// training steps do not leak.
public final class TensorStorage: @unchecked Sendable {
    /// Base address; valid for `byteCount` bytes.
    public let baseAddress: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    /// The device that owns this memory.
    public let device: Device

    private static let liveCount = Atomic<Int>(0)
    private static let liveBytes = Atomic<Int>(0)

    /// Allocates `byteCount` uninitialised bytes on the CPU.
    public init(byteCount: Int) {
        precondition(byteCount >= 0, "TensorStorage: negative size \(byteCount)")
        var pointer: UnsafeMutableRawPointer?
        // posix_memalign rejects size 0 on some systems; keep one cache line minimum.
        let result = posix_memalign(&pointer, 64, max(byteCount, 64))
        guard result == 0, let pointer else {
            fatalError("TensorStorage: cannot allocate \(byteCount) bytes (out of memory)")
        }
        self.baseAddress = pointer
        self.byteCount = byteCount
        self.device = .cpu
        Self.liveCount.wrappingAdd(1, ordering: .relaxed)
        Self.liveBytes.wrappingAdd(byteCount, ordering: .relaxed)
    }

    deinit {
        free(baseAddress)
        Self.liveCount.wrappingSubtract(1, ordering: .relaxed)
        Self.liveBytes.wrappingSubtract(byteCount, ordering: .relaxed)
    }

    /// Number of storage blocks alive in this process (all devices).
    public static var liveAllocationCount: Int { liveCount.load(ordering: .relaxed) }
    /// Bytes held by live storage blocks in this process (all devices).
    public static var liveAllocationBytes: Int { liveBytes.load(ordering: .relaxed) }

    /// Typed view of the memory.
    @inlinable
    public func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        baseAddress.assumingMemoryBound(to: T.self)
    }
}
