/// The command line of `synapse-cuda-check`.
struct ProbeOptions {
    /// Where to write the JSON report, or nil for none.
    var jsonPath: String?
    /// Exit with ``ProbeExit/unavailable`` (3) instead of 0 when CUDA cannot be used.
    var requireGPU = false
    /// The GPU to test.
    var deviceOrdinal = 0
    /// Timed repetitions per measurement, after the warm-up.
    var repeats = 20
    /// Smaller problems and fewer repetitions (a smoke test).
    var quick = false

    static let usage = """
    usage: synapse-cuda-check [--json PATH] [--require-gpu] [--device N] [--repeats N] [--quick]

    Loads the CUDA driver, cuBLAS and NVRTC at run time and checks them against the CPU:
    an NVRTC-compiled elementwise kernel on 2^24 floats, cuBLAS sgemm on several shapes
    (timed with CUDA events), and host<->device copy bandwidth.

      --json PATH     also write the results as JSON to PATH
      --require-gpu   exit 3 (instead of 0) when CUDA is unavailable
      --device N      the GPU to test (default 0)
      --repeats N     timed repetitions per measurement (default 20)
      --quick         smaller problems, fewer repetitions

    Exit status: 0 all checks passed (or CUDA unavailable without --require-gpu),
    1 a check failed, 2 bad arguments, 3 CUDA unavailable with --require-gpu.
    """

    /// Parses the arguments after the program name.
    ///
    /// - Parameter arguments: `CommandLine.arguments.dropFirst()`.
    /// - Returns: the options, or a message for the user (the usage text for `--help`).
    static func parse(_ arguments: [String]) -> Result<ProbeOptions, ProbeUsageMessage> {
        var options = ProbeOptions()
        var remaining = arguments[...]
        func value(for flag: String) -> Result<String, ProbeUsageMessage> {
            guard let value = remaining.popFirst(), !value.hasPrefix("--") else {
                return .failure(ProbeUsageMessage(text: "\(flag) needs a value\n\n\(usage)", isError: true))
            }
            return .success(value)
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--json":
                switch value(for: argument) {
                case .success(let path): options.jsonPath = path
                case .failure(let message): return .failure(message)
                }
            case "--device", "--repeats":
                switch value(for: argument) {
                case .success(let text):
                    guard let number = Int(text), number >= (argument == "--device" ? 0 : 1), number <= 10_000 else {
                        return .failure(ProbeUsageMessage(text: "\(argument) expects a number, got '\(text)'", isError: true))
                    }
                    if argument == "--device" { options.deviceOrdinal = number } else { options.repeats = number }
                case .failure(let message): return .failure(message)
                }
            case "--require-gpu": options.requireGPU = true
            case "--quick": options.quick = true
            case "--help", "-h": return .failure(ProbeUsageMessage(text: usage, isError: false))
            default:
                return .failure(ProbeUsageMessage(text: "unknown argument '\(argument)'\n\n\(usage)", isError: true))
            }
        }
        return .success(options)
    }
}

/// Text for the user instead of a run: the usage, or an argument error.
struct ProbeUsageMessage: Error {
    var text: String
    var isError: Bool
}

/// The exit statuses of `synapse-cuda-check`.
enum ProbeExit: Int32 {
    case passed = 0
    case checkFailed = 1
    case usage = 2
    case unavailable = 3
}
