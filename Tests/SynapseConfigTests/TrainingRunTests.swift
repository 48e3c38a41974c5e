import Foundation
import SynapseIO
import Testing
@testable import SynapseConfig

@Suite("Training from a configuration, then evaluate and predict with the saved model")
struct TrainingRunTests {
    typealias F = ConfigFixtures

    @Test("A CSV classifier learns, writes its files, and the saved preprocessing is reused")
    func csvClassifier() throws {
        let folder = try F.folder()
        _ = try F.file("data.csv", F.separableCSV(rows: 400), in: folder)
        let text = F.csvConfig(model: "  - Dense: {units: 16, activation: relu}\n  - Dense: {units: 1, activation: sigmoid}\n",
                               training: "  optimizer: {name: adam, learning_rate: 0.02}\n  loss: binary_crossentropy\n"
                                   + "  metrics: [accuracy]\n  epochs: 30\n  batch_size: 16\n")
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        let output = folder.appendingPathComponent("out")
        let result = try TrainingRun(config: config, options: .init(outputDirectory: output, verbose: 0)).run()
        let test = try #require(result.test)
        #expect(try #require(test["accuracy"]) > 0.9, "\(test)")
        for name in ["model.safetensors", "preprocessing.json", "history.csv", "history.json", "separable_loss.png", "separable_accuracy.svg"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(name).path), "\(name)")
        }

        let saved = try SavedModel.load(from: output.appendingPathComponent("model.safetensors"))
        #expect(saved.preprocessing == result.preprocessing)
        let data = try Evaluation.dataSpec(for: folder.appendingPathComponent("data.csv").path, labels: nil, saved: saved.preprocessing)
        let (logs, samples) = try Evaluation.evaluate(saved, data: data, split: .test)
        #expect(samples == 80)
        #expect(abs((logs["accuracy"] ?? 0) - test["accuracy"]!) < 1e-6, "same held-out rows as training: \(logs) vs \(test)")

        // Unscaled rows: the saved standardisation must be applied for these to be right.
        let inputs = try F.file("rows.csv", "a,b\n0.9,0.8\n0.1,0.2\n", in: folder)
        let rows = Prediction.predict(saved, inputs: try Prediction.readInputs([inputs], saved: saved), topK: 1)
        #expect(rows.map { $0.classes?.first?.index } == [1, 0], "\(rows)")
    }

    @Test("callbacks.tensorboard writes train and validation event files inside the output folder")
    func tensorBoardLogs() throws {
        let folder = try F.folder()
        _ = try F.file("data.csv", F.separableCSV(rows: 100), in: folder)
        let text = F.csvConfig().replacingOccurrences(of: "preprocessing:\n", with: "preprocessing:\n  validation_split: 0.2\n")
            + "callbacks:\n  tensorboard: {log_dir: tb, update_freq: 2, histogram_freq: 1, write_images: true}\n"
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        #expect(config.callbacks.tensorBoard == .init(logDir: "tb", updateFrequency: .batches(2), histogramFrequency: 1, writeImages: true))
        let output = folder.appendingPathComponent("out")
        let result = try TrainingRun(config: config, options: .init(outputDirectory: output, verbose: 0)).run()
        #expect(result.files.contains(output.appendingPathComponent("tb", isDirectory: true)))
        for run in ["train", "validation"] {
            let runFolder = output.appendingPathComponent("tb/\(run)").path
            let files = try FileManager.default.contentsOfDirectory(atPath: runFolder).filter { $0.hasPrefix("events.out.tfevents.") }
            #expect(files.count == 1, "\(run): \(files)")
            let size = try FileManager.default.attributesOfItem(atPath: runFolder + "/" + files[0])[.size] as? Int ?? 0
            #expect(size > 100, "\(run): \(size) bytes")
        }
        let defaults = try TrainingConfig.load(from: try F.file("defaults.yaml", F.csvConfig() + "callbacks:\n  tensorboard: true\n", in: folder))
        #expect(defaults.callbacks.tensorBoard == .init(logDir: "logs", updateFrequency: .epoch, histogramFrequency: 0, writeImages: false))
    }

    @Test("A NumPy archive with x, y, x_test and y_test trains from a configuration")
    func numPyArchive() throws {
        let folder = try F.folder()
        var generator = RandomGenerator(seed: 9)
        let x = Tensor.randomUniform([300, 2], generator: &generator)
        let y = (x.sum(alongAxis: 1) .> 1).to(.int32)
        try NumPy.saveArchive(["x": x.narrowed(axis: 0, start: 0, length: 240), "y": y.narrowed(axis: 0, start: 0, length: 240),
                               "x_test": x.narrowed(axis: 0, start: 240, length: 60),
                               "y_test": y.narrowed(axis: 0, start: 240, length: 60)],
                              to: folder.appendingPathComponent("arrays.npz"), compressed: true)
        let text = """
            name: archive
            data:
              npz: arrays.npz
            model:
              - Dense: {units: 16, activation: relu}
              - Dense: {units: 2, activation: softmax}
            training:
              optimizer: {name: adam, learning_rate: 0.02}
              loss: sparse_categorical_crossentropy
              metrics: [accuracy]
              epochs: 30
              batch_size: 16
            """
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        #expect(config.data.source == .npz(path: folder.appendingPathComponent("arrays.npz").standardizedFileURL.path))
        let result = try TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out"),
                                                                    verbose: 0)).run()
        let test = try #require(result.test)
        #expect(try #require(test["accuracy"]) > 0.9, "\(test)")

        try NumPy.saveArchive(["x": x], to: folder.appendingPathComponent("arrays.npz"))
        do {
            _ = try TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out2"),
                                                               verbose: 0)).run()
            Issue.record("an archive without y trained")
        } catch {
            #expect("\(error)".contains("arrays.npz: the archive has no array 'y' (it has x)"), "\(error)")
        }
    }

    @Test("Image folders train from a configuration; a test folder with other classes is refused")
    func imageFolders() throws {
        let folder = try F.folder()
        // Two classes of 10×10 PNGs: dark and light, with a little texture.
        func write(_ root: String, count: Int) throws {
            for index in 0..<count {
                for (name, base) in [("dark", 30), ("light", 200)] {
                    let pixels = (0..<100).map { UInt8(base + ($0 * 7 + index * 3) % 20) }
                    let url = folder.appendingPathComponent("\(root)/\(name)/\(index).png")
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(PNGEncoder.encode(grayscale: pixels, width: 10, height: 10)).write(to: url)
                }
            }
        }
        try write("train", count: 30)
        try write("test", count: 10)
        let text = """
            name: shades
            data:
              images_from: train
              test_images_from: test
              image_size: [8, 8]
              color_mode: grayscale
            model:
              - Flatten: {}
              - Dense: {units: 2, activation: softmax}
            training:
              optimizer: {name: adam, learning_rate: 0.05}
              loss: sparse_categorical_crossentropy
              metrics: [accuracy]
              epochs: 10
              batch_size: 8
            """
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        let result = try TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out"),
                                                                    verbose: 0)).run()
        let test = try #require(result.test)
        #expect(try #require(test["accuracy"]) > 0.95, "\(test)")

        // Prediction resizes images of any size and format to the model's 8 × 8 grey input.
        let saved = try SavedModel.load(from: folder.appendingPathComponent("out/model.safetensors"))
        let lightJPEG = try F.file("light.jpg", "", in: folder)
        try Data(try JPEGEncoder.encode([UInt8](repeating: 205, count: 24 * 24 * 3), width: 24, height: 24, channels: 3))
            .write(to: lightJPEG)
        let darkPNG = folder.appendingPathComponent("dark.png")
        try Data(PNGEncoder.encode(grayscale: [UInt8](repeating: 35, count: 5 * 7), width: 5, height: 7)).write(to: darkPNG)
        let inputs = try Prediction.readInputs([lightJPEG, darkPNG], saved: saved)
        #expect(inputs.x.shape == [2, 8, 8, 1])
        let rows = Prediction.predict(saved, inputs: inputs, topK: 1)
        #expect(rows.map { $0.classes?.first?.name } == ["light", "dark"], "\(rows)")

        try FileManager.default.moveItem(at: folder.appendingPathComponent("test/light"),
                                         to: folder.appendingPathComponent("test/bright"))
        do {
            _ = try TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out2"),
                                                               verbose: 0)).run()
            Issue.record("a test folder with other classes was accepted")
        } catch {
            #expect("\(error)".contains("differ from the training folder's [\"dark\", \"light\"]"), "\(error)")
        }
        let misplaced = try F.error("name: x\ndata:\n  csv: d.csv\n  image_size: [8, 8]\nmodel:\n  - Dense: {units: 1}\ntraining:\n  loss: mse\n",
                                    extra: ["d.csv": "1,2\n"])
        #expect(misplaced?.message.contains("only applies to images_from: data") == true, "\(String(describing: misplaced))")
    }
}
