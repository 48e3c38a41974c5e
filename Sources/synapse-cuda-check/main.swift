// synapse-cuda-check: proves the CUDA loading path on a machine with a GPU, and
// says in one line why CUDA is unavailable on a machine without one.
//
// Nothing CUDA is linked: the driver, cuBLAS and NVRTC are opened at run time
// (SynapseCore/Backends/CUDA). On a GPU the probe compiles and runs elementwise
// kernels, runs cuBLAS sgemm against Synapse's CPU matmul, times both with CUDA
// events and measures copy bandwidth; `--json PATH` writes the results.
import Glibc
import SynapseCore

let options: ProbeOptions
switch ProbeOptions.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let parsed):
    options = parsed
case .failure(let message):
    if message.isError {
        printError(message.text)
        exit(ProbeExit.usage.rawValue)
    }
    printLine(message.text)
    exit(ProbeExit.passed.rawValue)
}

var report: [(String, JSONValue)] = [
    ("tool", .string("synapse-cuda-check")),
    ("synapseVersion", .string(SystemInfo.synapseVersion)),
    ("date", .string(utcTimestamp())),
]

/// Writes the JSON report when `--json` was given, prints the verdict and exits.
@MainActor
func finish(_ status: ProbeExit, verdict: String) -> Never {
    report.append(("status", .string(verdict)))
    if let path = options.jsonPath {
        if let problem = writeAtomically(JSONValue.object(report).serialized() + "\n", to: path) {
            printError("synapse-cuda-check: \(problem)")
            printLine("result: \(verdict)")
            exit(ProbeExit.checkFailed.rawValue)
        }
        printLine("report: \(path)")
    }
    printLine("result: \(verdict)")
    exit(status.rawValue)
}

printLine("synapse-cuda-check (Synapse \(SystemInfo.synapseVersion))")
let availability = CUDAAvailability.current
printLine("cuda: \(availability)")
report.append(("available", .bool(availability.isAvailable)))
report.append(("availability", .string(availability.description)))

guard case .available(let installation) = availability else {
    var libraries: [(String, JSONValue)] = []
    for library in CUDALibrary.allCases {
        let line = CUDAAvailability.libraryDescription(library)
        printLine("  \(padded(library.description + ":", 13)) \(line)")
        libraries.append((library.rawValue, .string(line)))
    }
    report.append(("libraries", .object(libraries)))
    finish(options.requireGPU ? .unavailable : .passed,
           verdict: "CUDA unavailable" + (options.requireGPU ? " (--require-gpu)" : "; nothing to check"))
}

report.append(("driverVersion", .string(installation.driverVersion.description)))
report.append(("libraries", .object([
    ("driver", .string(installation.driverPath)),
    ("cublas", .string(installation.cublasPath)), ("cublasVersion", .string(installation.cublasVersion?.description ?? "unknown")),
    ("nvrtc", .string(installation.nvrtcPath)), ("nvrtcVersion", .string(installation.nvrtcVersion.description)),
])))

let context: CUDAContext
let stream: CUDAStream
do {
    context = try CUDAContext(ordinal: options.deviceOrdinal)
    stream = try CUDAStream(context: context)
} catch {
    printLine("context: FAILED: \(error)")
    report.append(("error", .string("\(error)")))
    finish(.checkFailed, verdict: "FAILED: no context on cuda:\(options.deviceOrdinal): \(error)")
}
let device = context.device
let memory = try? context.memoryInfo()
printLine("device: \(device)" + (memory.map { "; \(formatted("%.2f", Double($0.free) / 1073741824)) GiB free" } ?? ""))
report.append(("device", .object([
    ("ordinal", .int(device.ordinal)), ("name", .string(device.name)),
    ("computeCapability", .string("\(device.computeCapability.major).\(device.computeCapability.minor)")),
    ("totalMemoryBytes", .int(device.totalMemory)), ("freeMemoryBytes", memory.map { .int($0.free) } ?? .null),
    ("multiprocessors", .int(device.multiprocessorCount)),
])))

var outcomes: [CheckOutcome] = []
let (compilation, elementwise) = ElementwiseCheck(context: context, stream: stream, options: options).run()
elementwise.forEach { printLine($0.line) }
outcomes += elementwise
report.append(("compilation", compilation))
report.append(("elementwise", .array(elementwise.map(\.json))))

let matmuls = MatmulCheck(context: context, stream: stream, options: options).run()
outcomes += matmuls
report.append(("sgemm", .array(matmuls.map(\.json))))

let copy = CopyBandwidth(context: context, options: options).run()
printLine(copy.line)
outcomes.append(copy)
report.append(("copy", copy.json))

let failures = outcomes.filter { !$0.passed }
report.append(("checks", .int(outcomes.count)))
report.append(("failures", .array(failures.map { .string($0.line) })))
if failures.isEmpty {
    finish(.passed, verdict: "all \(outcomes.count) checks passed")
}
finish(.checkFailed, verdict: "FAILED: \(failures.count) of \(outcomes.count) checks: " + failures.map(\.name).joined(separator: ", "))
