import ArgumentParser
import Foundation
import Synapse

/// `synapse import-onnx IN.onnx OUT.safetensors`: an ONNX graph (for example from
/// `torch.onnx.export`) as a Synapse model file (see `Sequential.importONNX(from:)`).
struct ImportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-onnx",
        abstract: "Read an ONNX file (a chain of ops, e.g. from torch.onnx.export) and save it as a Synapse model; image models take NHWC input.")

    @Argument(help: "The .onnx file to read.")
    var input: String

    @Argument(help: "The model file to write (.safetensors).")
    var output: String

    func run() throws {
        try CommandFailure.reporting {
            let result = try ONNXImport.read(from: URL(fileURLWithPath: input))
            print("read \(input) (opset \(result.opset)), input shape \(result.inputShape) per sample:")
            for (index, layer) in result.layers.enumerated() {
                print("  \(index + 1). \(layer)")
            }
            try result.model.save(to: URL(fileURLWithPath: output))
            print("wrote \(output)")
        }
    }
}
