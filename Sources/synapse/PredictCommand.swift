import ArgumentParser
import Foundation
import SynapseConfig

/// `synapse predict MODEL --input FILE`: a saved model's predictions for CSV rows,
/// IDX images or PNG and JPEG images (resized to the model's input), as CSV or JSON.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a saved model on CSV rows, IDX images or PNG and JPEG images.",
        discussion: """
            Inputs get the preprocessing the model was trained with. Classifiers print the best class, \
            its label and probability (--top-k for more); other models print their outputs.
            """)

    @Argument(help: "A model file (model.safetensors from synapse train).")
    var model: String

    @Option(name: .customLong("input"), help: "A .csv, .png, .jpg or IDX file (repeat for several); images are resized to the model's input.")
    var inputs: [String] = []

    @Option(help: "The output format: csv or json (default: from --output's extension, else csv).")
    var format: String?

    @Option(help: "Write the predictions to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("top-k"), help: "For classifiers, the number of best classes to list.")
    var topK = 1

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one --input FILE") }
        if topK < 1 { throw ValidationError("--top-k must be at least 1, got \(topK)") }
        if let format, Prediction.Format(rawValue: format) == nil { throw ValidationError("--format must be csv or json, got \(format)") }
    }

    func run() throws {
        try CommandFailure.reporting {
            let saved = try SavedModel.load(from: URL(fileURLWithPath: model))
            let data = try Prediction.readInputs(inputs.map { URL(fileURLWithPath: $0) }, saved: saved)
            let rows = Prediction.predict(saved, inputs: data, topK: topK)
            let chosen = format.flatMap(Prediction.Format.init(rawValue:))
                ?? output.flatMap { Prediction.Format(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) } ?? .csv
            let text = Prediction.format(rows, as: chosen)
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("wrote \(rows.count) prediction\(rows.count == 1 ? "" : "s") to \(output)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
