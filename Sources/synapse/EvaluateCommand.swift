import ArgumentParser
import Foundation
import SynapseConfig

/// `synapse evaluate MODEL --data DATA`: loss and metrics of a saved model on a data
/// set, with the preprocessing it was trained with.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compute a saved model's loss and metrics on a data set.",
        discussion: """
            DATA is a bundled data set (mnist, fashion-mnist, pima), a CSV file, an IDX image file \
            (with --labels), or a training configuration (its data section). On the data set the model \
            was trained on, --split test uses the same held-out samples as training did.
            """)

    @Argument(help: "A model file (model.safetensors from synapse train).")
    var model: String

    @Option(help: "The data: mnist, fashion-mnist, pima, a .csv file, an IDX image file or a .yaml configuration.")
    var data: String

    @Option(help: "The IDX label file that goes with an IDX image file.")
    var labels: String?

    @Option(help: "Which part of the data: test or train.")
    var split: String = "test"

    @Option(help: "Use only the first N samples.")
    var limit: Int?

    @Option(help: "Samples per forward pass.")
    var batchSize = 256

    @Option(name: .customLong("data-dir"),
            help: "The folder of the bundled data sets (default: $SYNAPSE_DATA_DIR, the installed share/synapse, or a Data folder above the current one).")
    var dataDirectory: String?

    @Flag(help: "Print the metrics as one JSON object.")
    var json = false

    func validate() throws {
        guard Evaluation.Split(rawValue: split) != nil else { throw ValidationError("--split must be test or train, got \(split)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
    }

    func run() throws {
        try CommandFailure.reporting {
            let saved = try SavedModel.load(from: URL(fileURLWithPath: model))
            let spec = try Evaluation.dataSpec(for: data, labels: labels, saved: saved.preprocessing)
            let (logs, samples) = try Evaluation.evaluate(saved, data: spec, split: Evaluation.Split(rawValue: split)!,
                                                          limit: limit, batchSize: batchSize,
                                                          dataDirectory: dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
                                                              ?? DataDirectory.default)
            if json {
                var object: [String: ConfigValue] = ["samples": .int(samples)]
                for (key, value) in logs { object[key] = ConfigValue(value) }
                print(try ConfigValue.object(object).jsonText())
            } else {
                print("\(spec.summary) (\(split), \(samples) samples): "
                      + logs.keys.sorted().map { "\($0) \(String(format: "%.4f", Double(logs[$0]!)))" }.joined(separator: ", "))
            }
        }
    }
}
