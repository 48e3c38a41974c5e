import Foundation
import Synapse
import Testing

/// The pictures the DocC tutorials show, drawn by Synapse itself. Set
/// SYNAPSE_WRITE_DOC_IMAGES=1 to write them into Sources/Synapse/Synapse.docc/Resources/.
@Suite("Documentation images")
struct DocumentationImageTests {
    /// Writes the picture into the umbrella catalog's resources when SYNAPSE_WRITE_DOC_IMAGES=1.
    static func write(_ model: Model, title: String, to name: String) throws {
        guard ProcessInfo.processInfo.environment["SYNAPSE_WRITE_DOC_IMAGES"] == "1" else { return }
        let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Synapse/Synapse.docc/Resources")
        try model.plot(to: resources.appendingPathComponent(name), title: title)
    }

    @Test("The XOR tutorial's 2-4-1 network draws with its layers and shapes")
    func xorNetwork() throws {
        // The network of Snippets/XOR.swift.
        let model = Sequential(name: "xor") {
            Input(shape: [2])
            Dense(4, activation: .tanh, name: "hidden")
            Dense(1, activation: .sigmoid, name: "output")
        }
        let svg = model.graphDiagram(title: "XOR: a 2-4-1 network").svg()
        #expect(svg.contains("hidden (Dense)") && svg.contains("(None, 4)"))
        #expect(svg.contains("output (Dense)") && svg.contains("(None, 1)"))
        try Self.write(model, title: "XOR: a 2-4-1 network", to: "xor-network.png")
    }

    @Test("The MNIST convnet tutorial's network draws with the shapes its comments give")
    func mnistConvnet() throws {
        // The network of Snippets/MNISTConvnet.swift.
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
        let svg = model.graphDiagram(title: "The MNIST convnet").svg()
        for shape in ["(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)", "(None, 5, 5, 64)", "(None, 1600)"] {
            #expect(svg.contains(shape), "missing \(shape)")
        }
        try Self.write(model, title: "The MNIST convnet", to: "mnist-cnn-network.png")
    }
}
