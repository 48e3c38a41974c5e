/// One GPU as the driver describes it.
public struct CUDADeviceProperties: Sendable, Equatable, CustomStringConvertible {
    /// The device's ordinal, as in ``Device/cuda(_:)``.
    public var ordinal: Int
    /// The product name, e.g. "NVIDIA H200".
    public var name: String
    /// The architecture kernels are compiled for.
    public var computeCapability: CUDAComputeCapability
    /// Device memory in bytes.
    public var totalMemory: Int
    /// Streaming multiprocessors.
    public var multiprocessorCount: Int

    /// Reads a device's properties from the driver (no context needed).
    ///
    /// - Parameters:
    ///   - ordinal: the device, from 0.
    ///   - driver: the initialised driver's entry points.
    /// - Throws: ``CUDAError/driver(call:code:name:message:)`` (an invalid ordinal, a
    ///   device in an error state).
    init(ordinal: Int, driver: CUDADriverAPI) throws {
        guard let ordinal32 = Int32(exactly: ordinal) else {
            throw CUDAError.invalidArgument("cuda:\(ordinal) is not a device ordinal")
        }
        var device: CUdevice = 0
        try driver.check(driver.cuDeviceGet(&device, ordinal32), "cuDeviceGet(\(ordinal))")
        var nameBuffer = [CChar](repeating: 0, count: 256)
        try driver.check(driver.cuDeviceGetName(&nameBuffer, Int32(nameBuffer.count - 1), device), "cuDeviceGetName")
        func attribute(_ attribute: CUDADriverAPI.DeviceAttribute) throws -> Int {
            var value: Int32 = 0
            try driver.check(driver.cuDeviceGetAttribute(&value, attribute.rawValue, device),
                             "cuDeviceGetAttribute(\(attribute))")
            return Int(value)
        }
        var totalMemory = 0
        try driver.check(driver.cuDeviceTotalMem(&totalMemory, device), "cuDeviceTotalMem_v2")
        self.ordinal = ordinal
        self.name = nameBuffer.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? "unknown GPU"
        }
        self.computeCapability = CUDAComputeCapability(major: try attribute(.computeCapabilityMajor),
                                                       minor: try attribute(.computeCapabilityMinor))
        self.totalMemory = totalMemory
        self.multiprocessorCount = try attribute(.multiprocessorCount)
    }

    /// "cuda:0 NVIDIA H200, sm_90 (9.0), 139.80 GiB, 132 SMs".
    public var description: String {
        "cuda:\(ordinal) \(name), \(computeCapability), \(CUDAError.describeBytes(totalMemory)), \(multiprocessorCount) SMs"
    }
}
