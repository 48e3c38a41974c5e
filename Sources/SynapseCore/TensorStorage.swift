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
        if let reused = BlockCache.take(byteCount: byteCount) {
            self.baseAddress = reused
        } else {
            var pointer: UnsafeMutableRawPointer?
            let large = byteCount >= Self.hugePageThreshold
            // posix_memalign rejects size 0 on some systems; keep one cache line minimum.
            let result = posix_memalign(&pointer, large ? Self.hugePageSize : 64, max(byteCount, 64))
            guard result == 0, let pointer else {
                fatalError("TensorStorage: cannot allocate \(byteCount) bytes (out of memory)")
            }
            if large { Self.adviseHugePages(pointer, byteCount: byteCount) }
            self.baseAddress = pointer
        }
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
        if !BlockCache.give(baseAddress, byteCount: byteCount) { free(baseAddress) }
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

/// Keeps recently freed large blocks for reuse by the next allocation of the same
/// size. A training step allocates the same activation and gradient sizes every
/// step; without the cache each of them is a fresh `mmap` whose pages the kernel
/// must fault in and zero again (measured: a third of an MNIST CNN step).
///
/// Only blocks of at least ``minimumBlock`` bytes are kept (small ones are cheap in
/// malloc), and at most ``limit`` bytes in total; set `SYNAPSE_ALLOCATOR_CACHE_MB`
/// to change the limit (0 turns the cache off).
enum BlockCache {
    static let minimumBlock = 64 << 10
    static let limit: Int = {
        if let text = getenv("SYNAPSE_ALLOCATOR_CACHE_MB").map({ String(cString: $0) }), let megabytes = Int(text), megabytes >= 0 {
            return megabytes << 20
        }
        return 256 << 20
    }()

    private struct State: ~Copyable {
        // Addresses as integers, so the state is Sendable.
        var blocks: [Int: [UInt]] = [:]
        var cachedBytes = 0
    }

    private static let state = Mutex(State())

    /// A cached block of exactly `byteCount` bytes, if there is one.
    static func take(byteCount: Int) -> UnsafeMutableRawPointer? {
        guard byteCount >= minimumBlock else { return nil }
        let address = state.withLock { state -> UInt? in
            guard let block = state.blocks[byteCount]?.popLast() else { return nil }
            state.cachedBytes -= byteCount
            return block
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `block` for reuse; returns false when the cache is full (the caller frees it).
    static func give(_ block: UnsafeMutableRawPointer, byteCount: Int) -> Bool {
        guard byteCount >= minimumBlock else { return false }
        let address = UInt(bitPattern: block)
        return state.withLock { state in
            guard state.cachedBytes + byteCount <= limit else { return false }
            state.blocks[byteCount, default: []].append(address)
            state.cachedBytes += byteCount
            return true
        }
    }

    /// Frees every cached block.
    static func releaseAll() {
        let blocks = state.withLock { state -> [UInt] in
            defer { state.blocks = [:]; state.cachedBytes = 0 }
            return state.blocks.values.flatMap { $0 }
        }
        for block in blocks { free(UnsafeMutableRawPointer(bitPattern: block)) }
    }

    /// Bytes currently held for reuse.
    static var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}

extension TensorStorage {
    /// Returns the blocks kept for reuse to the system (see the allocator cache).
    public static func releaseCachedBlocks() { BlockCache.releaseAll() }
    /// Bytes held by the allocator cache for reuse.
    public static var cachedBlockBytes: Int { BlockCache.cachedBytes }
}
