// The all-reduce under data-parallel training: latency and bandwidth of summing one
// buffer over the ranks, 4 KB to 64 MB (run under mpirun; scripts/distributed-bench.sh).
import Foundation
import Synapse

/// Times `Communicator.startAllReduceSum` + wait for buffers of 4 KB, 16 KB, ...,
/// 64 MB; one result line per size with the median time, the algorithm bandwidth
/// (bytes / time) and the bus bandwidth (bytes · 2(N − 1)/N / time, what each link
/// carries in a ring all-reduce, comparable across rank counts as in nccl-tests).
func allReduceBandwidth(_ settings: BenchSettings) {
    guard let communicator = try? Distributed.initializeIfLaunched(), communicator.worldSize > 1 else {
        reportUnavailable("allreduce", reason: "run under mpirun with at least 2 ranks")
        return
    }
    let ranks = Double(communicator.worldSize)
    var bytes = 4 << 10
    while bytes <= 64 << 20 {
        let buffer = ReductionBuffer(count: bytes / MemoryLayout<Float>.stride)
        let once = { _ = try? communicator.startAllReduceSum(buffer).wait() }
        // Enough calls per sample to last ~0.1 s. Every rank must make the same calls,
        // so rank 0 decides each doubling and tells the others.
        var calls = 1
        while calls < 1 << 16 {
            let elapsed = seconds { for _ in 0..<calls { once() } }
            let enough = (try? communicator.broadcast(elapsed >= 0.025 ? 1 : 0, from: 0)) ?? 1
            if enough == 1 { break }
            calls *= 2
        }
        calls *= 4
        for _ in 0..<settings.warmup { for _ in 0..<calls { once() } }
        let samples = (0..<settings.repeats).map { _ in seconds { for _ in 0..<calls { once() } } / Double(calls) }
        let median = samples.sorted()[samples.count / 2]
        report("allreduce", unit: "seconds/call", samples: samples,
               extra: ["bytes": bytes, "world_size": communicator.worldSize, "calls_per_sample": calls,
                       "algorithm_gbytes_per_second": Double(bytes) / median / 1e9,
                       "bus_gbytes_per_second": Double(bytes) * 2 * (ranks - 1) / ranks / median / 1e9,
                       "transport": communicator.transportDescription])
        bytes *= 4
    }
}
