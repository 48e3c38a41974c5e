/// The CUDA shared libraries Synapse loads at run time, and the file names each may have.
///
/// Nothing CUDA is linked at build time: the driver API, cuBLAS and NVRTC are opened
/// with `dlopen` when first needed (see ``CUDALibrarySearch`` for where).
public enum CUDALibrary: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The driver API, `libcuda.so.1`, installed with the NVIDIA driver.
    case driver
    /// cuBLAS, the matrix-product library (CUDA 13 or 12).
    case cublas
    /// NVRTC, the run-time CUDA C++ compiler (CUDA 13 or 12).
    case nvrtc

    /// The file names to try in each location, most preferred (newest) first.
    public var fileNames: [String] {
        switch self {
        case .driver: ["libcuda.so.1"]
        case .cublas: ["libcublas.so.13", "libcublas.so.12"]
        case .nvrtc: ["libnvrtc.so.13", "libnvrtc.so.12"]
        }
    }

    /// For each of ``fileNames``, a library of the same version that must be loaded
    /// first from the same folder, or nil: cuBLAS needs cuBLASLt, and a folder named by
    /// `SYNAPSE_CUDA_LIBRARY_PATH` is not on the dynamic loader's search path.
    var companionFileNames: [String?] {
        switch self {
        case .driver: [nil]
        case .cublas: ["libcublasLt.so.13", "libcublasLt.so.12"]
        case .nvrtc: [nil, nil]
        }
    }

    /// Whether Python environments' `nvidia/*/lib` folders can hold this library.
    /// The driver comes with the NVIDIA driver install, never with a wheel.
    var shipsInPythonWheels: Bool { self != .driver }

    /// The name users know: "CUDA driver", "cuBLAS", "NVRTC".
    public var description: String {
        switch self {
        case .driver: "CUDA driver"
        case .cublas: "cuBLAS"
        case .nvrtc: "NVRTC"
        }
    }
}
