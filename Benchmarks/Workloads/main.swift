// synapse-bench: Synapse's side of the benchmark suite (Benchmarks/README.md).
// Runs one workload per process and prints one JSON object per result line, which
// Benchmarks/bench.py puts beside PyTorch's and Keras' numbers.
//
//   synapse-bench WORKLOAD [--repeats R] [--warmup W] [--samples N] [--steps N]
//                          [--folder DIR] [--workers N]
//   synapse-bench write-mnist-folder --folder DIR [--samples N]
//
// Under mpirun the training workloads run data-parallel (only rank 0 prints);
// --batch-size sets mlp's and cnn's batch per rank and predict's batch (default 1024),
// --sequence-length lstm's sequence length (default 200), and allreduce times the
// all-reduce alone; plot-scaling CURVES.json OUTPUT draws the scaling model's
// curves (Benchmarks/distributed.py).
//
// Workloads: mlp (W1), cnn (W2), lstm (W3), xor (W4), predict (W5; predict-latency: its
// one-sample half alone, for profiling), gemm, cnn-folder (W6: reads --folder with
// --workers loader threads, default 1; folder-batches: its batches alone, no training,
// for profiling). write-mnist-folder writes MNIST's training
// images as the PNG folder W6 reads (reused when DIR exists).
// Threads: SYNAPSE_NUM_THREADS (default: all cores).
import Foundation
import Synapse

let workloads = ["mlp", "cnn", "lstm", "xor", "predict", "predict-latency", "gemm", "cnn-folder", "folder-batches", "write-mnist-folder",
                 "allreduce", "plot-scaling", "resnet", "transformer"]

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("synapse-bench: \(message)\n".utf8))
    FileHandle.standardError.write(Data("usage: synapse-bench \(workloads.joined(separator: "|")) [--repeats R] [--warmup W] [--samples N] [--steps N] [--folder DIR] [--workers N] [--batch-size N] [--sequence-length N]\n".utf8))
    exit(2)
}

// Under mpirun: join the run; rank 0 alone prints results.
do { try Distributed.initializeIfLaunched() } catch { fail("\(error)") }
Distributed.silenceStandardOutputOfOtherRanks()

var arguments = Array(CommandLine.arguments.dropFirst())[...]
guard let workload = arguments.popFirst(), workloads.contains(workload) || workload == "xor-step" else {
    fail("name a workload")
}
if workload == "plot-scaling" {
    guard arguments.count == 2 else { fail("usage: synapse-bench plot-scaling CURVES.json OUTPUT (without extension)") }
    plotScaling(input: arguments[arguments.startIndex], output: arguments[arguments.startIndex + 1])
    exit(0)
}
var settings = BenchSettings()
var steps = 2000
var folder: String?
var workers = 1
while let flag = arguments.popFirst() {
    if flag == "--folder" {
        guard let path = arguments.popFirst(), !path.isEmpty else { fail("--folder needs a path") }
        folder = path
        continue
    }
    guard let text = arguments.popFirst(), let value = Int(text), value >= 0 else { fail("\(flag) needs a number") }
    switch flag {
    case "--repeats": settings.repeats = max(1, value)
    case "--warmup": settings.warmup = value
    case "--samples": settings.samples = max(1, value)
    case "--steps": steps = max(10, value)
    case "--workers": workers = value
    case "--batch-size": settings.batchSize = max(1, value)
    case "--sequence-length": settings.sequenceLength = max(1, value)
    default: fail("unknown option \(flag)")
    }
}

switch workload {
case "allreduce": allReduceBandwidth(settings)
case "mlp": mlpEpoch(settings)
case "cnn": cnnEpoch(settings)
case "lstm": lstmEpoch(settings)
case "resnet": resnetEpoch(settings)
case "transformer": transformerEpoch(settings)
case "xor", "xor-step": xorStep(settings, steps: steps)
case "predict": predict(settings)
case "predict-latency": predict(settings, latencyOnly: true)
case "cnn-folder", "folder-batches", "write-mnist-folder":
    guard let folder else { fail("\(workload) needs --folder DIR") }
    switch workload {
    case "cnn-folder": folderEpoch(settings, folder: folder, workers: workers)
    case "folder-batches": folderBatches(settings, folder: folder)
    default: writeMNISTFolder(settings, folder: folder)
    }
default: gemmCeiling(settings)
}
