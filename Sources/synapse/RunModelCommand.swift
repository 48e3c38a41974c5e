import ArgumentParser
import Foundation
import Synapse

/// `synapse run-model MODEL --input X --output Y`: predictions of a saved model
/// for the tensor `x` of a safetensors file, written as tensor `y`.
struct RunModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-model",
        abstract: "Run a saved model on tensor 'x' of a .safetensors file and write its output as tensor 'y'.")

    @Argument(help: "A model file written by Model.save(to:).")
    var model: String

    @Option(help: "A .safetensors file with a float32 tensor 'x' (batch first).")
    var input: String

    @Option(help: "The .safetensors file to write with tensor 'y'.")
    var output: String

    @Option(help: "Batch size for prediction.")
    var batchSize = 32

    func run() throws {
        try CommandFailure.reporting {
            let loaded = try Model.load(from: URL(fileURLWithPath: model))
            let file = try SafeTensors.read(from: URL(fileURLWithPath: input))
            guard let x = file.tensors["x"] else { throw SafeTensorsError.missingTensor("x") }
            let y = loaded.predict(x, batchSize: batchSize)
            try SafeTensors.write(["y": y], to: URL(fileURLWithPath: output))
        }
    }
}
