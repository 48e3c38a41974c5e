/// A block of device memory, freed when the last reference goes.
///
/// Copies to and from the host are synchronous (`cuMemcpyHtoD_v2`/`cuMemcpyDtoH_v2`):
/// they return when the data has arrived, after all earlier work on the legacy
/// default stream. Sizes are checked against the buffer; a bad size is a thrown
/// ``CUDAError/invalidArgument(_:)``, never an out-of-bounds copy.
public final class CUDADeviceBuffer {
    /// The context the memory belongs to (kept alive by the buffer).
    public let context: CUDAContext
    /// Size in bytes.
    public let byteCount: Int
    /// The device address (`CUdeviceptr`), for kernel arguments.
    public let address: UInt64

    /// Allocates `byteCount` bytes on `context`'s device.
    ///
    /// - Parameters:
    ///   - context: the device's context.
    ///   - byteCount: bytes, at least 1.
    /// - Throws: ``CUDAError/outOfMemory(requested:free:total:)`` with the device's
    ///   free memory when it is full; ``CUDAError/invalidArgument(_:)`` for a size below 1.
    init(context: CUDAContext, byteCount: Int) throws {
        guard byteCount > 0 else {
            throw CUDAError.invalidArgument("CUDADeviceBuffer: cannot allocate \(byteCount) bytes")
        }
        let driver = context.driver
        var address: CUdeviceptr = 0
        let result = driver.cuMemAlloc(&address, byteCount)
        if result == CUDADriverAPI.outOfMemory {
            let (free, total) = (try? context.memoryInfo()) ?? (0, 0)
            throw CUDAError.outOfMemory(requested: byteCount, free: free, total: total)
        }
        try driver.check(result, "cuMemAlloc_v2(\(byteCount) bytes)")
        self.context = context
        self.byteCount = byteCount
        self.address = address
    }

    deinit {
        _ = context.driver.cuMemFree(address)
    }

    /// Copies host bytes to the start of this buffer.
    ///
    /// - Parameter source: at most ``byteCount`` bytes.
    /// - Throws: ``CUDAError/invalidArgument(_:)`` when `source` is larger than the
    ///   buffer; the driver's error otherwise.
    public func copy(from source: UnsafeRawBufferPointer) throws {
        guard source.count <= byteCount else {
            throw CUDAError.invalidArgument("CUDADeviceBuffer.copy(from:): \(source.count) bytes do not fit in \(byteCount)")
        }
        guard let base = source.baseAddress, source.count > 0 else { return }
        try context.driver.check(context.driver.cuMemcpyHtoD(address, base, source.count), "cuMemcpyHtoD_v2")
    }

    /// Copies the start of this buffer to host memory.
    ///
    /// - Parameter destination: at most ``byteCount`` bytes are written, as many as it holds.
    /// - Throws: ``CUDAError/invalidArgument(_:)`` when `destination` is larger than
    ///   the buffer; the driver's error otherwise (including a failed earlier kernel).
    public func copy(to destination: UnsafeMutableRawBufferPointer) throws {
        guard destination.count <= byteCount else {
            throw CUDAError.invalidArgument("CUDADeviceBuffer.copy(to:): \(destination.count) bytes requested from \(byteCount)")
        }
        guard let base = destination.baseAddress, destination.count > 0 else { return }
        try context.driver.check(context.driver.cuMemcpyDtoH(base, address, destination.count), "cuMemcpyDtoH_v2")
    }

    /// Copies float32 values to the start of this buffer.
    ///
    /// - Parameter values: at most ``byteCount`` / 4 values.
    /// - Throws: as ``copy(from:)``.
    public func upload(_ values: [Float]) throws {
        try values.withUnsafeBytes { try copy(from: $0) }
    }

    /// The first `count` float32 values of this buffer.
    ///
    /// - Parameter count: values to read, at most ``byteCount`` / 4.
    /// - Throws: as ``copy(to:)``.
    public func download(count: Int) throws -> [Float] {
        guard count >= 0 else { throw CUDAError.invalidArgument("CUDADeviceBuffer.download: count \(count) is negative") }
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBytes { try copy(to: $0) }
        return values
    }
}
