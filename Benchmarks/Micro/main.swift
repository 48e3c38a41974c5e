// synapse-microbench: times Synapse's CPU kernels against the raw kernel library
// on the same buffers. `make microbench` runs it (twice, for the OpenMP wait-policy
// check) together with Benchmarks/micro_numpy.py and prints the ratios.
//
//   synapse-microbench [--only CASE,...] [--repeats N] [--warmup N] [--json PATH]
//
// Cases: matmul, mlp, add, sum, small-matmul, gemv (W5's one-sample products), predict (W5's forward pass, raw and as Tensor ops), conv, lstm (W3's time loop), lstm-onednn (W3's LSTM layer step against oneDNN's LSTM primitive), optimizer (fused Adam/SGD on W1's parameters), elementwise, reduce, wait-policy (default: all).
// Threads: SYNAPSE_NUM_THREADS (default: all cores).
#if canImport(Glibc)
import Glibc
#endif
import SynapseCore

/// Command-line settings.
struct Settings {
    var repeats = 11
    var warmup = 3
    var only: Set<String> = []
    var jsonPath: String?

    static let cases = ["matmul", "mlp", "add", "sum", "small-matmul", "gemv", "predict", "conv", "lstm", "lstm-onednn", "optimizer", "elementwise", "reduce", "wait-policy"]

    func wants(_ benchmark: String) -> Bool { only.isEmpty || only.contains(benchmark) }

    /// The configured thread count, then 1 when that is more: on a machine shared
    /// with other work a parallel region waits for its slowest thread to be
    /// scheduled, so one-thread timings are the steadier measure of a kernel.
    /// Read once at start: the cases change `Parallel.threadCount` while they run.
    let threadCounts: [Int] = Parallel.threadCount > 1 ? [Parallel.threadCount, 1] : [1]
}

func usage() -> Never {
    print("usage: synapse-microbench [--only \(Settings.cases.joined(separator: ","))] [--repeats N] [--warmup N] [--json PATH]")
    exit(2)
}

func parseSettings(_ arguments: [String]) -> Settings {
    var settings = Settings()
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
        switch argument {
        case "--repeats":
            guard let value = remaining.popFirst().flatMap({ Int($0) }), value >= 5 else {
                print("--repeats needs a number of at least 5 (medians of fewer mean little here)")
                exit(2)
            }
            settings.repeats = value
        case "--warmup":
            guard let value = remaining.popFirst().flatMap({ Int($0) }), value >= 0 else { usage() }
            settings.warmup = value
        case "--only":
            guard let list = remaining.popFirst() else { usage() }
            let names = list.split(separator: ",").map(String.init)
            for name in names where !Settings.cases.contains(name) {
                print("unknown case '\(name)'")
                usage()
            }
            settings.only.formUnion(names)
        case "--json":
            guard let path = remaining.popFirst() else { usage() }
            settings.jsonPath = path
        case "--help", "-h":
            usage()
        default:
            print("unknown argument '\(argument)'")
            usage()
        }
    }
    return settings
}

let settings = parseSettings(Array(CommandLine.arguments.dropFirst()))
let info = SystemInfo.current
var report = Report(threads: Parallel.threadCount, cores: Parallel.processorCount,
                    ompWaitPolicy: getenv("OMP_WAIT_POLICY").map { String(cString: $0) } ?? "default",
                    kernelLibrary: "\(info.kernelLibrary), \(info.instructionSet)")

if settings.wants("matmul") {
    MatmulCases.tensorVersusRaw("matmul", m: 1024, k: 1024, n: 1024, settings: settings, report: &report)
}
if settings.wants("mlp") {
    MatmulCases.tensorVersusRaw("mlp", m: 128, k: 784, n: 512, settings: settings, report: &report)
    MatmulCases.tensorVersusRaw("mlp", m: 128, k: 512, n: 256, settings: settings, report: &report)
}
if settings.wants("add") { ElementwiseCases.add(settings: settings, report: &report) }
if settings.wants("sum") { ElementwiseCases.sum(settings: settings, report: &report) }
if settings.wants("small-matmul") { MatmulCases.smallProducts(settings: settings, report: &report) }
if settings.wants("gemv") {
    // W5's single-sample predict: the three products of the W1 model with one row.
    MatmulCases.tensorVersusRaw("gemv", m: 1, k: 784, n: 512, settings: settings, report: &report)
    MatmulCases.tensorVersusRaw("gemv", m: 1, k: 512, n: 256, settings: settings, report: &report)
    MatmulCases.tensorVersusRaw("gemv", m: 1, k: 256, n: 10, settings: settings, report: &report)
}
if settings.wants("predict") { PredictCases.run(settings: settings, report: &report) }
if settings.wants("conv") { ConvolutionCases.run(settings: settings, report: &report) }
if settings.wants("lstm") { RecurrentCases.lstm(settings: settings, report: &report) }
if settings.wants("lstm-onednn") { OneDNNRecurrentCase.run(settings: settings, report: &report) }
if settings.wants("optimizer") { OptimizerCases.run(settings: settings, report: &report) }
if settings.wants("elementwise") { ActivationCases.elementwise(settings: settings, report: &report) }
if settings.wants("reduce") { ActivationCases.reductions(settings: settings, report: &report) }
if settings.wants("wait-policy") { ElementwiseCases.waitPolicy(settings: settings, report: &report) }

report.printTable()
if let path = settings.jsonPath {
    do {
        try report.writeJSON(to: path)
    } catch {
        print("cannot write \(path): \(error)")
        exit(1)
    }
}
