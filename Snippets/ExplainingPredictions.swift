//! Which pixels made the model say that? Integrated gradients and
//! Grad-CAM on a small MNIST convnet.

// snippet.train
import Foundation
import Synapse

Random.seed(42)
let (images, labels) = try MNIST.load(split: .train, limit: 4000)
let (testImages, _) = try MNIST.load(split: .test, limit: 16)
let model = Sequential(name: "mnist_cnn") {
    Input(shape: [28, 28, 1])
    Conv2D(16, kernelSize: 3, activation: .relu)
    MaxPooling2D(2)
    Conv2D(32, kernelSize: 3, activation: .relu, name: "last_conv")
    Flatten()
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: "adam",
                  loss: "sparse_categorical_crossentropy")
model.fit(x: images, y: labels, epochs: 2, batchSize: 64, verbose: 0)
// snippet.end

// snippet.integrated-gradients
// One score per pixel, [16, 28, 28, 1], towards each image's predicted
// class, integrated along the path from a black image (64 steps).
let scores = Attribution.integratedGradients(
    model, inputs: testImages, target: .predicted, steps: 64)
// Completeness: each image's scores add up to f(x) − f(black).
let (gaps, differences) = Attribution.completenessGap(
    model, inputs: testImages, attributions: scores)
print("completeness gaps", gaps.prefix(4), "of", differences.prefix(4))
// snippet.end

// snippet.gradcam
// Grad-CAM: where the last convolution looked, [16, 28, 28].
let cam = try Attribution.gradCAM(model, inputs: testImages,
                                  layer: "last_conv")
// A picture: red pixels speak for the prediction, blue against it.
let picture = AttributionImage.grid(inputs: testImages,
                                    attributions: scores)
let file = FileManager.default.temporaryDirectory
    .appendingPathComponent("integrated-gradients-\(getpid()).png")
try Data(picture.png()).write(to: file)
defer { try? FileManager.default.removeItem(at: file) }
print(cam.shape, "wrote", file.path)
// snippet.end

// snippet.hide
for (gap, difference) in zip(gaps, differences) {
    check(abs(gap) <= 0.05 * max(abs(difference), 0.05), "completeness gap \(gap) of \(difference)")
}
check(cam.shape == [16, 28, 28])

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
