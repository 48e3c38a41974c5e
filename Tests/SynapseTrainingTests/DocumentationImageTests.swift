import Foundation
import Synapse
import Testing

/// The pictures the DocC tutorials show, drawn by Synapse itself. Set
/// SYNAPSE_WRITE_DOC_IMAGES=1 to write them into Sources/Synapse/Synapse.docc/Resources/.
@Suite("Documentation images")
struct DocumentationImageTests {
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
        if ProcessInfo.processInfo.environment["SYNAPSE_WRITE_DOC_IMAGES"] == "1" {
            let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/Synapse/Synapse.docc/Resources")
            try model.plot(to: resources.appendingPathComponent("xor-network.png"), title: "XOR: a 2-4-1 network")
        }
    }
}
