import Foundation
import Testing
@testable import SynapseTraining

/// ModelCheckpoint (Keras semantics), checkpoint files and resuming a run.
@Suite("Checkpoint")
struct CheckpointTests {
    /// A new empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The names in a folder, sorted.
    static func names(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    /// The bit patterns of every weight, by name.
    static func weightBits(_ model: Model) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: model.namedWeights.map { ($0.name, $0.parameter.value.scalars.map(\.bitPattern)) })
    }

    /// The seeded regressor, compiled with Adam and mean squared error.
    static func compiledRegressor(seed: UInt64 = 1) -> Sequential {
        let model = TrainingFixtures.regressor(seed: seed)
        model.compile(optimizer: Adam(learningRate: 0.01), loss: MeanSquaredError())
        return model
    }

    /// Trains 4 epochs in one go, and 2 epochs with a checkpoint, then resumes a new
    /// model from it to 4 epochs; returns the problems found (empty when equal).
    static func resumeProblems() throws -> [String] {
        let data = TrainingFixtures.linearData(count: 40)
        func fresh() -> Sequential {
            // Weights drawn from `Random`, so the model build also consumes the stream.
            let model = Sequential { Input(shape: [2]); Dense(8, activation: .tanh); Dense(1) }
            model.compile(optimizer: Adam(learningRate: 0.02), loss: MeanSquaredError())
            return model
        }
        Random.seed(42)
        let uninterrupted = fresh()
        uninterrupted.fit(x: data.x, y: data.y, epochs: 4, batchSize: 6, validationSplit: 0.25, shuffle: true, verbose: 0)

        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        Random.seed(42)
        let first = fresh()
        let checkpoint = ModelCheckpoint(filepath: folder.path + "/run-{epoch:02d}.safetensors")
        first.fit(x: data.x, y: data.y, epochs: 2, batchSize: 6, validationSplit: 0.25, shuffle: true,
                  callbacks: [checkpoint], verbose: 0)
        var problems: [String] = []
        if !checkpoint.errors.isEmpty { problems.append("errors: \(checkpoint.errors)") }

        Random.seed(999)  // another stream: the checkpoint must bring the old one back
        let (resumed, initialEpoch) = try Checkpoint.resume(from: folder.appendingPathComponent("run-02.safetensors"))
        if initialEpoch != 2 { problems.append("initialEpoch \(initialEpoch), expected 2") }
        if resumed.history.epochs != [0, 1] { problems.append("restored history epochs \(resumed.history.epochs)") }
        let resumedCheckpoint = ModelCheckpoint(filepath: folder.path + "/run-{epoch:02d}.safetensors")
        resumed.fit(x: data.x, y: data.y, epochs: 4, batchSize: 6, validationSplit: 0.25, shuffle: true,
                    callbacks: [resumedCheckpoint], verbose: 0, initialEpoch: initialEpoch)
        let expected = weightBits(uninterrupted)
        let found = weightBits(resumed)
        if expected.isEmpty || expected != found { problems.append("weights differ: \(expected) vs \(found)") }
        if uninterrupted.optimizer?.iterations != resumed.optimizer?.iterations {
            problems.append("iterations \(String(describing: resumed.optimizer?.iterations))")
        }
        let last = try ModelFile.read(from: folder.appendingPathComponent("run-04.safetensors"))
        if last.history?.epochs != [0, 1, 2, 3] { problems.append("history of the last checkpoint: \(String(describing: last.history?.epochs))") }
        if last.history?.values["loss"] != uninterrupted.history.values["loss"] {
            problems.append("losses \(String(describing: last.history?.values["loss"])) vs \(uninterrupted.history.values["loss"]!)")
        }
        if try names(in: folder) != ["run-01.safetensors", "run-02.safetensors", "run-03.safetensors", "run-04.safetensors"] {
            problems.append("files: \(try names(in: folder))")
        }
        return problems
    }

    @Test("a run resumed from a checkpoint ends with the uninterrupted run's weights, bit for bit")
    func resumeIsBitIdentical() async {
        // Own process: the run seeds and draws from the shared `Random`.
        await #expect(processExitsWith: .success) {
            do {
                let problems = try CheckpointTests.resumeProblems()
                if !problems.isEmpty {
                    FileHandle.standardError.write(Data(problems.joined(separator: "\n").utf8))
                    exit(1)
                }
            } catch {
                FileHandle.standardError.write(Data("\(error)".utf8))
                exit(2)
            }
        }
    }

    @Test("the file path fills in the 1-based epoch and logged values with Python format specs")
    func pathFormatting() throws {
        let logs: Logs = ["val_loss": 0.123456, "loss": 0.5, "accuracy": 0.875]
        #expect(try ModelCheckpoint.formatPath("m-{epoch:02d}-{val_loss:.4f}.safetensors", epoch: 2, logs: logs) == "m-03-0.1235.safetensors")
        #expect(try ModelCheckpoint.formatPath("{epoch}", epoch: 0, logs: logs) == "1")
        #expect(try ModelCheckpoint.formatPath("{epoch:3d}|{epoch:03}", epoch: 6, logs: logs) == "  7|007")
        #expect(try ModelCheckpoint.formatPath("{loss}-{accuracy:.2f}-{{x}}", epoch: 0, logs: logs) == "0.5-0.88-{x}")
        #expect(try ModelCheckpoint.formatPath("{loss:.2e}", epoch: 0, logs: logs) == "5.00e-01")
        #expect(throws: CheckpointPathError.unknownPlaceholder(name: "val_acc", available: ["accuracy", "loss", "val_loss"])) {
            try ModelCheckpoint.formatPath("{val_acc}", epoch: 0, logs: logs)
        }
        #expect(throws: CheckpointPathError.invalidSpec(placeholder: "loss:d")) {
            try ModelCheckpoint.formatPath("{loss:d}", epoch: 0, logs: logs)
        }
        #expect(throws: CheckpointPathError.unbalancedBrace(pattern: "a{epoch")) {
            try ModelCheckpoint.formatPath("a{epoch", epoch: 0, logs: logs)
        }
    }

    @Test("the checkpoint state keeps 64-bit generator states exactly and rejects bad JSON")
    func stateJSON() throws {
        let state = Checkpoint.State(epoch: 7, random: RandomGenerator(seed: UInt64.max - 1, offset: 1 << 63 + 5))
        #expect(try Checkpoint.State(jsonText: state.jsonText()) == state)
        #expect(throws: ModelFileError.self) { try Checkpoint.State(jsonText: #"{"epoch": -1, "random": {"seed": "1", "offset": "0"}}"#) }
        #expect(throws: ModelFileError.self) { try Checkpoint.State(jsonText: #"{"epoch": 1, "random": {"seed": 1, "offset": "0"}}"#) }
        #expect(throws: ModelFileError.self) { try Checkpoint.State(jsonText: "not json") }
    }

    @Test("saveBestOnly writes only when the monitored value improves")
    func saveBestOnly() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = Self.compiledRegressor()
        let checkpoint = ModelCheckpoint(filepath: folder.path + "/best-{epoch}.safetensors", saveBestOnly: true)
        checkpoint.setModel(model)
        for (epoch, value) in [Float(0.5), 0.6, 0.4, 0.45, 0.4].enumerated() {
            checkpoint.onEpochEnd(epoch, logs: ["loss": 1, "val_loss": value])
        }
        #expect(try Self.names(in: folder) == ["best-1.safetensors", "best-3.safetensors"])
        #expect(checkpoint.best == 0.4)
        #expect(try Checkpoint.state(at: folder.appendingPathComponent("best-3.safetensors")).epoch == 3)

        let accuracy = ModelCheckpoint(filepath: folder.path + "/acc.safetensors", monitor: "val_accuracy", saveBestOnly: true)
        accuracy.setModel(model)
        for (epoch, value) in [Float(0.5), 0.7, 0.6].enumerated() {
            accuracy.onEpochEnd(epoch, logs: ["val_accuracy": value])
        }
        #expect(accuracy.savedPaths.count == 2)
        #expect(try Checkpoint.state(at: folder.appendingPathComponent("acc.safetensors")).epoch == 2)
    }

    @Test("saveWeightsOnly writes a weights file without optimizer state")
    func saveWeightsOnly() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = TrainingFixtures.linearData(count: 16)
        let model = Self.compiledRegressor()
        let checkpoint = ModelCheckpoint(filepath: folder.path + "/w.safetensors", saveWeightsOnly: true)
        model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 8, shuffle: false, callbacks: [checkpoint], verbose: 0)
        let url = folder.appendingPathComponent("w.safetensors")
        let file = try ModelFile.readSafeTensors(from: url)
        #expect(file.metadata["format"] == ModelFile.weightsFormat)
        #expect(Set(file.tensors.keys) == Set(model.namedWeights.map(\.name)))
        let other = Self.compiledRegressor(seed: 9)
        try other.loadWeights(from: url)
        #expect(Self.weightBits(other) == Self.weightBits(model))
        #expect(throws: ModelFileError.self) { try Checkpoint.resume(from: url) }
    }

    @Test("a full checkpoint stores optimizer state, loads into an existing model and as a plain model")
    func loadIntoExistingModel() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = TrainingFixtures.linearData(count: 16)
        let model = Self.compiledRegressor()
        let checkpoint = ModelCheckpoint(filepath: folder.path + "/c.safetensors", monitor: "loss")
        model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 8, shuffle: false, callbacks: [checkpoint], verbose: 0)
        let url = folder.appendingPathComponent("c.safetensors")
        let raw = try ModelFile.readSafeTensors(from: url)
        #expect(raw.tensors["optimizer.iterations"]?.item == 4)
        #expect(raw.tensors["optimizer.0.exp_avg"] != nil)

        let plain = try Sequential.load(from: url)
        #expect(Self.weightBits(plain) == Self.weightBits(model))

        let target = Self.compiledRegressor(seed: 5)
        let epoch = try target.loadCheckpoint(from: url)
        #expect(epoch == 2)
        #expect(Self.weightBits(target) == Self.weightBits(model))
        #expect(target.optimizer?.iterations == 4)
        #expect(target.history.epochs == [0, 1])
        let saved = model.optimizer!.stateTensors()
        let loaded = target.optimizer!.stateTensors()
        #expect(Set(saved.keys) == Set(loaded.keys))
        for (key, tensor) in saved { #expect(loaded[key]?.to(.float32).scalars == tensor.to(.float32).scalars, "\(key)") }
    }

    @Test("an unwritable path prints an error and training goes on; writes leave no temporary files")
    func unwritablePathAndAtomicWrites() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let data = TrainingFixtures.linearData(count: 16)
        let model = Self.compiledRegressor()
        let broken = ModelCheckpoint(filepath: blocker.path + "/m-{epoch}.safetensors", monitor: "loss")
        let working = ModelCheckpoint(filepath: folder.path + "/sub/m-{epoch}-{loss:.3f}.safetensors", monitor: "loss")
        let history = model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 8, shuffle: false,
                                callbacks: [broken, working], verbose: 0)
        #expect(history.epochs == [0, 1, 2])
        #expect(broken.errors.count == 3)
        #expect(broken.errors.first?.contains("epoch 1 not saved to \(blocker.path)/m-1.safetensors") == true)
        #expect(broken.savedPaths.isEmpty)
        #expect(working.errors.isEmpty)
        #expect(working.savedPaths.count == 3)
        let written = try Self.names(in: folder.appendingPathComponent("sub"))
        #expect(written.count == 3)
        #expect(written.allSatisfy { $0.hasPrefix("m-") && $0.hasSuffix(".safetensors") })
        #expect(try Self.names(in: folder) == ["not-a-folder", "sub"])
    }
}
