#if canImport(Glibc)
import Glibc
#endif

/// Summary of repeated timings of one piece of work, in seconds per call.
struct Timing: Codable {
    /// Median over the repeats (the number to quote).
    var median: Double
    /// Fastest repeat.
    var min: Double
    /// Slowest repeat.
    var max: Double
    /// Number of timed repeats.
    var repeats: Int
}

/// A tiny timing harness: warm-up calls, then `repeats` timed samples; each sample
/// runs the body `innerIterations` times so sub-microsecond work is measurable,
/// and reports the time per call.
enum Harness {
    /// Monotonic clock in seconds.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    /// Times `body`.
    ///
    /// - Parameters:
    ///   - warmup: untimed calls first (page faults, JIT of oneDNN kernels, thread start).
    ///   - repeats: timed samples; the median is what the report quotes.
    ///   - innerIterations: calls per sample; the sample is divided by this.
    ///   - setup: runs before each sample, untimed (for example a large sgemm whose
    ///     after-effects the body should feel).
    static func measure(warmup: Int, repeats: Int, innerIterations: Int = 1,
                        setup: () -> Void = {}, _ body: () -> Void) -> Timing {
        for _ in 0..<warmup {
            setup()
            for _ in 0..<innerIterations { body() }
        }
        var samples: [Double] = []
        samples.reserveCapacity(repeats)
        for _ in 0..<repeats {
            setup()
            let start = now()
            for _ in 0..<innerIterations { body() }
            samples.append((now() - start) / Double(innerIterations))
        }
        return summarize(samples)
    }

    /// Times several bodies with their samples interleaved (A, B, A, B, …), so slow
    /// drifts of a shared, noisy machine hit all of them alike and their ratio is fair.
    ///
    /// Each entry has its own untimed `setup`, run right before each of its samples.
    static func measureInterleaved(warmup: Int, repeats: Int, innerIterations: Int = 1,
                                   _ entries: [(setup: () -> Void, body: () -> Void)]) -> [Timing] {
        for _ in 0..<warmup {
            for entry in entries {
                entry.setup()
                for _ in 0..<innerIterations { entry.body() }
            }
        }
        var samples = [[Double]](repeating: [], count: entries.count)
        for _ in 0..<repeats {
            for (index, entry) in entries.enumerated() {
                entry.setup()
                let start = now()
                for _ in 0..<innerIterations { entry.body() }
                samples[index].append((now() - start) / Double(innerIterations))
            }
        }
        return samples.map { summarize($0) }
    }

    /// Median, minimum and maximum of samples.
    static func summarize(_ samples: [Double]) -> Timing {
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        let median = sorted.isEmpty ? 0
            : sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return Timing(median: median, min: sorted.first ?? 0, max: sorted.last ?? 0, repeats: sorted.count)
    }

    /// Picks an inner iteration count so one sample lasts about `targetSeconds`.
    static func calibrate(targetSeconds: Double = 0.002, _ body: () -> Void) -> Int {
        var iterations = 1
        while iterations < 1 << 24 {
            let start = now()
            for _ in 0..<iterations { body() }
            if now() - start >= targetSeconds { break }
            iterations *= 2
        }
        return iterations
    }
}

/// Keeps results alive so the optimizer cannot drop the work that made them.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
