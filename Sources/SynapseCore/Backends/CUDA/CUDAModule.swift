/// Compiled kernels loaded into a context (`CUmodule`), unloaded when the last
/// reference (including its functions') goes.
public final class CUDAModule {
    /// The context it is loaded into.
    public let context: CUDAContext
    /// The `CUmodule`.
    let handle: CUhandle

    /// Loads a cubin or PTX image.
    ///
    /// - Parameters:
    ///   - context: the context to load into (must be current).
    ///   - image: the compiled kernels.
    /// - Throws: the driver's error: `CUDA_ERROR_NO_BINARY_FOR_GPU` for a cubin of
    ///   another architecture, `CUDA_ERROR_UNSUPPORTED_PTX_VERSION` for PTX from an
    ///   NVRTC newer than the driver.
    init(context: CUDAContext, image: CUDAKernelImage) throws {
        let driver = context.driver
        var module: CUhandle?
        let result = image.bytes.withUnsafeBytes { bytes in driver.cuModuleLoadData(&module, bytes.baseAddress) }
        try driver.check(result, "cuModuleLoadData(\(image.target))")
        guard let module else { throw CUDAError.invalidArgument("cuModuleLoadData returned no module") }
        self.context = context
        self.handle = module
    }

    deinit {
        _ = context.driver.cuModuleUnload(handle)
    }

    /// The kernel named `name` (declared `extern "C" __global__` in the source).
    ///
    /// - Parameter name: the kernel's unmangled name.
    /// - Throws: `CUDA_ERROR_NOT_FOUND` when the module has no such kernel.
    public func function(named name: String) throws -> CUDAFunction {
        var function: CUhandle?
        try context.driver.check(context.driver.cuModuleGetFunction(&function, handle, name), "cuModuleGetFunction(\(name))")
        guard let function else { throw CUDAError.invalidArgument("cuModuleGetFunction(\(name)) returned no function") }
        return CUDAFunction(module: self, handle: function, name: name)
    }
}

/// One argument of a kernel launch, passed by value as the kernel declares it.
public enum CUDAKernelArgument: Sendable {
    /// A device address (`float*`, `const float*`, …).
    case address(UInt64)
    /// `float`.
    case float(Float)
    /// `int`.
    case int32(Int32)
    /// `long long` / `int64_t`.
    case int64(Int64)
    /// `unsigned long long` / `size_t`.
    case uint64(UInt64)

    /// The address of `buffer`.
    ///
    /// - Parameter buffer: device memory the kernel reads or writes.
    public static func buffer(_ buffer: CUDADeviceBuffer) -> CUDAKernelArgument { .address(buffer.address) }
}

/// A kernel of a loaded module (`CUfunction`).
public struct CUDAFunction {
    /// The module holding it (kept alive by the function).
    public let module: CUDAModule
    /// The `CUfunction`.
    let handle: CUhandle
    /// The kernel's name.
    public let name: String

    /// Queues the kernel on `stream` (or the legacy default stream).
    ///
    /// - Parameters:
    ///   - gridSize: blocks in x, y, z (each at least 1).
    ///   - blockSize: threads per block in x, y, z (product at most 1024).
    ///   - sharedMemoryBytes: dynamic shared memory per block.
    ///   - stream: where to queue it; nil for the legacy default stream.
    ///   - arguments: the kernel's parameters, in order, of the types it declares.
    /// - Throws: ``CUDAError/invalidArgument(_:)`` for an empty or oversized launch;
    ///   the driver's launch error otherwise. Errors inside the kernel surface at the
    ///   next synchronisation.
    public func launch(gridSize: (x: Int, y: Int, z: Int), blockSize: (x: Int, y: Int, z: Int),
                       sharedMemoryBytes: Int = 0, stream: CUDAStream? = nil,
                       arguments: [CUDAKernelArgument]) throws {
        let dimensions = [gridSize.x, gridSize.y, gridSize.z, blockSize.x, blockSize.y, blockSize.z, sharedMemoryBytes]
        guard dimensions.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }),
              dimensions.prefix(6).allSatisfy({ $0 >= 1 }) else {
            throw CUDAError.invalidArgument("\(name): cannot launch grid \(gridSize) of blocks \(blockSize) with \(sharedMemoryBytes) bytes of shared memory")
        }
        // Each argument in its own 8-byte slot; the driver reads each by the kernel's
        // parameter sizes from the pointer in `parameters`.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, arguments.count) * 8, alignment: 8)
        defer { storage.deallocate() }
        var parameters: [UnsafeMutableRawPointer?] = []
        for (index, argument) in arguments.enumerated() {
            let slot = storage + index * 8
            switch argument {
            case .address(let value): slot.storeBytes(of: value, as: UInt64.self)
            case .float(let value): slot.storeBytes(of: value, as: Float.self)
            case .int32(let value): slot.storeBytes(of: value, as: Int32.self)
            case .int64(let value): slot.storeBytes(of: value, as: Int64.self)
            case .uint64(let value): slot.storeBytes(of: value, as: UInt64.self)
            }
            parameters.append(slot)
        }
        let driver = module.context.driver
        let result = parameters.withUnsafeMutableBufferPointer { buffer in
            driver.cuLaunchKernel(handle, UInt32(gridSize.x), UInt32(gridSize.y), UInt32(gridSize.z),
                                  UInt32(blockSize.x), UInt32(blockSize.y), UInt32(blockSize.z),
                                  UInt32(sharedMemoryBytes), stream?.handle, buffer.baseAddress, nil)
        }
        try driver.check(result, "cuLaunchKernel(\(name))")
    }
}
