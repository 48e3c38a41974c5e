// W2: one epoch of the Keras MNIST CNN.
import Synapse

/// The Keras MNIST CNN of W2 and W6, compiled: Conv2D(32, 3×3, relu) → MaxPool 2 →
/// Conv2D(64, 3×3, relu) → MaxPool 2 → Conv2D(64, 3×3, relu) → Flatten → Dense(64,
/// relu) → Dense(10, softmax), NHWC `[28, 28, 1]` inputs, Adam 1e-3, sparse
/// categorical cross-entropy, weights from `Random.seed(1)`.
///
/// - Parameter pixelScale: when given, a leading `Rescaling(scale:)` layer, as a model
///   fed raw 0...255 pixels (``ImageFolder``) is written; `nil` for inputs already in [0, 1].
func mnistCNN(pixelScale: Float? = nil) -> Sequential {
    Random.seed(1)
    let model = Sequential(name: "cnn") {
        Input(shape: [28, 28, 1])
        if let pixelScale { Rescaling(scale: pixelScale) }
        Conv2D(32, kernelSize: 3, activation: .relu)
        MaxPooling2D(2)
        Conv2D(64, kernelSize: 3, activation: .relu)
        MaxPooling2D(2)
        Conv2D(64, kernelSize: 3, activation: .relu)
        Flatten()
        Dense(64, activation: .relu)
        Dense(10, activation: .softmax)
    }
    model.compile(optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy())
    return model
}

/// Multiply-adds ×2 of W2's convolutions and dense layers per sample, forward plus
/// twice that for the backward (as `Benchmarks/scaling.py` counts them).
let cnnFlopsPerSample = 3.0 * 2.0 * Double(26 * 26 * 9 * 1 * 32 + 11 * 11 * 9 * 32 * 64 + 3 * 3 * 9 * 64 * 64
                                           + 576 * 64 + 64 * 10)

/// One epoch of `model` over tensors in memory, batch 64 (W2, and W6's in-memory side).
func cnnEpochInMemory(_ model: Sequential, x: Tensor, y: Tensor, batchSize: Int = 64) {
    model.fit(x: x, y: y, epochs: 1, batchSize: batchSize, verbose: 0)
}

/// W2: ``mnistCNN(pixelScale:)``, batch 64, 60,000 synthetic images.
func cnnEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 60_000
    let data = syntheticClassification(samples: samples, inputShape: [28, 28, 1], classes: 10, seed: 3)
    let model = mnistCNN()
    let batchSize = settings.batchSize ?? 64
    let times = timed(settings) { cnnEpochInMemory(model, x: data.x, y: data.y, batchSize: batchSize) }
    report("cnn", unit: "seconds/epoch", samples: times,
           extra: ["epoch_samples": samples, "batch_size": batchSize, "gflops": cnnFlopsPerSample * Double(samples) / 1e9,
                   "parameters": model.trainableParameters.reduce(0) { $0 + $1.count }]
            .merging(communicationExtras(settings)) { _, new in new })
}
