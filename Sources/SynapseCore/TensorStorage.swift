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
        let large = byteCount >= Self.hugePageThreshold
        // posix_memalign rejects size 0 on some systems; keep one cache line minimum.
        let result = posix_memalign(&pointer, large ? Self.hugePageSize : 64, max(byteCount, 64))
        guard result == 0, let pointer else {
            fatalError("TensorStorage: cannot allocate \(byteCount) bytes (out of memory)")
        }
        if large { Self.adviseHugePages(pointer, byteCount: byteCount) }
        self.baseAddress = pointer
        self.byteCount = byteCount
        self.device = .cpu
        Self.liveCount.wrappingAdd(1, ordering: .relaxed)
        Self.liveBytes.wrappingAdd(byteCount, ordering: .relaxed)
    }

    /// Blocks of at least this many bytes are backed by transparent huge pages.
    static let hugePageThreshold = 4 << 20
    /// The x86-64 transparent huge page size.
    static let hugePageSize = 2 << 20

    /// Asks the kernel for 2 MB pages under a large block, as NumPy does for arrays
    /// of 4 MB and more. A fresh 40 MB result then takes 20 page faults instead of
    /// about 10,000: on the benchmark machine allocating and first touching 40 MB
    /// fell from ~16 ms to ~3 ms, which was most of the time of a 10M-element add.
    /// The block is 2 MB aligned so every one of its pages can be huge. Without
    /// transparent huge pages (or with them off) the advice is a no-op.
    private static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        _ = madvise(pointer, byteCount, MADV_HUGEPAGE)
        #endif
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
