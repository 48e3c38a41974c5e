/// Whether this process can run CUDA kernels, and if not, why, in one line.
///
/// CUDA is usable when the driver (`libcuda.so.1`) loads and initialises, it sees at
/// least one GPU, and cuBLAS and NVRTC load (see ``CUDALibrarySearch`` for where they
/// are looked for). The answer is computed once per process. `synapse info` prints it:
///
/// ```
/// cuda:             unavailable — libcuda.so.1 not found (tried the system library path, /usr/local/cuda/lib64, /usr/lib/wsl/lib)
/// ```
public enum CUDAAvailability: Sendable, Equatable, CustomStringConvertible {
    /// Everything loaded; what was found.
    case available(CUDAInstallation)
    /// The first thing that is missing or failed.
    case unavailable(CUDAError)

    /// This process's answer (loads the libraries on first use).
    public static var current: CUDAAvailability { cached }

    private static let cached: CUDAAvailability = {
        let found: Result<CUDAInstallation, CUDAError> = CUDALibraries.driver.flatMap { driver in
            CUDALibraries.cublas.flatMap { cublas in
                CUDALibraries.nvrtc.flatMap { nvrtc in
                    CUDALibraries.catching {
                        CUDAInstallation(driverVersion: driver.version,
                                         driverPath: driver.loaded.path,
                                         devices: try (0..<driver.deviceCount).map {
                                             try CUDADeviceProperties(ordinal: $0, driver: driver.api)
                                         },
                                         cublasVersion: cublas.version,
                                         cublasPath: cublas.loaded.path,
                                         nvrtcVersion: nvrtc.version,
                                         nvrtcPath: nvrtc.loaded.path)
                    }
                }
            }
        }
        switch found {
        case .success(let installation): return .available(installation)
        case .failure(let error): return .unavailable(error)
        }
    }()

    /// Whether CUDA kernels can run.
    public var isAvailable: Bool {
        if case .available = self { true } else { false }
    }

    /// One line: "available — 1 GPU (NVIDIA H200, sm_90 (9.0)); driver 13.0; …" or
    /// "unavailable — libcuda.so.1 not found (tried …)".
    public var description: String {
        switch self {
        case .available(let installation): "available — \(installation)"
        case .unavailable(let error): "unavailable — \(error)"
        }
    }
}

/// What a working CUDA installation consists of.
public struct CUDAInstallation: Sendable, Equatable, CustomStringConvertible {
    /// The driver's CUDA version.
    public var driverVersion: CUDAVersion
    /// Where `libcuda.so.1` was loaded from.
    public var driverPath: String
    /// The GPUs, by ordinal.
    public var devices: [CUDADeviceProperties]
    /// cuBLAS' version, when it reports one.
    public var cublasVersion: CUDAVersion?
    /// Where cuBLAS was loaded from.
    public var cublasPath: String
    /// NVRTC's version.
    public var nvrtcVersion: CUDAVersion
    /// Where NVRTC was loaded from.
    public var nvrtcPath: String

    public var description: String {
        let names = devices.map { "\($0.name), \($0.computeCapability)" }.joined(separator: "; ")
        return "\(devices.count) GPU\(devices.count == 1 ? "" : "s") (\(names)); driver \(driverVersion); "
            + "cuBLAS \(cublasVersion?.description ?? "?") (\(cublasPath)); NVRTC \(nvrtcVersion) (\(nvrtcPath))"
    }
}

extension CUDAAvailability {
    /// One library on its own, in one line: "13.0 (/path/libnvrtc.so.13)" when it
    /// loaded, else why not. Useful when CUDA as a whole is unavailable (no driver)
    /// but NVRTC or cuBLAS were found.
    ///
    /// - Parameter library: the library.
    public static func libraryDescription(_ library: CUDALibrary) -> String {
        switch library {
        case .driver:
            switch CUDALibraries.driver {
            case .success(let driver): "CUDA \(driver.version), \(driver.deviceCount) GPU\(driver.deviceCount == 1 ? "" : "s") (\(driver.loaded.path))"
            case .failure(let error): "unavailable — \(error)"
            }
        case .cublas:
            switch CUDALibraries.cublas {
            case .success(let cublas): "\(cublas.version?.description ?? "version unknown") (\(cublas.loaded.path))"
            case .failure(let error): "unavailable — \(error)"
            }
        case .nvrtc:
            switch CUDALibraries.nvrtc {
            case .success(let nvrtc): "\(nvrtc.version) (\(nvrtc.loaded.path))"
            case .failure(let error): "unavailable — \(error)"
            }
        }
    }
}
