//! The Keras MNIST convnet, written as a Keras user would write it, in Synapse.

// snippet.model
import Foundation
import Synapse

Random.seed(42)
let model = Sequential(name: "mnist_cnn") {          // keras.Sequential([...])
    Input(shape: [28, 28, 1])                        // keras.Input(shape=(28, 28, 1))
    Conv2D(32, kernelSize: 3, activation: .relu)     // layers.Conv2D(32, 3, activation="relu")
    MaxPooling2D(2)                                  // layers.MaxPooling2D(2)
    Conv2D(64, kernelSize: 3, activation: .relu)
    MaxPooling2D(2)
    Flatten()                                        // layers.Flatten()
    Dropout(0.5)                                     // layers.Dropout(0.5)
    Dense(10, activation: .softmax)                  // layers.Dense(10, activation="softmax")
}
try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
model.summary()                                      // model.summary()
// snippet.end

// snippet.fit
// keras.datasets.mnist.load_data(), here from the bundled files (the first 4,000).
let (images, labels) = try MNIST.load(split: .train, limit: 4000)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 1000)
let history = model.fit(x: images, y: labels, epochs: 3, batchSize: 64, validationSplit: 0.1,
                        callbacks: [EarlyStopping(monitor: "val_loss", patience: 2)])
let scores = model.evaluate(x: testImages, y: testLabels)      // {"loss": ..., "accuracy": ...}
print("test accuracy", scores["accuracy"]!, "after", history.epochs.count, "epochs")
// snippet.end

// snippet.save
// model.save("mnist.keras") / keras.models.load_model(...): Synapse writes safetensors with
// the Keras architecture in its metadata; exportKeras writes a .keras file for Keras itself.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coming-from-keras-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
try model.save(to: folder.appendingPathComponent("mnist.safetensors"))
let restored = try Sequential.load(from: folder.appendingPathComponent("mnist.safetensors"))
let probabilities = restored.predict(testImages)                // model.predict(x_test): [1000, 10]
print(probabilities.shape)
// snippet.end

// snippet.hide
precondition(scores["accuracy"]! > 0.85, "accuracy \(scores["accuracy"]!)")
precondition(probabilities.shape == [1000, 10])
