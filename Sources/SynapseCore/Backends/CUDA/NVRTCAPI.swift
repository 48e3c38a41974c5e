/// The NVRTC entry points Synapse calls, resolved once from `libnvrtc.so.13` (or `.12`).
///
/// Signatures mirror `nvrtc.h`. NVRTC needs no GPU and no driver: kernels can be
/// compiled, and their compile errors caught, on any machine that has the library.
struct NVRTCAPI: Sendable {
    typealias Result = Int32
    typealias Program = OpaquePointer?
    typealias StringList = UnsafePointer<UnsafePointer<CChar>?>?

    let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Result
    let nvrtcGetErrorString: @convention(c) (Result) -> UnsafePointer<CChar>?
    let nvrtcCreateProgram: @convention(c) (
        UnsafeMutablePointer<OpaquePointer?>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32, StringList, StringList
    ) -> Result
    let nvrtcDestroyProgram: @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Result
    let nvrtcCompileProgram: @convention(c) (Program, Int32, StringList) -> Result
    let nvrtcGetProgramLogSize: @convention(c) (Program, UnsafeMutablePointer<Int>?) -> Result
    let nvrtcGetProgramLog: @convention(c) (Program, UnsafeMutablePointer<CChar>?) -> Result
    let nvrtcGetPTXSize: @convention(c) (Program, UnsafeMutablePointer<Int>?) -> Result
    let nvrtcGetPTX: @convention(c) (Program, UnsafeMutablePointer<CChar>?) -> Result
    /// Present since CUDA 11.1; without it only PTX can be produced.
    let nvrtcGetCUBINSize: (@convention(c) (Program, UnsafeMutablePointer<Int>?) -> Result)?
    let nvrtcGetCUBIN: (@convention(c) (Program, UnsafeMutablePointer<CChar>?) -> Result)?
    /// Present since CUDA 11.2.
    let nvrtcGetNumSupportedArchs: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Result)?
    let nvrtcGetSupportedArchs: (@convention(c) (UnsafeMutablePointer<Int32>?) -> Result)?

    /// `NVRTC_ERROR_COMPILATION`.
    static let compilationError: Result = 6

    /// Resolves every entry point from an opened NVRTC.
    ///
    /// - Parameter library: `libnvrtc.so.13` or `.12`.
    /// - Throws: ``CUDAError/missingSymbol(library:symbol:)`` for the first one missing.
    init(library: SharedLibrary) throws {
        nvrtcVersion = try library.requiredFunction("nvrtcVersion")
        nvrtcGetErrorString = try library.requiredFunction("nvrtcGetErrorString")
        nvrtcCreateProgram = try library.requiredFunction("nvrtcCreateProgram")
        nvrtcDestroyProgram = try library.requiredFunction("nvrtcDestroyProgram")
        nvrtcCompileProgram = try library.requiredFunction("nvrtcCompileProgram")
        nvrtcGetProgramLogSize = try library.requiredFunction("nvrtcGetProgramLogSize")
        nvrtcGetProgramLog = try library.requiredFunction("nvrtcGetProgramLog")
        nvrtcGetPTXSize = try library.requiredFunction("nvrtcGetPTXSize")
        nvrtcGetPTX = try library.requiredFunction("nvrtcGetPTX")
        nvrtcGetCUBINSize = library.function("nvrtcGetCUBINSize")
        nvrtcGetCUBIN = library.function("nvrtcGetCUBIN")
        nvrtcGetNumSupportedArchs = library.function("nvrtcGetNumSupportedArchs")
        nvrtcGetSupportedArchs = library.function("nvrtcGetSupportedArchs")
    }

    /// Throws a ``CUDAError/nvrtc(call:code:message:)`` unless `result` is `NVRTC_SUCCESS`.
    ///
    /// - Parameters:
    ///   - result: what the call returned.
    ///   - call: the call's name.
    func check(_ result: Result, _ call: @autoclosure () -> String) throws {
        guard result != 0 else { return }
        let message = nvrtcGetErrorString(result).map { String(cString: $0) } ?? "unknown NVRTC error"
        throw CUDAError.nvrtc(call: call(), code: result, message: message)
    }
}
