import ArgumentParser
import Foundation
import SynapseConfig

/// `synapse train CONFIG`: trains the model a YAML or JSON file describes and writes
/// the model, history and training curves into one folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model described by a YAML or JSON configuration file.",
        discussion: """
            Writes model.safetensors, preprocessing.json, history.csv, history.json and the training \
            curves (PNG and SVG) to --output-dir (default runs/<config name>-<time>/). A mistake in \
            the file is reported with its key and line before anything is trained. \
            Example configurations: Examples/configs/pima.yaml, mnist-mlp.yaml, mnist-cnn.yaml.
            """)

    @Argument(help: "The configuration file (.yaml, .yml or .json).")
    var config: String

    @Option(name: .customLong("output-dir"), help: "The folder to write into (default runs/<name>-<time>).")
    var outputDirectory: String?

    @Option(help: "Continue from a checkpoint written by this configuration's checkpoint callback.")
    var resume: String?

    @Option(help: "Train for this many epochs (overrides training.epochs; with --resume, the total).")
    var epochs: Int?

    @Option(help: "Use only the first N training and N test samples (quick runs).")
    var limit: Int?

    @Option(help: "Samples per step (overrides training.batch_size).")
    var batchSize: Int?

    @Flag(help: "One line per epoch instead of the progress bar.")
    var quiet = false

    @Option(name: .customLong("data-dir"),
            help: "The folder of the bundled data sets (default: $SYNAPSE_DATA_DIR, the installed share/synapse, or a Data folder above the current one).")
    var dataDirectory: String?

    @Option(help: "Device to train on: cpu, isolated, cuda or cuda:N (overrides training.device).")
    var device: String?

    func validate() throws {
        // Under mpirun: join the data-parallel run; rank 0 alone prints and writes.
        do { try Distributed.initializeIfLaunched() } catch { throw ValidationError("\(error)") }
        Distributed.silenceStandardOutputOfOtherRanks()
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let device, Device(name: device) == nil {
            throw ValidationError("unknown device \"\(device)\"; use cpu, isolated, cuda or cuda:N")
        }
    }

    func run() throws {
        try CommandFailure.reporting {
            let trainingConfig = try TrainingConfig.load(from: URL(fileURLWithPath: config))
            let output = outputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? TrainingRun.defaultOutputDirectory(name: trainingConfig.name)
            let options = TrainingRun.Options(outputDirectory: output, resume: resume.map { URL(fileURLWithPath: $0) },
                                              epochs: epochs, limit: limit, batchSize: batchSize, verbose: quiet ? 2 : 1,
                                              dataDirectory: dataDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
                                                  ?? DataDirectory.default,
                                              device: device.flatMap(Device.init(name:)))
            let run = TrainingRun(config: trainingConfig, options: options)
            let prepared = try run.prepare()
            let training = trainingConfig.training
            print("\(trainingConfig.name): \(trainingConfig.data.summary), \(prepared.x.shape[0]) training"
                  + (prepared.test.map { " and \($0.x.shape[0]) test" } ?? "") + " samples; "
                  + "\(epochs ?? training.epochs) epochs, batch \(batchSize ?? training.batchSize), seed \(training.seed)")
            print(prepared.model.summaryText())
            let result = try run.run(prepared)
            if result.initialEpoch > 0 { print("resumed at epoch \(result.initialEpoch + 1)") }
            let final = result.history.keys.compactMap { key in result.history.values[key]?.last.map { "\(key) \(Self.format($0))" } }
            print("final (epoch \((result.history.epochs.last ?? 0) + 1)): " + final.joined(separator: ", "))
            if let test = result.test {
                print("test: " + test.keys.sorted().map { "\($0) \(Self.format(test[$0]!))" }.joined(separator: ", "))
            }
            if let guarantee = result.model.privacyGuarantee { print("differential privacy: \(guarantee)") }
            print(String(format: "training time %.1f s", result.seconds))
            print("wrote \(output.path)/: " + result.files.map { String($0.path.dropFirst(output.path.count + 1)) }.joined(separator: ", "))
        }
    }

    static func format(_ value: Float) -> String { String(format: "%.4f", Double(value)) }
}
