// W1 (MLP epoch), W5 (predict latency and batch throughput) and W4 (XOR step).
import Synapse

/// The W1 model: 784-512-256-10 ReLU, softmax output, as the mnist-mlp example.
func mlpModel() -> Sequential {
    Sequential(name: "mlp") {
        Input(shape: [784])
        Dense(512, activation: .relu)
        Dense(256, activation: .relu)
        Dense(10, activation: .softmax)
    }
}

/// Multiply-adds ×2 of W1's GEMMs per sample: forward, plus twice that for backward.
let mlpFlopsPerSample = 3.0 * 2.0 * Double(784 * 512 + 512 * 256 + 256 * 10)

/// W1: one epoch of `fit` (Adam 1e-3, batch 128, sparse categorical cross-entropy,
/// shuffled) over 60,000 synthetic samples.
func mlpEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 60_000
    let data = syntheticClassification(samples: samples, inputShape: [784], classes: 10, seed: 1)
    Random.seed(1)
    let model = mlpModel()
    model.compile(optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy())
    let batchSize = settings.batchSize ?? 128
    let times = timed(settings) { model.fit(x: data.x, y: data.y, epochs: 1, batchSize: batchSize, verbose: 0) }
    let flops = mlpFlopsPerSample * Double(samples)
    report("mlp", unit: "seconds/epoch", samples: times,
           extra: ["epoch_samples": samples, "gflops": flops / 1e9, "gflops_per_second": flops / 1e9 / times.sorted()[times.count / 2],
                   "batch_size": batchSize, "parameters": model.trainableParameters.reduce(0) { $0 + $1.count }]
                .merging(communicationExtras(settings)) { _, new in new })
}

/// W5: one-sample latency and batch-1024 time of the W1 model's `predict`, each
/// sample the median of individually timed calls
/// (`latencyOnly` skips the batch part, for profiling the one-sample path).
func predict(_ settings: BenchSettings, latencyOnly: Bool = false) {
    Random.seed(1)
    let model = mlpModel()
    let batchSize = settings.batchSize ?? 1024
    let batch = syntheticClassification(samples: batchSize, inputShape: [784], classes: 10, seed: 2).x
    let one = batch.narrowed(axis: 0, start: 0, length: 1)
    blackHole(model.predict(one))
    let calls = callsPerSample { blackHole(model.predict(one)) }
    let latency = perCallSamples(repeats: max(settings.repeats, 5), calls: calls) { blackHole(model.predict(one)) }
    report("predict-latency", unit: "seconds/call", samples: latency, extra: ["calls_per_sample": calls])
    if latencyOnly { return }
    let batchCalls = callsPerSample { blackHole(model.predict(batch, batchSize: batchSize)) }
    let throughput = perCallSamples(repeats: max(settings.repeats, 5), calls: batchCalls) {
        blackHole(model.predict(batch, batchSize: batchSize))
    }
    report("predict-batch", unit: "seconds/batch of \(batchSize)", samples: throughput,
           extra: ["calls_per_sample": batchCalls, "batch_size": batchSize])
}

/// W4: the 2-4-1 sigmoid XOR network, MSE, SGD(0.5), full batch of 4 — the
/// framework's own overhead per step. The PyTorch-style loop (forward, backward,
/// optimizer step) is the measure; Keras' `trainOnBatch` is reported beside it.
/// Each sample is the median of `steps` individually timed steps.
func xorStep(_ settings: BenchSettings, steps: Int) {
    let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
    let y = Tensor([[0], [1], [1], [0]])
    Random.seed(1)
    let model = Sequential {
        Input(shape: [2])
        Dense(4, activation: .sigmoid)
        Dense(1, activation: .sigmoid)
    }
    let optimizer = SGD(learningRate: 0.5)
    model.compile(optimizer: optimizer, loss: MeanSquaredError())
    optimizer.parameters = model.trainableParameters
    let loss = MeanSquaredError()
    func manualStep() {
        optimizer.zeroGrad()
        let value = loss(y, model(x, training: true))
        value.backward()
        optimizer.step()
    }
    let manual = perCallSamples(repeats: max(settings.repeats, 5), calls: steps) { manualStep() }
    let keras = perCallSamples(repeats: max(settings.repeats, 5), calls: steps) { _ = model.trainOnBatch(x: x, y: y) }
    let finalLoss = loss(y, model.predict(x)).item
    report("xor", unit: "seconds/step", samples: manual,
           extra: ["train_on_batch_median": keras.sorted()[keras.count / 2], "steps": steps, "final_loss": Double(finalLoss)])
}
