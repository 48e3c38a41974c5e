/// Page-locked ("pinned") host memory: the device copies it by DMA, so transfers
/// run at the bus's speed and can overlap kernels, where pageable memory is staged
/// through a driver buffer first.
public final class CUDAHostBuffer {
    /// The context that pinned the memory (kept alive by the buffer).
    public let context: CUDAContext
    /// The memory; ``byteCount`` bytes, uninitialised at first.
    public let bytes: UnsafeMutableRawBufferPointer

    /// Allocates `byteCount` bytes of pinned host memory.
    ///
    /// - Parameters:
    ///   - context: the context the memory is registered with.
    ///   - byteCount: bytes, at least 1.
    /// - Throws: the driver's error (pinned memory is limited by the host's RAM and
    ///   its lockable-memory limit).
    public init(context: CUDAContext, byteCount: Int) throws {
        guard byteCount > 0 else {
            throw CUDAError.invalidArgument("CUDAHostBuffer: cannot allocate \(byteCount) bytes")
        }
        var pointer: UnsafeMutableRawPointer?
        try context.driver.check(context.driver.cuMemAllocHost(&pointer, byteCount), "cuMemAllocHost_v2(\(byteCount) bytes)")
        guard let pointer else { throw CUDAError.invalidArgument("cuMemAllocHost_v2 returned no memory") }
        self.context = context
        self.bytes = UnsafeMutableRawBufferPointer(start: pointer, count: byteCount)
    }

    /// Size in bytes.
    public var byteCount: Int { bytes.count }

    deinit {
        _ = context.driver.cuMemFreeHost(bytes.baseAddress)
    }
}
