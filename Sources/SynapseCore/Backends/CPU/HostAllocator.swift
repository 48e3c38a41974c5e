#if canImport(Glibc)
import Glibc
#endif

/// Host memory for the CPU backend (and the isolated test device, which runs the
/// same kernels on memory of its own): 64-byte aligned blocks (a cache line, and
/// what AVX-512 loads like), large ones on transparent huge pages, freed blocks
/// kept in a ``BlockCache``.
final class HostAllocator: DeviceAllocator {
    private let cache = BlockCache()

    /// Blocks of at least this many bytes are backed by transparent huge pages.
    static let hugePageThreshold = 4 << 20
    /// The x86-64 transparent huge page size.
    static let hugePageSize = 2 << 20

    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(byteCount >= 0, "allocate: negative size \(byteCount)")
        if let reused = cache.take(byteCount: byteCount) { return reused }
        var pointer: UnsafeMutableRawPointer?
        let large = byteCount >= Self.hugePageThreshold
        // posix_memalign rejects size 0 on some systems; keep one cache line minimum.
        let result = posix_memalign(&pointer, large ? Self.hugePageSize : 64, max(byteCount, 64))
        guard result == 0, let pointer else {
            fatalError("allocate: cannot allocate \(byteCount) bytes of host memory (out of memory)")
        }
        if large { Self.adviseHugePages(pointer, byteCount: byteCount) }
        return pointer
    }

    func release(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if !cache.give(block, byteCount: byteCount) { free(block) }
    }

    func releaseCachedBlocks() {
        for block in cache.drain() { free(block) }
    }

    var cachedBytes: Int { cache.cachedBytes }

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
}
