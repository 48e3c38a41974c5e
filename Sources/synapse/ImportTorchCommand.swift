import ArgumentParser
import Foundation
import Synapse

/// `synapse import-torch MODEL TORCHFILE OUT`: a saved model with its weights
/// replaced by a PyTorch state_dict's (see `PyTorchLayout`).
struct ImportTorchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-torch",
        abstract: "Load a PyTorch state_dict (.safetensors) into a saved model's architecture and save the result.")

    @Argument(help: "A model file giving the architecture (written by Model.save(to:)).")
    var model: String

    @Argument(help: "A state_dict saved with safetensors.torch.save_file from the equivalent nn.Sequential (or, for a functional model, a module with one submodule per layer, named as the layer).")
    var torchFile: String

    @Argument(help: "The model file to write.")
    var output: String

    func run() throws {
        try CommandFailure.reporting {
            let loaded = try Model.load(from: URL(fileURLWithPath: model))
            try loaded.importFromPyTorch(from: URL(fileURLWithPath: torchFile))
            try loaded.save(to: URL(fileURLWithPath: output))
        }
    }
}
