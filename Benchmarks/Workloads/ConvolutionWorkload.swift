// W2: one epoch of the Keras MNIST CNN.
import Synapse

/// W2: Conv2D(32, 3×3, relu) → MaxPool 2 → Conv2D(64, 3×3, relu) → MaxPool 2 →
/// Conv2D(64, 3×3, relu) → Flatten → Dense(64, relu) → Dense(10, softmax), NHWC,
/// Adam 1e-3, batch 64, sparse categorical cross-entropy, 60,000 synthetic images.
func cnnEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 60_000
    let data = syntheticClassification(samples: samples, inputShape: [28, 28, 1], classes: 10, seed: 3)
    Random.seed(1)
    let model = Sequential(name: "cnn") {
        Input(shape: [28, 28, 1])
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
    let times = timed(settings) { model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 64, verbose: 0) }
    report("cnn", unit: "seconds/epoch", samples: times, extra: ["epoch_samples": samples])
}
