#if canImport(Glibc)
import Glibc
#endif
import SynapseCore

/// Memory-bound cases on 10M float32 elements: elementwise add, full sum, and the
/// add right after a large sgemm (does oneDNN's idle OpenMP team slow our kernels?).
enum ElementwiseCases {
    /// Elements per operand (40 MB of float32 each).
    static let count = 10_000_000

    static func operands(seed: UInt64) -> (Tensor, Tensor) {
        var generator = RandomGenerator(seed: seed)
        return (Tensor.randomUniform([count], low: -1, high: 1, generator: &generator),
                Tensor.randomUniform([count], low: -1, high: 1, generator: &generator))
    }

    /// `a + b` (a fresh 40 MB result each call, as NumPy's `a + b`), on the configured
    /// threads and on one thread.
    static func add(settings: Settings, report: inout Report) {
        let (a, b) = operands(seed: 3)
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let timing = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) { blackHole(a + b) }
            report.rows.append(Row(benchmark: "add", variant: "10M float32 a + b, \(Report.threads(threads))",
                                   timing: timing, flops: Double(count)))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
        // What a fresh 40 MB result costs before any arithmetic: allocation plus
        // first touch of every page (the floor under any `a + b` that returns new memory).
        let bytes = count * 4
        let touch = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
            let storage = TensorStorage(byteCount: bytes)
            memset(storage.baseAddress, 0, bytes)
            blackHole(storage)
        }
        report.rows.append(Row(benchmark: "add", variant: "allocate + first touch of 40 MB (1 thread)", timing: touch, flops: nil))
    }

    /// `a.sum()` over all 10M elements, on the configured threads and on one thread.
    static func sum(settings: Settings, report: inout Report) {
        let (a, _) = operands(seed: 4)
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let timing = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) { blackHole(a.sum()) }
            report.rows.append(Row(benchmark: "sum", variant: "10M float32 a.sum(), \(Report.threads(threads))",
                                   timing: timing, flops: Double(count)))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }

    /// The 10M add timed alone and right after an untimed 1024³ sgemm, interleaved.
    ///
    /// oneDNN and Synapse share libgomp's team; after a GEMM its workers spin for a
    /// while (`OMP_WAIT_POLICY`, `GOMP_SPINCOUNT`) before they sleep. Run the binary
    /// once as is and once with `OMP_WAIT_POLICY=PASSIVE` (`make microbench` does)
    /// and compare the two "after sgemm / alone" ratios.
    static func waitPolicy(settings: Settings, report: inout Report) {
        let (x, y) = operands(seed: 5)
        let size = 1024
        var generator = RandomGenerator(seed: 6)
        let a = Tensor.randomUniform([size, size], generator: &generator)
        let b = Tensor.randomUniform([size, size], generator: &generator)
        let output = TensorStorage(byteCount: size * size * 4)
        let timings = a.withUnsafePointer(as: Float.self) { pa in
            b.withUnsafePointer(as: Float.self) { pb in
                let sgemm = {
                    KernelLibrary.sgemm(transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1,
                                        a: pa, lda: size, b: pb, ldb: size, beta: 0,
                                        c: output.pointer(as: Float.self), ldc: size)
                }
                return Harness.measureInterleaved(warmup: settings.warmup, repeats: settings.repeats, [
                    (setup: {}, body: { blackHole(x + y) }),
                    (setup: sgemm, body: { blackHole(x + y) }),
                ])
            }
        }
        let policy = report.ompWaitPolicy
        report.rows.append(Row(benchmark: "wait-policy", variant: "10M add alone (OMP_WAIT_POLICY=\(policy))",
                               timing: timings[0], flops: Double(count)))
        report.rows.append(Row(benchmark: "wait-policy", variant: "10M add right after 1024³ sgemm (OMP_WAIT_POLICY=\(policy))",
                               timing: timings[1], flops: Double(count)))
        report.ratios.append(Ratio(name: "wait-policy (\(policy)): add after sgemm / add alone",
                                   value: timings[1].median / timings[0].median, target: nil, met: nil))
    }
}
