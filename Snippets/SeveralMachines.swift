//! Data-parallel training: the same program, started under mpirun,
//! trains on every rank's share of each batch. Started alone, it trains
//! as one process.

// snippet.train
import Synapse

// Joins the MPI job when mpirun started this process; alone, nil.
let communicator = try Distributed.initializeIfLaunched()
// Only rank 0 prints (and writes files).
Distributed.silenceStandardOutputOfOtherRanks()
print("rank \(Distributed.rank) of \(Distributed.worldSize)")

Random.seed(42)                       // the same batches on every rank
let (images, labels) = try MNIST.load(split: .train, limit: 4096)
let model = Sequential(name: "mnist_mlp") {
    Input(shape: [28, 28, 1])
    Flatten()
    Dense(128, activation: .relu)
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: "adam",
                  loss: "sparse_categorical_crossentropy",
                  metrics: ["accuracy"])
// batchSize is per rank, as in PyTorch's DistributedDataParallel: with
// 2 ranks each step takes 2 × 64 samples, and the ranks' gradients are
// averaged before every update.
let history = model.fit(x: images, y: labels, epochs: 2, batchSize: 64)
// snippet.end

// snippet.hide
check(communicator == nil || Distributed.worldSize > 1)
check(history.values["accuracy"]!.last! > 0.8, "accuracy \(history.values["accuracy"]!)")

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
