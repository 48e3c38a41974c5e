/// The driver API, opened and initialised (`cuInit`) once.
struct CUDADriver: Sendable {
    /// The entry points.
    let api: CUDADriverAPI
    /// Where the library came from.
    let loaded: LoadedCUDALibrary
    /// The driver's CUDA version (`cuDriverGetVersion`), e.g. 13.0.
    let version: CUDAVersion
    /// GPUs the driver sees.
    let deviceCount: Int

    /// Opens `libcuda.so.1`, resolves its entry points, calls `cuInit(0)` and counts
    /// the GPUs.
    ///
    /// - Parameter search: where to look.
    /// - Throws: ``CUDAError`` when the library is missing or incomplete, `cuInit`
    ///   fails, or there is no GPU (``CUDAError/noDevice``).
    init(search: CUDALibrarySearch) throws {
        loaded = try LoadedCUDALibrary.load(.driver, search: search)
        api = try CUDADriverAPI(library: loaded.library)
        let initResult = api.cuInit(0)
        if initResult == CUDADriverAPI.noDevice { throw CUDAError.noDevice }
        try api.check(initResult, "cuInit")
        var encodedVersion: Int32 = 0
        try api.check(api.cuDriverGetVersion(&encodedVersion), "cuDriverGetVersion")
        version = CUDAVersion(driverEncoding: Int(encodedVersion))
        var count: Int32 = 0
        try api.check(api.cuDeviceGetCount(&count), "cuDeviceGetCount")
        guard count > 0 else { throw CUDAError.noDevice }
        deviceCount = Int(count)
    }
}

/// cuBLAS, opened once.
struct CUBLASLibrary: Sendable {
    /// The entry points.
    let api: CUBLASAPI
    /// Where the library came from.
    let loaded: LoadedCUDALibrary
    /// cuBLAS' version, e.g. 13.1.0, when it reports one.
    let version: CUDAVersion?

    /// Opens cuBLAS (and cuBLASLt beside it) and resolves its entry points; needs no GPU.
    ///
    /// - Parameter search: where to look.
    /// - Throws: ``CUDAError`` when the library is missing or incomplete.
    init(search: CUDALibrarySearch) throws {
        loaded = try LoadedCUDALibrary.load(.cublas, search: search)
        api = try CUBLASAPI(library: loaded.library)
        version = api.version
    }
}

/// NVRTC, opened once.
struct NVRTCLibrary: Sendable {
    /// The entry points.
    let api: NVRTCAPI
    /// Where the library came from.
    let loaded: LoadedCUDALibrary
    /// NVRTC's version, e.g. 13.0.
    let version: CUDAVersion
    /// The `sm_XY` architectures it generates code for, as numbers (75, 80, …, 120),
    /// ascending; empty when this NVRTC cannot list them (before CUDA 11.2).
    let supportedArchitectures: [Int]

    /// Opens NVRTC and resolves its entry points; needs no GPU.
    ///
    /// - Parameter search: where to look.
    /// - Throws: ``CUDAError`` when the library is missing or incomplete.
    init(search: CUDALibrarySearch) throws {
        loaded = try LoadedCUDALibrary.load(.nvrtc, search: search)
        api = try NVRTCAPI(library: loaded.library)
        var major: Int32 = 0
        var minor: Int32 = 0
        try api.check(api.nvrtcVersion(&major, &minor), "nvrtcVersion")
        version = CUDAVersion(major: Int(major), minor: Int(minor))
        var architectures: [Int] = []
        if let countFunction = api.nvrtcGetNumSupportedArchs, let listFunction = api.nvrtcGetSupportedArchs {
            var count: Int32 = 0
            if countFunction(&count) == 0, count > 0 {
                var list = [Int32](repeating: 0, count: Int(count))
                if listFunction(&list) == 0 { architectures = list.map(Int.init).sorted() }
            }
        }
        supportedArchitectures = architectures
    }
}

/// The CUDA libraries of this process, each opened at most once, on first use, from
/// ``CUDALibrarySearch/process``. Failures are kept as values: asking again gives the
/// same answer without searching again.
enum CUDALibraries {
    /// The driver, initialised, with at least one GPU.
    static let driver: Result<CUDADriver, CUDAError> = catching { try CUDADriver(search: .process) }
    /// cuBLAS.
    static let cublas: Result<CUBLASLibrary, CUDAError> = catching { try CUBLASLibrary(search: .process) }
    /// NVRTC.
    static let nvrtc: Result<NVRTCLibrary, CUDAError> = catching { try NVRTCLibrary(search: .process) }

    /// `body`'s value, or the ``CUDAError`` it threw (any other error is described
    /// as an invalid argument; the loaders throw nothing else).
    static func catching<Value>(_ body: () throws -> Value) -> Result<Value, CUDAError> {
        do {
            return .success(try body())
        } catch let error as CUDAError {
            return .failure(error)
        } catch {
            return .failure(.invalidArgument("\(error)"))
        }
    }
}
