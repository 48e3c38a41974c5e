import Glibc

/// Compiles CUDA C++ source to device code at run time with NVRTC.
///
/// NVRTC needs no GPU: kernels can be compiled, and their errors caught, on any
/// machine that has `libnvrtc` (PyPI's `nvidia-cuda-nvrtc` wheel provides it). Kernels
/// are declared `extern "C" __global__` so they are found by their plain names.
///
/// ```swift
/// let compiler = try NVRTCCompiler.processDefault()
/// let target = try compiler.target(for: CUDAComputeCapability(major: 9, minor: 0))
/// let image = try compiler.compile(source: source, programName: "axpb.cu", target: target)
/// ```
///
/// Usually reached through ``CUDAKernelCache``, which compiles each source once per
/// architecture and keeps the result in memory and on disk.
public struct NVRTCCompiler: Sendable {
    let library: NVRTCLibrary

    /// The compiler of this process: NVRTC found by ``CUDALibrarySearch/process``,
    /// opened once.
    ///
    /// - Throws: ``CUDAError/libraryNotFound(_:attempts:)`` with the locations tried.
    public static func processDefault() throws -> NVRTCCompiler {
        NVRTCCompiler(library: try CUDALibraries.nvrtc.get())
    }

    /// A compiler from the NVRTC that `search` finds first.
    ///
    /// - Parameter search: where to look.
    /// - Throws: ``CUDAError/libraryNotFound(_:attempts:)`` with the locations tried.
    public init(search: CUDALibrarySearch) throws {
        self.init(library: try NVRTCLibrary(search: search))
    }

    init(library: NVRTCLibrary) {
        self.library = library
    }

    /// NVRTC's version, e.g. 13.0.
    public var version: CUDAVersion { library.version }
    /// Where NVRTC was loaded from.
    public var libraryPath: String { library.loaded.path }
    /// The location of ``CUDALibrarySearch`` it was found in.
    public var libraryLocation: CUDALibraryLocation { library.loaded.location }
    /// Architectures it generates code for (`sm_XY` as `XY`), ascending; empty when unknown.
    public var supportedArchitectures: [Int] { library.supportedArchitectures }

    /// The best target for `device` (see ``CUDAKernelTarget/best(for:supported:nvrtcVersion:canEmitCubin:)``).
    ///
    /// - Parameter device: the device's compute capability.
    /// - Throws: ``CUDAError/unsupportedArchitecture(device:nvrtcVersion:supported:)``.
    public func target(for device: CUDAComputeCapability) throws -> CUDAKernelTarget {
        try CUDAKernelTarget.best(for: device, supported: supportedArchitectures, nvrtcVersion: version,
                                  canEmitCubin: library.api.nvrtcGetCUBIN != nil)
    }

    /// Compiles `source` for `target`.
    ///
    /// - Parameters:
    ///   - source: CUDA C++ source; kernels declared `extern "C" __global__`.
    ///   - programName: the name NVRTC uses in its messages, e.g. "elementwise.cu".
    ///   - target: cubin or PTX, and the architecture.
    ///   - options: further NVRTC options (`--use_fast_math`, `-DBLOCK=256`); the
    ///     architecture option comes from `target`.
    /// - Returns: the image, ready for ``CUDAContext/loadModule(_:)``.
    /// - Throws: ``CUDAError/compilation(program:target:log:)`` with NVRTC's log when
    ///   the source does not compile; ``CUDAError/nvrtc(call:code:message:)`` for
    ///   other NVRTC failures.
    public func compile(source: String, programName: String, target: CUDAKernelTarget,
                        options: [String] = []) throws -> CUDAKernelImage {
        let api = library.api
        if target.format == .cubin && api.nvrtcGetCUBIN == nil {
            throw CUDAError.invalidArgument("NVRTC \(version) cannot emit cubins (it predates CUDA 11.1); compile to PTX")
        }
        var program: OpaquePointer?
        try api.check(api.nvrtcCreateProgram(&program, source, programName, 0, nil, nil), "nvrtcCreateProgram(\(programName))")
        defer { _ = api.nvrtcDestroyProgram(&program) }

        let allOptions = [target.compilerOption] + options
        let optionPointers: [UnsafeMutablePointer<CChar>?] = allOptions.map { strdup($0) }
        defer { optionPointers.forEach { free($0) } }
        let constantPointers = optionPointers.map { UnsafePointer($0) }
        let compileResult = constantPointers.withUnsafeBufferPointer { buffer in
            api.nvrtcCompileProgram(program, Int32(buffer.count), buffer.baseAddress)
        }
        if compileResult == NVRTCAPI.compilationError {
            throw CUDAError.compilation(program: programName, target: target.description, log: log(of: program))
        }
        try api.check(compileResult, "nvrtcCompileProgram(\(programName))")

        var size = 0
        var bytes: [UInt8]
        switch target.format {
        case .cubin:
            guard let getSize = api.nvrtcGetCUBINSize, let get = api.nvrtcGetCUBIN else {
                throw CUDAError.invalidArgument("NVRTC \(version) cannot emit cubins")
            }
            try api.check(getSize(program, &size), "nvrtcGetCUBINSize")
            bytes = [UInt8](repeating: 0, count: size)
            try bytes.withUnsafeMutableBufferPointer { buffer in
                try buffer.withMemoryRebound(to: CChar.self) { try api.check(get(program, $0.baseAddress), "nvrtcGetCUBIN") }
            }
        case .ptx:
            try api.check(api.nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize")
            bytes = [UInt8](repeating: 0, count: size)  // includes the terminating NUL
            try bytes.withUnsafeMutableBufferPointer { buffer in
                try buffer.withMemoryRebound(to: CChar.self) { try api.check(api.nvrtcGetPTX(program, $0.baseAddress), "nvrtcGetPTX") }
            }
        }
        let image = CUDAKernelImage(target: target, bytes: bytes)
        guard image.isWellFormed else {
            throw CUDAError.invalidArgument("NVRTC returned a malformed \(target) image of \(bytes.count) bytes for \(programName)")
        }
        return image
    }

    /// NVRTC's log of `program`'s last compilation (errors and warnings).
    private func log(of program: OpaquePointer?) -> String {
        let api = library.api
        var size = 0
        guard api.nvrtcGetProgramLogSize(program, &size) == 0, size > 1 else { return "" }
        var buffer = [CChar](repeating: 0, count: size)
        guard api.nvrtcGetProgramLog(program, &buffer) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
