import ArgumentParser
import Foundation
@_exported import Synapse

/// The flags every example takes, so scripts can drive them alike.
///
/// `--json` makes the last line of standard output one JSON object with at least
/// `example`, `epochs`, `seed`, `train_seconds` and the example's test metrics.
public struct ExampleOptions: ParsableArguments {
    @Option(help: "Number of training epochs (default: the example's own).")
    public var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Samples per gradient step (default: the example's own).")
    public var batchSize: Int?

    @Option(help: "Random seed; runs with the same seed repeat exactly.")
    public var seed: UInt64 = 42

    @Option(name: .customLong("data-dir"), help: "Folder with the data sets (default: the repository's Data/).")
    public var dataDirectory: String?

    @Option(help: "Write the trained model to this file.")
    public var save: String?

    @Option(name: .customLong("output-dir"), help: "Where plots and images go.")
    public var outputDirectory: String = "."

    @Option(name: .customLong("checkpoint-dir"), help: "Write a checkpoint (model, optimizer and random state) into this folder after every epoch.")
    public var checkpointDirectory: String?

    @Option(help: "Continue an interrupted run from this checkpoint.")
    public var resume: String?

    @Option(name: .customLong("tensorboard"), help: "Write TensorBoard logs (scalars every epoch, histograms, pictures) into this folder; view them with `tensorboard --logdir DIR`.")
    public var tensorBoardDirectory: String?

    @Flag(help: "Print the results as one JSON object on the last line.")
    public var json = false

    @Option(help: "Device to train on: cpu (default), isolated (the test device whose memory only its backend reads), cuda or cuda:N.")
    public var device: String = "cpu"

    public init() {}

    /// Joins a data-parallel run when started by `mpirun` (see ``Distributed``):
    /// every rank trains, rank 0 alone prints, saves and writes pictures, so the
    /// other ranks drop their standard output and their file flags.
    public mutating func validate() throws {
        do {
            try Distributed.initializeIfLaunched()
        } catch {
            throw ValidationError("\(error)")
        }
        Distributed.silenceStandardOutputOfOtherRanks()
        if !Distributed.isMainProcess { (save, checkpointDirectory, tensorBoardDirectory) = (nil, nil, nil) }
    }

    /// Whether this process writes pictures and files: rank 0 of a data-parallel
    /// run, or the only process.
    public var writesFiles: Bool { Distributed.isMainProcess }

    /// The `--device` flag as a device this process can use, or a readable error
    /// (an unknown name, or why the device is unavailable).
    public func resolvedDevice() throws -> Device {
        guard let resolved = Device(name: device) else {
            throw ValidationError("unknown device \"\(device)\"; use cpu, isolated, cuda or cuda:N")
        }
        if case .failure(let reason) = Backends.lookup(resolved) { throw ValidationError(reason.description) }
        return resolved
    }

    /// The data folder: `--data-dir`, else `SYNAPSE_DATA_DIR`, else a `Data/` folder
    /// above the current directory, else the `Data/` of the checkout this example
    /// was built from (so a built binary also works when started elsewhere).
    public func dataDirectoryURL() -> URL {
        if let dataDirectory { return URL(fileURLWithPath: dataDirectory) }
        let found = DataDirectory.default
        if FileManager.default.fileExists(atPath: found.path) { return found }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data", isDirectory: true)
        return FileManager.default.fileExists(atPath: checkout.path) ? checkout : found
    }

    /// The output folder, created if missing.
    public func outputDirectoryURL() throws -> URL {
        let url = URL(fileURLWithPath: outputDirectory)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Collects an example's results and prints them, as JSON with `--json`.
public struct ExampleReport {
    private var fields: [(String, Any)] = []

    public init(example: String, epochs: Int, seed: UInt64) {
        fields = [("example", example), ("epochs", epochs), ("seed", seed)]
        if Distributed.worldSize > 1 { fields.append(("world_size", Distributed.worldSize)) }
    }

    /// Adds (or replaces) a field; values are numbers, strings, booleans or arrays of them.
    public mutating func set(_ key: String, _ value: Any) {
        if let index = fields.firstIndex(where: { $0.0 == key }) {
            fields[index].1 = value
        } else {
            fields.append((key, value))
        }
    }

    /// Prints one compact JSON object on its own line.
    public func printJSON() {
        let body = fields.map { "\"\($0.0)\": \(Self.encode($0.1))" }.joined(separator: ", ")
        print("{" + body + "}")
    }

    private static func encode(_ value: Any) -> String {
        switch value {
        case let number as Float: return number.isFinite ? "\(number)" : "null"
        case let number as Double: return number.isFinite ? "\(number)" : "null"
        case let number as Int: return "\(number)"
        case let number as UInt64: return "\(number)"
        case let flag as Bool: return flag ? "true" : "false"
        case let text as String:
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        case let list as [Float]: return "[" + list.map { encode($0) }.joined(separator: ", ") + "]"
        case let list as [Any]: return "[" + list.map { encode($0) }.joined(separator: ", ") + "]"
        default: return "\"\(value)\""
        }
    }
}

/// Seconds elapsed while running `body`.
public func measureSeconds<R>(_ body: () throws -> R) rethrows -> (result: R, seconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

extension ExampleOptions {
    /// Applies `--resume` (loads the checkpoint into `model`), `--checkpoint-dir`
    /// (a `ModelCheckpoint` after every epoch) and `--tensorboard` (a ``TensorBoard``
    /// callback with weight histograms every epoch), shared by every training example.
    ///
    /// - Parameters:
    ///   - model: the compiled model about to be trained.
    ///   - summaries: the example's own TensorBoard pictures or texts after each epoch.
    /// - Returns: the epoch to start from and the callbacks to pass to `fit`.
    public func resumeAndCallbacks(_ model: Model, summaries: TensorBoard.EpochSummaries? = nil) throws
        -> (initialEpoch: Int, callbacks: [any Callback]) {
        var initialEpoch = 0
        if let resume {
            initialEpoch = try model.loadCheckpoint(from: URL(fileURLWithPath: resume))
            print("resumed from \(resume) at epoch \(initialEpoch + 1)")
        }
        var callbacks: [any Callback] = []
        if let checkpointDirectory {
            callbacks.append(ModelCheckpoint(filepath: checkpointDirectory + "/epoch-{epoch:03d}.safetensors", monitor: "loss"))
        }
        if let tensorBoard = tensorBoard(summaries: summaries) { callbacks.append(tensorBoard) }
        return (initialEpoch, callbacks)
    }

    /// The ``TensorBoard`` callback of `--tensorboard DIR`, or `nil` without the flag.
    ///
    /// - Parameters:
    ///   - subfolder: a folder inside `DIR` for an example that trains several models.
    ///   - summaries: the example's own pictures or texts after each epoch.
    /// - Returns: a callback writing scalars every epoch and weight and gradient histograms
    ///   with weight pictures every epoch.
    public func tensorBoard(subfolder: String? = nil, summaries: TensorBoard.EpochSummaries? = nil) -> TensorBoard? {
        guard let tensorBoardDirectory else { return nil }
        let logDir = subfolder.map { tensorBoardDirectory + "/" + $0 } ?? tensorBoardDirectory
        print("TensorBoard logs go to \(logDir) (tensorboard --logdir \(tensorBoardDirectory))")
        return TensorBoard(logDir: logDir, histogramFrequency: 1, writeImages: true, epochSummaries: summaries)
    }

    /// `[tensorBoard(subfolder:)]`, or no callback without `--tensorboard`.
    ///
    /// - Parameter subfolder: a folder inside `DIR` for an example that trains several models.
    /// - Returns: the callbacks to pass to `fit`.
    public func tensorBoardCallbacks(subfolder: String? = nil) -> [any Callback] {
        tensorBoard(subfolder: subfolder).map { [$0] } ?? []
    }
}
