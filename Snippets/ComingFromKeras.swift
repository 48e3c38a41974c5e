//! The Keras MNIST convnet, written as a Keras user would, in Synapse.

// snippet.model
import Foundation
import Synapse

Random.seed(42)
// keras.Sequential([keras.Input(...), layers.Conv2D(32, 3, ...), ...])
let model = Sequential(name: "mnist_cnn") {
    Input(shape: [28, 28, 1])
    Conv2D(32, kernelSize: 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(64, kernelSize: 3, activation: .relu)
    MaxPooling2D(2)
    Flatten()
    Dropout(0.5)
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: "adam",
                  loss: "sparse_categorical_crossentropy",
                  metrics: ["accuracy"])
model.summary()
// snippet.end

// snippet.fit
// keras.datasets.mnist.load_data(): here the bundled files, the first
// 4,000 training and 1,000 test images.
let (images, labels) = try MNIST.load(split: .train, limit: 4000)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 1000)
let stop = EarlyStopping(monitor: "val_loss", patience: 2)
let history = model.fit(x: images, y: labels, epochs: 3, batchSize: 64,
                        validationSplit: 0.1, callbacks: [stop])
// A dictionary-like Logs: "loss" and "accuracy".
let scores = model.evaluate(x: testImages, y: testLabels)
print("test accuracy", scores["accuracy"]!)
// snippet.end

// snippet.save
// model.save(...) and keras.models.load_model(...): a safetensors file
// with the Keras architecture in its metadata (exportKeras(to:) writes a
// .keras file for Keras itself).
let file = FileManager.default.temporaryDirectory
    .appendingPathComponent("mnist-\(getpid()).safetensors")
defer { try? FileManager.default.removeItem(at: file) }
try model.save(to: file)
let restored = try Sequential.load(from: file)
let probabilities = restored.predict(testImages)    // [1000, 10]
// snippet.end

// snippet.hide
check(history.epochs.count >= 1)
check(scores["accuracy"]! > 0.85, "accuracy \(scores["accuracy"]!)")
check(probabilities.shape == [1000, 10])
check(restored.predict(testImages[0..<8]).scalars == model.predict(testImages[0..<8]).scalars)

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
