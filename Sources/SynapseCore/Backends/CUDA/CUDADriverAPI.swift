/// The CUDA driver API's types as the C header declares them (`cuda.h` is never
/// included: nothing CUDA is needed to build Synapse).
typealias CUresult = Int32
typealias CUdevice = Int32
/// A device address; `unsigned long long` since the `_v2` API.
typealias CUdeviceptr = UInt64
/// `CUcontext`, `CUmodule`, `CUfunction`, `CUstream`, `CUevent`: opaque handles.
typealias CUhandle = OpaquePointer

/// The driver API entry points Synapse calls, resolved once from `libcuda.so.1`.
///
/// Where the driver exports a `_v2` entry point (64-bit sizes and addresses), that is
/// the one resolved; the unversioned names of those calls are the CUDA 3.x ABI.
/// Every signature mirrors `cuda.h` exactly (`size_t` is `Int`, `unsigned int` is
/// `UInt32`, `CUdeviceptr` is `UInt64`).
struct CUDADriverAPI: Sendable {
    typealias Handle = CUhandle?
    typealias HandleOut = UnsafeMutablePointer<CUhandle?>?

    let cuInit: @convention(c) (UInt32) -> CUresult
    let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>?) -> CUresult
    let cuGetErrorName: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> CUresult
    let cuGetErrorString: @convention(c) (CUresult, UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> CUresult

    let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>?) -> CUresult
    let cuDeviceGet: @convention(c) (UnsafeMutablePointer<CUdevice>?, Int32) -> CUresult
    let cuDeviceGetName: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, CUdevice) -> CUresult
    let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>?, Int32, CUdevice) -> CUresult
    let cuDeviceTotalMem: @convention(c) (UnsafeMutablePointer<Int>?, CUdevice) -> CUresult

    let cuDevicePrimaryCtxRetain: @convention(c) (HandleOut, CUdevice) -> CUresult
    let cuDevicePrimaryCtxRelease: @convention(c) (CUdevice) -> CUresult
    let cuCtxSetCurrent: @convention(c) (Handle) -> CUresult
    let cuCtxSynchronize: @convention(c) () -> CUresult

    let cuMemAlloc: @convention(c) (UnsafeMutablePointer<CUdeviceptr>?, Int) -> CUresult
    let cuMemFree: @convention(c) (CUdeviceptr) -> CUresult
    let cuMemAllocHost: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int) -> CUresult
    let cuMemFreeHost: @convention(c) (UnsafeMutableRawPointer?) -> CUresult
    let cuMemcpyHtoD: @convention(c) (CUdeviceptr, UnsafeRawPointer?, Int) -> CUresult
    let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer?, CUdeviceptr, Int) -> CUresult
    let cuMemGetInfo: @convention(c) (UnsafeMutablePointer<Int>?, UnsafeMutablePointer<Int>?) -> CUresult

    let cuModuleLoadData: @convention(c) (HandleOut, UnsafeRawPointer?) -> CUresult
    let cuModuleUnload: @convention(c) (Handle) -> CUresult
    let cuModuleGetFunction: @convention(c) (HandleOut, Handle, UnsafePointer<CChar>?) -> CUresult
    let cuLaunchKernel: @convention(c) (
        Handle, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, Handle,
        UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> CUresult

    let cuStreamCreate: @convention(c) (HandleOut, UInt32) -> CUresult
    let cuStreamDestroy: @convention(c) (Handle) -> CUresult
    let cuStreamSynchronize: @convention(c) (Handle) -> CUresult

    let cuEventCreate: @convention(c) (HandleOut, UInt32) -> CUresult
    let cuEventDestroy: @convention(c) (Handle) -> CUresult
    let cuEventRecord: @convention(c) (Handle, Handle) -> CUresult
    let cuEventSynchronize: @convention(c) (Handle) -> CUresult
    let cuEventElapsedTime: @convention(c) (UnsafeMutablePointer<Float>?, Handle, Handle) -> CUresult

    /// `CUdevice_attribute` values used by Synapse.
    enum DeviceAttribute: Int32 {
        case multiprocessorCount = 16
        case computeCapabilityMajor = 75
        case computeCapabilityMinor = 76
    }

    /// `CUDA_ERROR_OUT_OF_MEMORY`.
    static let outOfMemory: CUresult = 2
    /// `CUDA_ERROR_NO_DEVICE`.
    static let noDevice: CUresult = 100

    /// Resolves every entry point from an opened `libcuda.so.1`.
    ///
    /// - Parameter library: the driver library.
    /// - Throws: ``CUDAError/missingSymbol(library:symbol:)`` naming the first entry
    ///   point the driver lacks (a driver older than CUDA 11).
    init(library: SharedLibrary) throws {
        cuInit = try library.requiredFunction("cuInit")
        cuDriverGetVersion = try library.requiredFunction("cuDriverGetVersion")
        cuGetErrorName = try library.requiredFunction("cuGetErrorName")
        cuGetErrorString = try library.requiredFunction("cuGetErrorString")
        cuDeviceGetCount = try library.requiredFunction("cuDeviceGetCount")
        cuDeviceGet = try library.requiredFunction("cuDeviceGet")
        cuDeviceGetName = try library.requiredFunction("cuDeviceGetName")
        cuDeviceGetAttribute = try library.requiredFunction("cuDeviceGetAttribute")
        cuDeviceTotalMem = try library.requiredFunction("cuDeviceTotalMem_v2")
        cuDevicePrimaryCtxRetain = try library.requiredFunction("cuDevicePrimaryCtxRetain")
        cuDevicePrimaryCtxRelease = try library.requiredFunction("cuDevicePrimaryCtxRelease_v2")
        cuCtxSetCurrent = try library.requiredFunction("cuCtxSetCurrent")
        cuCtxSynchronize = try library.requiredFunction("cuCtxSynchronize")
        cuMemAlloc = try library.requiredFunction("cuMemAlloc_v2")
        cuMemFree = try library.requiredFunction("cuMemFree_v2")
        cuMemAllocHost = try library.requiredFunction("cuMemAllocHost_v2")
        cuMemFreeHost = try library.requiredFunction("cuMemFreeHost")
        cuMemcpyHtoD = try library.requiredFunction("cuMemcpyHtoD_v2")
        cuMemcpyDtoH = try library.requiredFunction("cuMemcpyDtoH_v2")
        cuMemGetInfo = try library.requiredFunction("cuMemGetInfo_v2")
        cuModuleLoadData = try library.requiredFunction("cuModuleLoadData")
        cuModuleUnload = try library.requiredFunction("cuModuleUnload")
        cuModuleGetFunction = try library.requiredFunction("cuModuleGetFunction")
        cuLaunchKernel = try library.requiredFunction("cuLaunchKernel")
        cuStreamCreate = try library.requiredFunction("cuStreamCreate")
        cuStreamDestroy = try library.requiredFunction("cuStreamDestroy_v2")
        cuStreamSynchronize = try library.requiredFunction("cuStreamSynchronize")
        cuEventCreate = try library.requiredFunction("cuEventCreate")
        cuEventDestroy = try library.requiredFunction("cuEventDestroy_v2")
        cuEventRecord = try library.requiredFunction("cuEventRecord")
        cuEventSynchronize = try library.requiredFunction("cuEventSynchronize")
        // CUDA 12.8 added a `_v2` with the same signature; CUDA 13 drivers keep both.
        cuEventElapsedTime = try library.function("cuEventElapsedTime_v2")
            ?? library.requiredFunction("cuEventElapsedTime")
    }

    /// Throws a ``CUDAError`` describing `result` unless it is `CUDA_SUCCESS`.
    ///
    /// - Parameters:
    ///   - result: what the driver call returned.
    ///   - call: the call's name, for the message.
    func check(_ result: CUresult, _ call: @autoclosure () -> String) throws {
        guard result != 0 else { return }
        throw error(result, call: call())
    }

    /// The ``CUDAError`` for a failed driver call, with the driver's name and
    /// explanation of the code.
    ///
    /// - Parameters:
    ///   - result: the failing code.
    ///   - call: the call's name.
    func error(_ result: CUresult, call: String) -> CUDAError {
        var name: UnsafePointer<CChar>?
        var message: UnsafePointer<CChar>?
        let nameKnown = cuGetErrorName(result, &name) == 0
        let messageKnown = cuGetErrorString(result, &message) == 0
        return .driver(call: call, code: result,
                       name: nameKnown ? name.map { String(cString: $0) } ?? "CUDA error" : "CUDA error",
                       message: messageKnown ? message.map { String(cString: $0) } ?? "no description" : "unknown error code")
    }
}
