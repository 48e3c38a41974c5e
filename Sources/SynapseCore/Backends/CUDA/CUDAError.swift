/// Everything that can go wrong loading CUDA, compiling kernels or calling the GPU.
///
/// Every case describes itself in one readable line (a compile error adds NVRTC's
/// log below it); none is a crash. Errors of the driver, cuBLAS and NVRTC carry the
/// call that failed, the library's code and the library's own explanation.
public enum CUDAError: Error, Sendable, Equatable, CustomStringConvertible {
    /// None of the library's files could be opened from any location; `attempts`
    /// lists every location tried and, where a file was there, why it was refused.
    case libraryNotFound(CUDALibrary, attempts: [CUDALibraryAttempt])
    /// The library opened but lacks an entry point Synapse calls (too old a version).
    case missingSymbol(library: String, symbol: String)
    /// The driver works but reports no GPU.
    case noDevice
    /// A driver API call returned an error: its name (`CUDA_ERROR_OUT_OF_MEMORY`) and
    /// the driver's explanation.
    case driver(call: String, code: Int32, name: String, message: String)
    /// A cuBLAS call returned an error status.
    case cublas(call: String, status: Int32, message: String)
    /// An NVRTC call other than compilation returned an error.
    case nvrtc(call: String, code: Int32, message: String)
    /// NVRTC rejected a kernel source; `log` is the compiler's full output.
    case compilation(program: String, target: String, log: String)
    /// NVRTC cannot generate code the device runs: the device's architecture is
    /// older than the oldest NVRTC supports.
    case unsupportedArchitecture(device: CUDAComputeCapability, nvrtcVersion: CUDAVersion, supported: [Int])
    /// An allocation of `requested` bytes failed; `free` and `total` are the
    /// device's memory at the time.
    case outOfMemory(requested: Int, free: Int, total: Int)
    /// A call was given arguments it cannot accept (sizes, buffer lengths); the
    /// message names the call and the values.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .libraryNotFound(let library, let attempts):
            let names = library.fileNames.joined(separator: " or ")
            let refused = attempts.contains { if case .failed = $0.outcome { true } else { false } }
            let tried = attempts.map(\.description).joined(separator: ", ")
            return "\(names) \(refused ? "could not be loaded" : "not found") (tried \(tried))"
        case .missingSymbol(let library, let symbol):
            return "\(library) has no \(symbol); it is older than Synapse supports"
        case .noDevice:
            return "the CUDA driver reports no GPU"
        case .driver(let call, let code, let name, let message):
            return "\(call) failed: \(name) (\(code)): \(message)"
        case .cublas(let call, let status, let message):
            return "\(call) failed: cuBLAS status \(status): \(message)"
        case .nvrtc(let call, let code, let message):
            return "\(call) failed: NVRTC error \(code): \(message)"
        case .compilation(let program, let target, let log):
            let trimmed = log.trimmingTrailingWhitespace
            return "NVRTC could not compile \(program) for \(target)" + (trimmed.isEmpty ? " (no log)" : ":\n" + trimmed)
        case .unsupportedArchitecture(let device, let version, let supported):
            let range = supported.isEmpty ? "none" : "sm_\(supported.min() ?? 0) to sm_\(supported.max() ?? 0)"
            return "NVRTC \(version) cannot compile for \(device): it supports \(range); use an older CUDA's NVRTC"
        case .outOfMemory(let requested, let free, let total):
            return "out of GPU memory: asked for \(Self.describeBytes(requested)), "
                + "\(Self.describeBytes(free)) free of \(Self.describeBytes(total))"
        case .invalidArgument(let message):
            return message
        }
    }

    /// `bytes` in the largest binary unit that keeps a value ≥ 1, e.g. "1.50 GiB".
    static func describeBytes(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }
}

extension String {
    /// The string without trailing spaces, tabs, newlines and NUL characters.
    var trimmingTrailingWhitespace: String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace || last == "\0" { scalars.removeLast() }
        return String(scalars)
    }
}
