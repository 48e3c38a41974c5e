//! The Keras MNIST convnet: handwritten digits classified by
//! convolutions that learn their own filters.

// snippet.data
import Synapse

Random.seed(42)
// Images [N, 28, 28, 1] in [0, 1] (height, width, channels: NHWC, as
// Keras) and labels [N], the digits 0 to 9 as int32.
let (images, labels) = try MNIST.load(split: .train, limit: 6000)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 2000)
print(images.shape, labels.shape, labels[0..<10].intScalars)
// snippet.end

// snippet.model
// Each Conv2D slides 3×3 filters over the image; max pooling halves the
// resolution; the dense head turns the features into ten probabilities.
let model = Sequential(name: "mnist_cnn") {
    Input(shape: [28, 28, 1])
    Conv2D(32, kernelSize: 3, activation: .relu)   // [26, 26, 32]
    MaxPooling2D(2)                                // [13, 13, 32]
    Conv2D(64, kernelSize: 3, activation: .relu)   // [11, 11, 64]
    MaxPooling2D(2)                                // [5, 5, 64]
    Flatten()                                      // [1600]
    Dropout(0.5)
    Dense(10, activation: .softmax)                // [10]
}
model.summary()
// snippet.end

// snippet.train
// Integer labels with a softmax output: sparse categorical cross-entropy.
try model.compile(optimizer: "adam",
                  loss: "sparse_categorical_crossentropy",
                  metrics: ["accuracy"])
let history = model.fit(x: images, y: labels, epochs: 3, batchSize: 64,
                        validationSplit: 0.1)
// snippet.end

// snippet.evaluate
// Accuracy on test digits, then the most likely digit for five of them.
let test = model.evaluate(x: testImages, y: testLabels)
print("test accuracy", test["accuracy"]!)
let probabilities = model.predict(testImages[0..<5])     // [5, 10]
print(probabilities.argmax(alongAxis: 1).intScalars,
      "true:", testLabels[0..<5].intScalars)
// snippet.end

// snippet.hide
check(history.values["val_accuracy"]!.count == 3)
check(test["accuracy"]! > 0.9, "test accuracy \(test["accuracy"]!)")

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
