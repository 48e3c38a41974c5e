import Foundation
import Testing

/// `synapse train` from each shipped configuration on a small subset, then
/// evaluate, predict and plot with the result (end to end, the built binary).
@Suite("synapse train, evaluate, predict, plot (end to end)", .serialized,
       .enabled(if: CLIRunner.synapse != nil, Comment(rawValue: CLIRunner.skipMessage)))
struct TrainCommandTests {
    typealias R = CLIRunner

    private func expectFiles(_ names: [String], in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        for name in names {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "\(name) missing", sourceLocation: sourceLocation)
        }
    }

    private func testLine(_ output: String) throws -> String {
        try #require(output.split(separator: "\n").map(String.init).first { $0.hasPrefix("test: ") }, "\(output)")
    }

    @Test("pima.yaml trains above 70 % test accuracy; predict, evaluate and plot use the saved model")
    func pima() throws {
        let folder = try R.temporaryFolder()
        let run = folder.appendingPathComponent("run")
        let train = try R.run(["train", "Examples/configs/pima.yaml", "--output-dir", run.path, "--epochs", "30", "--quiet"])
        #expect(train.status == 0, "\(train.error)")
        let accuracy = try #require(R.metric("accuracy", in: try testLine(train.output)))
        #expect(accuracy > 0.7, "\(train.output)")
        #expect(train.output.contains("pima: pima, 614 training and 154 test samples; 30 epochs, batch 10, seed 42"))
        #expect(train.output.contains("Epoch 30/30") || train.output.contains("final (epoch"), "\(train.output)")
        expectFiles(["model.safetensors", "preprocessing.json", "history.csv", "history.json", "training_log.csv",
                     "pima_loss.png", "pima_loss.svg", "pima_accuracy.png"], in: run)

        // Raw rows with their label column: the saved scaler must be applied, the label dropped.
        let csv = try String(contentsOf: R.repository.appendingPathComponent("Data/pima/pima-indians-diabetes.data.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").prefix(60).map(String.init)
        let input = folder.appendingPathComponent("rows.csv")
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: input)
        let predict = try R.run(["predict", run.appendingPathComponent("model.safetensors").path, "--input", input.path, "--format", "json"])
        #expect(predict.status == 0, "\(predict.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(predict.output.utf8)) as? [String: Any])
        let predictions = try #require(json["predictions"] as? [[String: Any]])
        #expect(predictions.count == 60)
        let labels = rows.map { Int($0.split(separator: ",").last!.trimmingCharacters(in: .whitespaces))! }
        let correct = zip(predictions, labels).filter { ($0.0["class"] as? Int) == $0.1 }.count
        #expect(correct >= 42, "\(correct) of 60 rows right")

        let evaluate = try R.run(["evaluate", run.appendingPathComponent("model.safetensors").path, "--data", "pima"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        #expect(evaluate.output.hasPrefix("pima (test, 154 samples): accuracy "), "\(evaluate.output)")
        let evaluated = try #require(R.metric("accuracy", in: evaluate.output))
        #expect(abs(evaluated - accuracy) < 1e-3, "the same held-out rows as training: \(evaluate.output) vs \(train.output)")

        let plots = folder.appendingPathComponent("plots")
        let plot = try R.run(["plot", run.appendingPathComponent("history.json").path, "--output-dir", plots.path, "--name", "again"])
        #expect(plot.status == 0, "\(plot.error)")
        #expect(plot.output.split(separator: "\n").first?.hasSuffix(" epochs, accuracy, loss, val_accuracy, val_loss") == true, "\(plot.output)")
        expectFiles(["again_loss.png", "again_loss.svg", "again_accuracy.png", "again_accuracy.svg"], in: plots)
        let png = try Data(contentsOf: plots.appendingPathComponent("again_loss.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("mnist-mlp.yaml on 2000 images learns (> 80 %); IDX and PNG inputs give the known digits; --resume continues")
    func mnistMLP() throws {
        let folder = try R.temporaryFolder()
        let run = folder.appendingPathComponent("run")
        let train = try R.run(["train", "Examples/configs/mnist-mlp.yaml", "--output-dir", run.path, "--limit", "2000", "--epochs", "5", "--batch-size", "32"])
        #expect(train.status == 0, "\(train.error)")
        #expect(try #require(R.metric("accuracy", in: try testLine(train.output))) > 0.8, "\(train.output)")
        expectFiles(["model.safetensors", "checkpoints/last.safetensors", "mnist-mlp_accuracy.png", "logs/train", "logs/validation"], in: run)
        let model = run.appendingPathComponent("model.safetensors").path

        // The first 20 test digits as an uncompressed IDX file, and the first 3 as PNG files.
        let images = try R.gunzip(R.repository.appendingPathComponent("Data/mnist/t10k-images-idx3-ubyte.gz"))
        let labels = try R.gunzip(R.repository.appendingPathComponent("Data/mnist/t10k-labels-idx1-ubyte.gz"))
        let count = 20
        let idx = folder.appendingPathComponent("digits.idx3")
        try Data([0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 28, 0, 0, 0, 28] + images[16..<(16 + count * 784)]).write(to: idx)
        let known = labels[8..<(8 + count)].map(Int.init)
        let predict = try R.run(["predict", model, "--input", idx.path])
        #expect(predict.status == 0, "\(predict.error)")
        let lines = predict.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "source,class,label,probability")
        let classes = lines.dropFirst().map { Int($0.split(separator: ",")[1])! }
        #expect(classes.count == count)
        #expect(zip(classes, known).filter { $0 == $1 }.count >= 16, "\(classes) vs \(known)")

        var pngArguments = ["predict", model, "--top-k", "3"]
        for index in 0..<3 {
            let png = folder.appendingPathComponent("digit\(index).png")
            let offset = 16 + index * 784
            try Data(TinyPNG.grayscale(Array(images[offset..<(offset + 784)]), width: 28, height: 28)).write(to: png)
            pngArguments += ["--input", png.path]
        }
        let fromPNG = try R.run(pngArguments)
        #expect(fromPNG.status == 0, "\(fromPNG.error)")
        let pngLines = fromPNG.output.split(separator: "\n").map(String.init)
        #expect(pngLines.first == "source,class,label,probability,class_2,label_2,probability_2,class_3,label_3,probability_3")
        #expect(pngLines.dropFirst().map { Int($0.split(separator: ",")[1])! } == Array(classes.prefix(3)), "PNG and IDX inputs agree")
        #expect(pngLines.dropFirst().first?.hasPrefix("digit0.png,") == true)

        let evaluate = try R.run(["evaluate", model, "--data", "mnist", "--limit", "1000", "--json"])
        #expect(evaluate.status == 0, "\(evaluate.error)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(evaluate.output.utf8)) as? [String: Any])
        #expect(metrics["samples"] as? Int == 1000)
        #expect((metrics["accuracy"] as? Double ?? 0) > 0.8, "\(evaluate.output)")

        // Resume: one more epoch from the checkpoint continues at epoch 6.
        let resumed = folder.appendingPathComponent("resumed")
        let again = try R.run(["train", "Examples/configs/mnist-mlp.yaml", "--output-dir", resumed.path, "--limit", "2000", "--epochs", "6", "--batch-size", "32",
                               "--resume", run.appendingPathComponent("checkpoints/last.safetensors").path, "--quiet"])
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.contains("resumed at epoch 6"), "\(again.output)")
        let history = try String(contentsOf: resumed.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").count == 7, "header and six epochs: \(history)")
    }

    @Test("mnist-cnn.yaml on 1000 images learns well above chance (> 60 %)")
    func mnistCNN() throws {
        let run = try R.temporaryFolder().appendingPathComponent("run")
        let train = try R.run(["train", "Examples/configs/mnist-cnn.yaml", "--output-dir", run.path, "--limit", "1000", "--epochs", "2", "--batch-size", "32", "--quiet"])
        #expect(train.status == 0, "\(train.error)")
        #expect(try #require(R.metric("accuracy", in: try testLine(train.output))) > 0.6, "\(train.output)")
        #expect(train.output.contains("conv2d"), "the summary lists the layers: \(train.output)")
        expectFiles(["model.safetensors", "history.json", "mnist-cnn_loss.svg"], in: run)
    }

    @Test("mnist-private.yaml trains with DP-SGD: the guarantee is printed and its ε stays at the target; a BatchNormalization model is refused by name")
    func mnistPrivate() throws {
        let folder = try R.temporaryFolder()
        let run = folder.appendingPathComponent("run")
        let train = try R.run(["train", "Examples/configs/mnist-private.yaml", "--output-dir", run.path, "--limit", "2000",
                               "--epochs", "3", "--batch-size", "100", "--quiet"])
        #expect(train.status == 0, "\(train.error)")
        #expect(try #require(R.metric("accuracy", in: try testLine(train.output))) > 0.4, "\(train.output)")
        let line = try #require(train.output.split(separator: "\n").first { $0.hasPrefix("differential privacy: (ε = ") }, "\(train.output)")
        let epsilon = try #require(Double(line.split(separator: "= ")[1].split(separator: ",")[0]))
        #expect(epsilon <= 3 && epsilon > 2.9, "\(line)")
        // The model file records the guarantee.
        let file = try Data(contentsOf: run.appendingPathComponent("model.safetensors"))
        #expect(String(decoding: file.prefix(20_000), as: UTF8.self).contains("noise_multiplier"))

        let text = try String(contentsOf: R.repository.appendingPathComponent("Examples/configs/mnist-private.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  - Flatten\n", with: "  - BatchNormalization\n  - Flatten\n")
        let config = folder.appendingPathComponent("bn.yaml")
        try Data(text.utf8).write(to: config)
        let refused = try R.run(["train", config.path, "--output-dir", folder.appendingPathComponent("bn").path, "--limit", "200", "--quiet"])
        #expect(refused.status != 0 && refused.error.contains("batch_normalization (BatchNormalization)"), "\(refused.error)")
    }

    @Test("mnist-cnn --dp-epsilon trains privately and --json reports epsilon and delta",
          .enabled(if: CLIRunner.example("mnist-cnn") != nil, "the mnist-cnn example is not built next to the tests"))
    func mnistCNNPrivate() throws {
        let example = try R.run(["--dp-epsilon", "2", "--dp-clip", "1.5", "--train-limit", "2000", "--epochs", "2", "--batch-size", "100", "--json"],
                                executable: CLIRunner.example("mnist-cnn"))
        #expect(example.status == 0, "\(example.output) \(example.error)")
        let last = try #require(example.output.split(separator: "\n").last.map(String.init))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(example.output)")
        let epsilon = try #require(report["epsilon"] as? Double)
        #expect(epsilon <= 2 && epsilon > 1.9 && report["delta"] as? Double == 1e-5 && report["clip_norm"] as? Double == 1.5, "\(report)")
        #expect(try #require(report["test_accuracy"] as? Double) > 0.3, "\(report)")
    }

    @Test("mnist-png-folder: 1000 test digits as PNG class folders train to the same accuracy as the arrays; the config trains from the folder",
          .enabled(if: CLIRunner.example("mnist-png-folder") != nil, "the mnist-png-folder example is not built next to the tests"))
    func mnistPNGFolder() throws {
        let folder = try R.temporaryFolder()
        let images = folder.appendingPathComponent("digits")
        let example = try R.run(["--folder", images.path, "--limit", "1000", "--epochs", "2", "--json"],
                                executable: CLIRunner.example("mnist-png-folder"))
        #expect(example.status == 0, "\(example.output) \(example.error)")
        let last = try #require(example.output.split(separator: "\n").last.map(String.init))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(example.output)")
        let (fromFolder, fromArrays) = (try #require(report["folder_accuracy"] as? Double), try #require(report["array_accuracy"] as? Double))
        #expect(fromFolder == fromArrays && fromFolder > 0.6, "\(report)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: images.path).filter { $0.hasSuffix(".png") }
        #expect(written.count == 1000 && written.contains("7/000.png"), "the first test digit is a 7")

        // The shipped configuration, pointed at this folder.
        let text = try String(contentsOf: R.repository.appendingPathComponent("Examples/configs/mnist-png-folder.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "images_from: ../../runs/mnist-test-png", with: "images_from: \(images.path)")
        let config = folder.appendingPathComponent("mnist-png-folder.yaml")
        try Data(text.utf8).write(to: config)
        let run = folder.appendingPathComponent("run")
        let train = try R.run(["train", config.path, "--output-dir", run.path, "--epochs", "2", "--quiet"])
        #expect(train.status == 0, "\(train.error)")
        #expect(try #require(R.metric("accuracy", in: try testLine(train.output))) > 0.6, "\(train.output)")
        let predict = try R.run(["predict", run.appendingPathComponent("model.safetensors").path,
                                 "--input", images.appendingPathComponent("7/000.png").path])
        #expect(predict.status == 0 && predict.output.contains("000.png,7,"), "\(predict.output) \(predict.error)")
    }

    @Test("synapse explain: a heat-map grid of IDX digits titled with prediction and truth, every method; texts as an HTML page")
    func explain() throws {
        let folder = try R.temporaryFolder()
        let run = folder.appendingPathComponent("run")
        let train = try R.run(["train", "Examples/configs/mnist-cnn.yaml", "--output-dir", run.path, "--limit", "2000", "--epochs", "1", "--quiet"])
        #expect(train.status == 0, "\(train.error)")
        let model = run.appendingPathComponent("model.safetensors").path
        for method in ["integrated-gradients", "saliency", "gradient-x-input", "smoothgrad", "grad-cam", "occlusion"] {
            let picture = folder.appendingPathComponent("\(method).png")
            let result = try R.run(["explain", model, "--input", "Data/mnist/t10k-images-idx3-ubyte.gz",
                                    "--labels", "Data/mnist/t10k-labels-idx1-ubyte.gz", "--limit", "4", "--method", method,
                                    "--steps", "16", "--output", picture.path])
            #expect(result.status == 0, "\(method): \(result.error)")
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 5 && lines[0].hasPrefix("t10k-images-idx3-ubyte.gz[0]: predicted ") && lines[0].contains("true 7"),
                    "\(method): \(result.output)")
            let bytes = try Data(contentsOf: picture)
            #expect(bytes.count > 1000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(method)")
        }
        let wrongLayer = try R.run(["explain", model, "--input", "Data/mnist/t10k-images-idx3-ubyte.gz", "--method", "grad-cam",
                                    "--layer", "nope", "--output", folder.appendingPathComponent("x.png").path])
        #expect(wrongLayer.status == 1 && wrongLayer.error.contains("no layer named 'nope'"), "\(wrongLayer.error)")
        let noVocabulary = try R.run(["explain", model, "--text", "a fine film", "--output", folder.appendingPathComponent("x.html").path])
        #expect(noVocabulary.status == 1 && noVocabulary.error.contains("no vocabulary"), "\(noVocabulary.error)")

        // A small text model with its vocabulary, from the text-lstm example.
        guard let textLSTM = CLIRunner.example("text-lstm") else { return }
        let textModel = folder.appendingPathComponent("text/model.safetensors")
        try FileManager.default.createDirectory(at: textModel.deletingLastPathComponent(), withIntermediateDirectories: true)
        let trained = try R.run(["--epochs", "1", "--train-limit", "300", "--test-limit", "50", "--num-words", "2000", "--maxlen", "40",
                                 "--save", textModel.path], executable: textLSTM)
        #expect(trained.status == 0, "\(trained.error)")
        let page = folder.appendingPathComponent("review.html")
        let explained = try R.run(["explain", textModel.path, "--text", "A wonderful film, I loved it.", "--text", "Dull & <boring>.",
                                   "--steps", "16", "--output", page.path])
        #expect(explained.status == 0 && explained.output.hasPrefix("text 1: predicted "), "\(explained.output) \(explained.error)")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.contains(">wonderful</span>") && html.contains(">film</span>") && html.contains(">dull</span>"), "\(html)")
    }

    @Test("A mistaken configuration is refused before training with file, line and key")
    func configError() throws {
        let folder = try R.temporaryFolder()
        let config = folder.appendingPathComponent("bad.yaml")
        let text = try String(contentsOf: R.repository.appendingPathComponent("Examples/configs/pima.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "- Dense: {units: 8, activation: relu}", with: "- Dense: {units: eight, activation: relu}")
        try Data(text.utf8).write(to: config)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("units: eight") }! + 1
        let run = folder.appendingPathComponent("run")
        let result = try R.run(["train", config.path, "--output-dir", run.path])
        #expect(result.status == 1)
        #expect(result.error == "error: \(config.path):\(line): model[1].Dense.units: must be an integer in 1...16777216, found \"eight\" (Dense)\n",
                "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: run.path), "nothing was trained or written")
    }

    @Test("Missing models and inputs give one error line and status 1")
    func usageErrors() throws {
        let missing = try R.run(["evaluate", "/nonexistent/model.safetensors", "--data", "pima"])
        #expect(missing.status == 1 && missing.error.hasPrefix("error: ") && missing.error.contains("/nonexistent/model.safetensors"))
        let noInput = try R.run(["predict", "/nonexistent/model.safetensors"])
        #expect(noInput.status != 0 && noInput.error.contains("--input"))
        let plot = try R.run(["plot", "/nonexistent/history.json"])
        #expect(plot.status == 1 && plot.error == "error: /nonexistent/history.json: file not found\n", "\(plot.error)")
    }

    @Test("synapse train --device isolated writes the same model, bit for bit, as on the CPU")
    func isolatedDevice() throws {
        let folder = try R.temporaryFolder()
        var weights: [Data] = []
        for device in ["cpu", "isolated"] {
            let run = folder.appendingPathComponent(device)
            let train = try R.run(["train", "Examples/configs/mnist-mlp.yaml", "--output-dir", run.path, "--limit", "500",
                                   "--epochs", "2", "--batch-size", "64", "--quiet", "--device", device])
            #expect(train.status == 0, "\(device): \(train.error)")
            weights.append(try Data(contentsOf: run.appendingPathComponent("model.safetensors")))
        }
        #expect(weights[0].count > 100_000)
        #expect(weights[0] == weights[1], "the isolated device's model file differs from the CPU's")
        let unknown = try R.run(["train", "Examples/configs/pima.yaml", "--device", "tpu"])
        #expect(unknown.status != 0 && unknown.error.contains("unknown device \"tpu\""), "\(unknown.error)")
    }
}
