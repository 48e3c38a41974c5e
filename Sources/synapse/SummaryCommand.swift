import ArgumentParser
import Foundation
import Synapse

/// `synapse summary FILE`: the layer table of a saved model, its compile settings
/// and the last epoch of its training history.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show a saved model's layers, compile settings and training history.")

    @Argument(help: "A model file written by Model.save(to:) (.safetensors).")
    var file: String

    func run() throws {
        try CommandFailure.reporting {
            let modelFile = try ModelFile.read(from: URL(fileURLWithPath: file))
            let model = try modelFile.makeModel()
            print(model.summaryText())
            print("")
            if let compile = modelFile.compile {
                print("Compiled with")
                for line in compile.descriptionLines { print("  " + line) }
            } else {
                print("Not compiled")
            }
            print("")
            guard let history = modelFile.history, let lastEpoch = history.epochs.last else {
                print("No training history")
                return
            }
            let values = history.keys.map { key in "\(key) \(Self.format(history.values[key]?.last ?? .nan))" }
            print("History: \(history.epochs.count) epoch\(history.epochs.count == 1 ? "" : "s"); last (epoch \(lastEpoch + 1)): "
                  + values.joined(separator: ", "))
        }
    }

    private static func format(_ value: Float) -> String { String(format: "%.6g", Double(value)) }
}
