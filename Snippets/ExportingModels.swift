//! A trained model leaves Synapse: an ONNX file for ONNX Runtime and
//! other tools, a state_dict in PyTorch's names and layouts, and back.

// snippet.train
import Foundation
import Synapse

Random.seed(42)
let (images, labels) = try MNIST.load(split: .train, limit: 2000)
let model = Sequential(name: "mnist_cnn") {
    Input(shape: [28, 28, 1])
    Conv2D(16, kernelSize: 3, activation: .relu)
    MaxPooling2D(2)
    Flatten()
    Dense(10, activation: .softmax)
}
try model.compile(optimizer: "adam",
                  loss: "sparse_categorical_crossentropy")
model.fit(x: images, y: labels, epochs: 1, batchSize: 64, verbose: 0)
let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("synapse-export-\(getpid())")
try FileManager.default.createDirectory(
    at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
// snippet.end

// snippet.onnx
// ONNX: one graph node per op, the weights as initializers. ONNX Runtime
// runs it with: ort.InferenceSession("mnist.onnx").run(None, {...})
let onnxFile = folder.appendingPathComponent("mnist.onnx")
let summary = try model.exportONNX(to: onnxFile)
print("opset \(summary.opset): \(summary.operators)")
// ...and an ONNX file becomes a Synapse model to fine-tune or serve.
let imported = try Sequential.importONNX(from: onnxFile)
// snippet.end

// snippet.torch
// PyTorch: a safetensors state_dict with PyTorch's names (0.weight,
// 4.bias) and layouts (OIHW kernels, transposed Dense kernels), for
// model.load_state_dict(safetensors.torch.load_file("mnist.pt.st")).
let torchFile = folder.appendingPathComponent("mnist.pt.st")
try model.exportForPyTorch(to: torchFile)
for entry in try PyTorchLayout(of: model).entries {
    print(entry.synapseName, entry.synapseShape, "→",
          entry.torchKey, entry.torchShape)
}
// Weights trained in PyTorch come back the same way.
try model.importFromPyTorch(from: torchFile)
// snippet.end

// snippet.hide
let sample = images[0..<8]
let difference = (imported.predict(sample) - model.predict(sample)).abs().max().item
check(difference < 1e-5, "ONNX round trip differs by \(difference)")
check(try PyTorchLayout(of: model).entries.count == 4)

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
