import Foundation
import Testing
@testable import SynapseTraining

/// The executables built next to the test bundle (the build's products folder).
enum BuiltProducts {
    /// The products folder: where the running test binary lives.
    static let folder: URL? = {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test binary may sit inside a `.xctest` bundle folder.
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    /// The executable `name` in the products folder, if it was built.
    static func executable(_ name: String) -> URL? {
        guard let url = folder?.appendingPathComponent(name), FileManager.default.isExecutableFile(atPath: url.path) else { return nil }
        return url
    }

    /// Runs `executable` with `arguments`; returns exit status, standard output and standard error.
    static func run(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let outputURL = folder.appendingPathComponent("stdout")
        let errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.currentDirectoryURL = folder
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: outputURL, encoding: .utf8), try String(contentsOf: errorURL, encoding: .utf8))
    }

    static let skipMessage = "the synapse executable is not built next to the tests; run `swift build -c release` with the same --scratch-path first"
}

@Suite("synapse summary and inspect (end to end)", .enabled(if: BuiltProducts.executable("synapse") != nil, Comment(rawValue: BuiltProducts.skipMessage)))
struct ModelFileCLITests {
    typealias F = ModelFileFixtures
    let synapse = BuiltProducts.executable("synapse")!

    @Test("inspect lists every tensor with dtype and shape, and the metadata")
    func inspect() throws {
        let (_, url) = try F.savedMLP()
        let result = try BuiltProducts.run(synapse, ["inspect", url.path])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("4 tensors, 161 values") == true, "\(result.output)")
        #expect(lines.contains { $0.contains("dense.kernel") && $0.contains("float32") && $0.hasSuffix("[8, 16]") })
        #expect(lines.contains { $0.contains("dense_1.bias") && $0.hasSuffix("[1]") })
        #expect(lines.contains("  format: synapse-model"))
        #expect(lines.contains("  format_version: 1"))
        let architecture = try #require(lines.first { $0.hasPrefix("  architecture: ") })
        #expect(architecture.count < 200 && architecture.hasSuffix("characters)"), "long values are cut")
        #expect(result.error.isEmpty)
    }

    @Test("summary prints the layer table, the compile settings and the last epoch")
    func summary() throws {
        let (model, url) = try F.savedMLP()
        let result = try BuiltProducts.run(synapse, ["summary", url.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix(model.summaryText()), "\(result.output)")
        #expect(result.output.contains("optimizer: Adam (amsgrad=false, beta_1=0.9, beta_2=0.999"))
        #expect(result.output.contains("loss: binary_crossentropy (from_logits=false"))
        #expect(result.output.contains("metrics: accuracy"))
        let (accuracy, loss) = (model.history.values["accuracy"]!.last!, model.history.values["loss"]!.last!)
        let last = "accuracy \(String(format: "%.6g", Double(accuracy))), loss \(String(format: "%.6g", Double(loss)))"
        #expect(result.output.hasSuffix("History: 2 epochs; last (epoch 2): \(last)\n"), "\(result.output)")
    }

    @Test("Both commands exit 1 with one line `error: ...` for garbage, missing and non-model files")
    func errors() throws {
        let garbage = F.temporaryURL("garbage.safetensors")
        try Data(repeating: 0xAB, count: 300).write(to: garbage)
        let missing = F.temporaryURL("missing.safetensors")
        for command in ["summary", "inspect"] {
            for url in [garbage, missing] {
                let result = try BuiltProducts.run(synapse, [command, url.path])
                #expect(result.status == 1, "\(command) \(url.lastPathComponent): \(result.status)")
                let lines = result.error.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
                #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(url.path), "\(result.error)")
                #expect(result.output.isEmpty)
            }
        }
        let weights = F.temporaryURL("weights.safetensors")
        try F.mlp().saveWeights(to: weights)
        let summary = try BuiltProducts.run(synapse, ["summary", weights.path])
        #expect(summary.status == 1 && summary.error.hasPrefix("error: ") && summary.error.contains("not a Synapse model file"))
        #expect(try BuiltProducts.run(synapse, ["inspect", weights.path]).status == 0, "inspect reads any safetensors file")
    }
}

@Suite("Examples save their models (end to end)", .enabled(if: BuiltProducts.executable("xor") != nil, Comment(rawValue: BuiltProducts.skipMessage)))
struct ExampleSaveTests {
    @Test("xor --save writes a model that loads with its compile settings, history and predictions")
    func xorSaves() throws {
        let url = ModelFileFixtures.temporaryURL("xor.safetensors")
        let result = try BuiltProducts.run(BuiltProducts.executable("xor")!, ["--epochs", "300", "--save", url.path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("saved the trained model to \(url.path)"))
        let model = try Sequential.load(from: url)
        #expect((model.optimizer as? SGD)?.learningRate == 0.5)
        #expect(model.loss?.name == "mean_squared_error")
        #expect(model.history.epochs.count == 300)
        let json = try #require(result.output.split(separator: "\n").last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let printed = try #require(report["predictions"] as? [Double]).map(Float.init)
        #expect(model.predict(Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])).scalars == printed)
        let refused = try BuiltProducts.run(BuiltProducts.executable("xor")!, ["--from-scratch", "--save", url.path])
        #expect(refused.status != 0 && refused.error.contains("--save needs the Model API"))
    }
}
