/// The cuBLAS entry points Synapse calls, resolved once from `libcublas.so.13` (or `.12`).
///
/// Signatures mirror `cublas_api.h`; the handle and stream are opaque pointers,
/// matrices are device addresses passed as raw pointers, scalars are host pointers
/// (cuBLAS' default pointer mode).
struct CUBLASAPI: Sendable {
    typealias Status = Int32
    typealias Handle = OpaquePointer?

    let cublasCreate: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Status
    let cublasDestroy: @convention(c) (Handle) -> Status
    let cublasSetStream: @convention(c) (Handle, OpaquePointer?) -> Status
    let cublasSetMathMode: @convention(c) (Handle, Int32) -> Status
    let cublasGetProperty: @convention(c) (Int32, UnsafeMutablePointer<Int32>?) -> Status
    let cublasSgemm: @convention(c) (
        Handle, Int32, Int32, Int32, Int32, Int32,
        UnsafePointer<Float>?, UnsafeRawPointer?, Int32, UnsafeRawPointer?, Int32,
        UnsafePointer<Float>?, UnsafeMutableRawPointer?, Int32
    ) -> Status
    let cublasSgemmStridedBatched: @convention(c) (
        Handle, Int32, Int32, Int32, Int32, Int32,
        UnsafePointer<Float>?, UnsafeRawPointer?, Int32, Int64, UnsafeRawPointer?, Int32, Int64,
        UnsafePointer<Float>?, UnsafeMutableRawPointer?, Int32, Int64, Int32
    ) -> Status
    /// Present since cuBLAS 11.4.2; older libraries get a generic message.
    let cublasGetStatusString: (@convention(c) (Status) -> UnsafePointer<CChar>?)?

    /// `cublasOperation_t`.
    static let noTranspose: Int32 = 0
    static let transpose: Int32 = 1
    /// `CUBLAS_DEFAULT_MATH`: full float32 arithmetic; TF32 tensor cores are used only
    /// when `NVIDIA_TF32_OVERRIDE=1` forces them process-wide.
    static let defaultMath: Int32 = 0

    /// Resolves every entry point from an opened cuBLAS.
    ///
    /// - Parameter library: `libcublas.so.13` or `.12`.
    /// - Throws: ``CUDAError/missingSymbol(library:symbol:)`` for the first one missing.
    init(library: SharedLibrary) throws {
        cublasCreate = try library.requiredFunction("cublasCreate_v2")
        cublasDestroy = try library.requiredFunction("cublasDestroy_v2")
        cublasSetStream = try library.requiredFunction("cublasSetStream_v2")
        cublasSetMathMode = try library.requiredFunction("cublasSetMathMode")
        cublasGetProperty = try library.requiredFunction("cublasGetProperty")
        cublasSgemm = try library.requiredFunction("cublasSgemm_v2")
        cublasSgemmStridedBatched = try library.requiredFunction("cublasSgemmStridedBatched")
        cublasGetStatusString = library.function("cublasGetStatusString")
    }

    /// cuBLAS' version from `cublasGetProperty` (major, minor, patch); needs no GPU.
    var version: CUDAVersion? {
        var parts: [Int32] = [0, 0, 0]
        for index in 0..<3 where cublasGetProperty(Int32(index), &parts[index]) != 0 { return nil }
        return CUDAVersion(major: Int(parts[0]), minor: Int(parts[1]), patch: Int(parts[2]))
    }

    /// Throws a ``CUDAError/cublas(call:status:message:)`` unless `status` is
    /// `CUBLAS_STATUS_SUCCESS`.
    ///
    /// - Parameters:
    ///   - status: what the call returned.
    ///   - call: the call's name.
    func check(_ status: Status, _ call: @autoclosure () -> String) throws {
        guard status != 0 else { return }
        let message = cublasGetStatusString.flatMap { $0(status) }.map { String(cString: $0) }
            ?? "see cublasStatus_t in cublas_api.h"
        throw CUDAError.cublas(call: call(), status: status, message: message)
    }
}
