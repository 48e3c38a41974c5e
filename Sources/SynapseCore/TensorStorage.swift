import Synchronization

/// A block of device memory that one or more tensors share.
///
/// Storage belongs to the backend of its ``device``: that backend's allocator made
/// it and frees it (through a block cache per device), and only that backend's
/// kernels touch its memory. Host code reads CPU storage only; anything else moves
/// through the backend's download (``Tensor/to(_:)-(Device)``, ``Tensor/scalars``).
///
/// Storage is immutable once a tensor is handed out: ``Tensor`` copies it before
/// writing when it is shared (copy-on-write). Live storage is counted so tests can
/// prove that training steps do not leak.
public final class TensorStorage: @unchecked Sendable {
    /// The block's address in the device's address space (for CUDA, a device pointer).
    @usableFromInline let address: UnsafeMutableRawPointer
    /// Size in bytes.
    public let byteCount: Int
    /// The device that owns this memory.
    public let device: Device
    /// The allocator that made the block and takes it back.
    let allocator: any DeviceAllocator

    private static let liveCount = Atomic<Int>(0)
    private static let liveBytes = Atomic<Int>(0)

    /// Wraps a block that `allocator` made for `device`.
    ///
    /// - Parameters:
    ///   - address: the block, valid for `byteCount` bytes on `device`.
    ///   - byteCount: its size.
    ///   - device: where it lives.
    ///   - allocator: frees it when the storage is released.
    init(address: UnsafeMutableRawPointer, byteCount: Int, device: Device, allocator: any DeviceAllocator) {
        self.address = address
        self.byteCount = byteCount
        self.device = device
        self.allocator = allocator
        Self.liveCount.wrappingAdd(1, ordering: .relaxed)
        Self.liveBytes.wrappingAdd(byteCount, ordering: .relaxed)
    }

    /// Allocates `byteCount` uninitialised bytes of host memory from the CPU backend.
    ///
    /// - Parameter byteCount: the size in bytes.
    public convenience init(byteCount: Int) {
        let backend = Backends.cpu
        self.init(address: backend.allocator.allocate(byteCount: byteCount), byteCount: byteCount, device: .cpu,
                  allocator: backend.allocator)
    }

    /// The base address of CPU memory, for host code (stops for other devices, as
    /// ``pointer(as:)`` does).
    public var baseAddress: UnsafeMutableRawPointer { UnsafeMutableRawPointer(pointer(as: UInt8.self)) }

    deinit {
        allocator.release(address, byteCount: byteCount)
        Self.liveCount.wrappingSubtract(1, ordering: .relaxed)
        Self.liveBytes.wrappingSubtract(byteCount, ordering: .relaxed)
    }

    /// Number of storage blocks alive in this process (all devices).
    public static var liveAllocationCount: Int { liveCount.load(ordering: .relaxed) }
    /// Bytes held by live storage blocks in this process (all devices).
    public static var liveAllocationBytes: Int { liveBytes.load(ordering: .relaxed) }

    /// Typed host view of CPU memory.
    ///
    /// Stops when the storage lives on another device: host code must not read
    /// device memory; move the tensor with ``Tensor/to(_:)-(Device)`` first.
    ///
    /// - Parameter type: the element type to view the bytes as (`Float` for float32,
    ///   `Double` for float64, `Int32` for int32, `UInt8` for bool).
    /// - Returns: a pointer to the start of the storage, bound to `T`.
    @inlinable
    public func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        if device != .cpu {
            fatalError("host read of \(device) memory: move the tensor with .to(.cpu) first (only the \(device) backend may touch it)")
        }
        return address.assumingMemoryBound(to: T.self)
    }

    /// Typed view for the kernels of the backend that owns the memory. Only backend
    /// code calls this.
    @inline(__always)
    func kernelPointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        address.assumingMemoryBound(to: T.self)
    }
}

extension TensorStorage {
    /// Returns the blocks every device's allocator keeps for reuse to the system.
    public static func releaseCachedBlocks() {
        for backend in Backends.loaded { backend.allocator.releaseCachedBlocks() }
    }
    /// Bytes held for reuse by all devices' allocators.
    public static var cachedBlockBytes: Int {
        Backends.loaded.reduce(0) { $0 + $1.allocator.cachedBytes }
    }
}

/// Makes and takes back the memory of one device. Each backend owns one; storage
/// keeps a reference to it so the block goes back to the allocator that made it.
public protocol DeviceAllocator: AnyObject, Sendable {
    /// A block of at least `byteCount` bytes (64-byte aligned or better).
    ///
    /// - Parameter byteCount: the size in bytes (0 is allowed).
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer
    /// Takes back a block made by ``allocate(byteCount:)``; the allocator may keep it for reuse.
    ///
    /// - Parameters:
    ///   - block: the address ``allocate(byteCount:)`` returned.
    ///   - byteCount: the size it was asked for.
    func release(_ block: UnsafeMutableRawPointer, byteCount: Int)
    /// Frees every block kept for reuse.
    func releaseCachedBlocks()
    /// Bytes kept for reuse.
    var cachedBytes: Int { get }
}

/// Keeps recently freed large blocks for reuse by the next allocation of the same
/// size. A training step allocates the same activation and gradient sizes every
/// step; without the cache each of them is a fresh `mmap` whose pages the kernel
/// must fault in and zero again (measured: a third of an MNIST CNN step). One cache
/// per device, owned by its allocator.
///
/// Only blocks of at least ``minimumBlock`` bytes are kept (small ones are cheap in
/// malloc), and at most ``limit`` bytes in total; set `SYNAPSE_ALLOCATOR_CACHE_MB`
/// to change the limit (0 turns the cache off).
final class BlockCache: Sendable {
    static let minimumBlock = 64 << 10
    static let defaultLimit: Int = {
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

    private let state = Mutex(State())
    let limit: Int

    /// A cache holding at most `limit` bytes.
    init(limit: Int = BlockCache.defaultLimit) {
        self.limit = limit
    }

    /// A cached block of exactly `byteCount` bytes, if there is one.
    func take(byteCount: Int) -> UnsafeMutableRawPointer? {
        guard byteCount >= Self.minimumBlock else { return nil }
        let address = state.withLock { state -> UInt? in
            guard let block = state.blocks[byteCount]?.popLast() else { return nil }
            state.cachedBytes -= byteCount
            return block
        }
        return address.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Keeps `block` for reuse; returns false when the cache is full (the caller frees it).
    func give(_ block: UnsafeMutableRawPointer, byteCount: Int) -> Bool {
        guard byteCount >= Self.minimumBlock else { return false }
        let address = UInt(bitPattern: block)
        return state.withLock { state in
            guard state.cachedBytes + byteCount <= limit else { return false }
            state.blocks[byteCount, default: []].append(address)
            state.cachedBytes += byteCount
            return true
        }
    }

    /// Removes every cached block and returns them (the caller frees them).
    func drain() -> [UnsafeMutableRawPointer] {
        let blocks = state.withLock { state -> [UInt] in
            defer { state.blocks = [:]; state.cachedBytes = 0 }
            return state.blocks.values.flatMap { $0 }
        }
        return blocks.compactMap { UnsafeMutableRawPointer(bitPattern: $0) }
    }

    /// Bytes currently held for reuse.
    var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}

#if canImport(Glibc)
import Glibc
#endif
