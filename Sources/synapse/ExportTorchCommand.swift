import ArgumentParser
import Foundation
import Synapse

/// `synapse export-torch MODEL OUT`: the model's weights under PyTorch names and
/// layouts — `nn.Sequential` indices for a stack, layer names for a functional
/// model (see `PyTorchLayout`).
struct ExportTorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-torch",
        abstract: "Write a saved model's weights as a PyTorch state_dict (.safetensors, torch names and layouts).")

    @Argument(help: "A model file written by Model.save(to:).")
    var model: String

    @Argument(help: "The torch state_dict file to write (load it with safetensors.torch.load_file).")
    var output: String

    func run() throws {
        try CommandFailure.reporting {
            let loaded = try Model.load(from: URL(fileURLWithPath: model))
            try loaded.exportForPyTorch(to: URL(fileURLWithPath: output))
            for entry in try PyTorchLayout(of: loaded).entries {
                print("\(entry.synapseName) \(entry.synapseShape) -> \(entry.torchKey) \(entry.torchShape)")
            }
        }
    }
}
