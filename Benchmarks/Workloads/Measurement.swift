// Timing and reporting shared by the workloads: warm-up, timed repeats, and one
// JSON line per result on standard output for Benchmarks/bench.py to collect.
import Foundation
import Synapse

/// Settings every workload reads from the command line.
struct BenchSettings {
    /// Timed repeats (the driver asks for at least 3).
    var repeats = 3
    /// Untimed runs before the timed ones (thread start, first-touch, caches).
    var warmup = 1
    /// Training samples per epoch (`nil`: the workload's real size).
    var samples: Int?
    /// Samples per step on each rank for mlp and cnn, and predict's batch (`nil`: the
    /// workload's own).
    var batchSize: Int?
    /// lstm's sequence length in tokens (`nil`: 200).
    var sequenceLength: Int?
}

/// Monotonic seconds.
func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}

/// Seconds `body` takes.
func seconds(_ body: () -> Void) -> Double {
    let start = now()
    body()
    return now() - start
}

/// `warmup` untimed calls of `body`, then `repeats` timed ones.
func timed(_ settings: BenchSettings, _ body: () -> Void) -> [Double] {
    for _ in 0..<settings.warmup { body() }
    Distributed.resetStatistics()
    return (0..<settings.repeats).map { _ in seconds(body) }
}

/// Under mpirun: the seconds per timed call the training thread waited for
/// gradient all-reduces, and their count (empty in one process).
func communicationExtras(_ settings: BenchSettings) -> [String: Any] {
    guard Distributed.worldSize > 1 else { return [:] }
    let statistics = Distributed.statistics
    return ["communication_wait_seconds": statistics.waitSeconds / Double(settings.repeats),
            "allreduces": statistics.reductions / settings.repeats,
            "allreduce_floats": statistics.floats / settings.repeats]
}

/// `warmup` untimed calls of each body, then `repeats` rounds that time each body
/// once, in turn; returns each body's times. Alternating gives the bodies the same
/// spells of a machine whose speed drifts, so their ratio is fair.
func timedInterleaved(_ settings: BenchSettings, _ bodies: [() -> Void]) -> [[Double]] {
    for body in bodies { for _ in 0..<settings.warmup { body() } }
    var times = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<settings.repeats {
        for (index, body) in bodies.enumerated() { times[index].append(seconds(body)) }
    }
    return times
}

/// Calls per sample so that one sample of `body` lasts about `target` seconds.
func callsPerSample(target: Double = 0.2, _ body: () -> Void) -> Int {
    var calls = 1
    while calls < 1 << 22 {
        if seconds({ for _ in 0..<calls { body() } }) >= target / 4 { break }
        calls *= 2
    }
    return calls * 4
}

/// The median of `calls` individually timed calls of `body`.
///
/// For per-call figures (latency, per-step overhead) this is the number to quote:
/// on a shared machine the mean of a long loop also counts the time the process
/// spent descheduled, which can be several times the call itself.
func medianOfCalls(_ calls: Int, _ body: () -> Void) -> Double {
    var times = [Double](repeating: 0, count: calls)
    for index in 0..<calls { times[index] = seconds(body) }
    times.sort()
    return times[calls / 2]
}

/// `repeats` samples, each the median of `calls` individually timed calls, after
/// `calls / 10` untimed ones.
func perCallSamples(repeats: Int, calls: Int, _ body: () -> Void) -> [Double] {
    for _ in 0..<max(1, calls / 10) { body() }
    return (0..<repeats).map { _ in medianOfCalls(calls, body) }
}

/// Keeps a result alive so the optimizer cannot drop the work that made it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Prints one result line: median, minimum and maximum of `samples` plus extras.
func report(_ workload: String, unit: String, samples: [Double], extra: [String: Any] = [:]) {
    let sorted = samples.sorted()
    var object: [String: Any] = [
        "workload": workload, "framework": "synapse", "unit": unit,
        "median": sorted[sorted.count / 2], "min": sorted[0], "max": sorted[sorted.count - 1],
        "samples": samples, "threads": Parallel.threadCount,
    ]
    if Distributed.worldSize > 1 { object["world_size"] = Distributed.worldSize }
    object.merge(extra) { _, new in new }
    printJSON(object)
}

/// Prints a line saying the workload cannot run here, and why.
func reportUnavailable(_ workload: String, reason: String) {
    printJSON(["workload": workload, "framework": "synapse", "unavailable": reason])
}

func printJSON(_ object: [String: Any]) {
    do {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } catch {
        print("{\"workload\": \"?\", \"framework\": \"synapse\", \"unavailable\": \"cannot encode result\"}")
    }
}

/// Synthetic classification data of the real shapes: uniform [0, 1) inputs and
/// int32 class ids, from a fixed seed.
func syntheticClassification(samples: Int, inputShape: [Int], classes: Int, seed: UInt64) -> (x: Tensor, y: Tensor) {
    var generator = RandomGenerator(seed: seed)
    let x = Tensor.randomUniform([samples] + inputShape, generator: &generator)
    var labels = SplitMix(seed: seed &+ 1)
    let y = Tensor(int32: (0..<samples).map { _ in Int32(labels.next() % UInt64(classes)) })
    return (x, y)
}

/// A tiny deterministic generator for labels and token ids.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
