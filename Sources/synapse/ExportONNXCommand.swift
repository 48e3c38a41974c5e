import ArgumentParser
import Foundation
import Synapse

/// `synapse export-onnx MODEL OUT [--opset N]`: the model as an ONNX graph for
/// ONNX Runtime and other inference engines (see `Sequential.exportONNX(to:opset:)`).
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-onnx",
        abstract: "Write a saved model as an ONNX file (input 'input', output 'output', dynamic batch).")

    @Argument(help: "A model file written by Model.save(to:).")
    var model: String

    @Argument(help: "The .onnx file to write.")
    var output: String

    @Option(help: "ONNX opset of the default domain (\(ONNXExport.supportedOpsets.lowerBound)...\(ONNXExport.supportedOpsets.upperBound)).")
    var opset = ONNXExport.defaultOpset

    func run() throws {
        try CommandFailure.reporting {
            let sequential = try Sequential.load(from: URL(fileURLWithPath: model))
            let summary = try sequential.exportONNX(to: URL(fileURLWithPath: output), opset: opset)
            print("wrote \(output): \(summary.nodeCount) nodes, \(summary.initializerCount) initializers, opset \(summary.opset) (IR version \(summary.irVersion)), \(summary.byteCount) bytes")
        }
    }
}
