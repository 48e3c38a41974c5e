/// A GPU's primary context, current on the thread that made it: the object through
/// which memory is allocated, modules are loaded and work is synchronised.
///
/// Uses the device's *primary* context, the one the CUDA runtime (and so PyTorch)
/// shares, so Synapse and other CUDA code in the same process see the same memory.
/// Buffers, modules, streams and events keep their context alive.
///
/// ```swift
/// let context = try CUDAContext(ordinal: 0)
/// let buffer = try context.allocate(byteCount: 1 << 20)
/// ```
///
/// The driver makes a context current per thread; this type is used from the thread
/// that created it (call ``makeCurrent()`` before using it from another one).
public final class CUDAContext {
    /// The device's properties.
    public let device: CUDADeviceProperties
    /// The driver's entry points.
    let driver: CUDADriverAPI
    /// The `CUcontext`.
    let handle: CUhandle
    private let deviceHandle: CUdevice

    /// Retains the primary context of GPU `ordinal` and makes it current.
    ///
    /// - Parameter ordinal: the device, from 0.
    /// - Throws: ``CUDAError``: CUDA unavailable (the reason ``CUDAAvailability``
    ///   gives), no such device, or the driver's error.
    public init(ordinal: Int = 0) throws {
        let loaded = try CUDALibraries.driver.get()
        guard ordinal >= 0 && ordinal < loaded.deviceCount else {
            throw CUDAError.invalidArgument("cuda:\(ordinal) does not exist; this machine has \(loaded.deviceCount) GPU\(loaded.deviceCount == 1 ? "" : "s")")
        }
        let driver = loaded.api
        device = try CUDADeviceProperties(ordinal: ordinal, driver: driver)
        var deviceHandle: CUdevice = 0
        try driver.check(driver.cuDeviceGet(&deviceHandle, Int32(ordinal)), "cuDeviceGet")
        var context: CUhandle?
        try driver.check(driver.cuDevicePrimaryCtxRetain(&context, deviceHandle), "cuDevicePrimaryCtxRetain")
        guard let context else {
            throw CUDAError.invalidArgument("cuDevicePrimaryCtxRetain returned no context for cuda:\(ordinal)")
        }
        self.driver = driver
        self.handle = context
        self.deviceHandle = deviceHandle
        try makeCurrent()
    }

    deinit {
        _ = driver.cuDevicePrimaryCtxRelease(deviceHandle)
    }

    /// Makes this context current on the calling thread.
    ///
    /// - Throws: ``CUDAError/driver(call:code:name:message:)``.
    public func makeCurrent() throws {
        try driver.check(driver.cuCtxSetCurrent(handle), "cuCtxSetCurrent")
    }

    /// Waits until all work queued on this context has finished.
    ///
    /// - Throws: the first asynchronous error of that work (a kernel's illegal address).
    public func synchronize() throws {
        try driver.check(driver.cuCtxSynchronize(), "cuCtxSynchronize")
    }

    /// Free and total device memory in bytes, as the driver sees them now.
    ///
    /// - Throws: ``CUDAError/driver(call:code:name:message:)``.
    public func memoryInfo() throws -> (free: Int, total: Int) {
        var free = 0
        var total = 0
        try driver.check(driver.cuMemGetInfo(&free, &total), "cuMemGetInfo_v2")
        return (free, total)
    }

    /// Allocates uninitialised device memory.
    ///
    /// - Parameter byteCount: bytes, at least 1.
    /// - Throws: ``CUDAError/outOfMemory(requested:free:total:)`` when the device is full.
    public func allocate(byteCount: Int) throws -> CUDADeviceBuffer {
        try CUDADeviceBuffer(context: self, byteCount: byteCount)
    }

    /// Loads compiled kernels into this context.
    ///
    /// - Parameter image: a cubin or PTX from ``NVRTCCompiler`` or ``CUDAKernelCache``.
    /// - Throws: the driver's error (PTX newer than the driver understands, a cubin
    ///   for another architecture).
    public func loadModule(_ image: CUDAKernelImage) throws -> CUDAModule {
        try CUDAModule(context: self, image: image)
    }
}
