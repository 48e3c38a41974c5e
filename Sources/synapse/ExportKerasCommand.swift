import ArgumentParser
import Foundation
import Synapse

/// `synapse export-keras MODEL OUT.keras`: the model as a Keras 3 `.keras` file.
struct ExportKerasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-keras",
        abstract: "Write a saved model as a Keras 3 .keras file (keras.models.load_model opens it; needs the HDF5 library).")

    @Argument(help: "A model file written by Model.save(to:).")
    var model: String

    @Argument(help: "The .keras file to write.")
    var output: String

    func run() throws {
        try CommandFailure.reporting {
            let sequential = try Sequential.load(from: URL(fileURLWithPath: model))
            try sequential.exportKeras(to: URL(fileURLWithPath: output))
            let weighted = sequential.layers.filter { !$0.parameters.isEmpty }.count
            print("wrote \(output): \(sequential.layers.count) layers (\(weighted) with weights), \(sequential.parameterCount) parameters")
        }
    }
}
