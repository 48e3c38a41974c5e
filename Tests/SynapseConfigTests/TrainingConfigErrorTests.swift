import Foundation
import Testing
@testable import SynapseConfig

/// Mistakes in a configuration are rejected before training, with the key and line.
@Suite("Configuration errors name the key and the line")
struct TrainingConfigErrorTests {
    typealias F = ConfigFixtures

    private func expectError(_ text: String, line: Int, key: String, containing fragment: String,
                             name: String = "run.yaml", extra: [String: String] = ["data.csv": F.separableCSV(rows: 20)],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try #require(try F.error(text, name: name, extra: extra), "the configuration was accepted", sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        #expect(error.key == key, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix(error.file + ":\(line): \(key): "), "\(error)", sourceLocation: sourceLocation)
    }

    @Test("A valid configuration is accepted with every section read")
    func valid() throws {
        let folder = try F.folder()
        _ = try F.file("data.csv", F.separableCSV(rows: 20), in: folder)
        let url = try F.file("run.yaml", F.csvConfig(), in: folder)
        let config = try TrainingConfig.load(from: url)
        #expect(config.name == "separable")
        #expect(config.model.layers.map(\.config.className) == ["Dense", "Dense"])
        #expect(config.training.lossName == "binary_crossentropy")
        #expect(config.training.epochs == 2 && config.training.batchSize == 32 && config.training.seed == 42)
        #expect(config.preprocessing.standardize)
        guard case .csv(let path, let label, let header, _, _) = config.data.source else { Issue.record("not CSV data"); return }
        #expect(path == folder.appendingPathComponent("data.csv").standardizedFileURL.path && label == "label" && header)
    }

    @Test("An unknown layer names model[i] and its line")
    func unknownLayer() throws {
        let text = F.csvConfig(model: "  - Dense: {units: 8}\n  - Dence: {units: 1}\n")
        try expectError(text, line: 10, key: "model[1]", containing: "unknown layer \"Dence\"")
    }

    @Test("An argument of the wrong type names the argument and its line")
    func wrongArgumentType() throws {
        let text = F.csvConfig(model: "  - Dense:\n      units: ten\n      activation: relu\n  - Dense: {units: 1}\n")
        try expectError(text, line: 10, key: "model[0].Dense.units", containing: "must be an integer")
    }

    @Test("An unknown activation, an unknown argument and a missing argument are caught")
    func badArguments() throws {
        try expectError(F.csvConfig(model: "  - Dense: {units: 8, activation: rleu}\n"), line: 9,
                        key: "model[0].Dense.activation", containing: "unknown activation \"rleu\"")
        try expectError(F.csvConfig(model: "  - type: Dense\n    units: 8\n    unit: 3\n"), line: 11,
                        key: "model[0].unit", containing: "unknown argument for Dense")
        try expectError(F.csvConfig(model: "  - Dense: {activation: relu}\n"), line: 9, key: "model[0]",
                        containing: "Dense needs the argument \"units\"")
    }

    @Test("A missing data file names data.csv and its line")
    func missingDataFile() throws {
        let text = F.csvConfig().replacingOccurrences(of: "csv: data.csv", with: "csv: nowhere.csv")
        try expectError(text, line: 3, key: "data.csv", containing: "file not found")
    }

    @Test("Unknown keys and wrong types in the other sections name their key and line")
    func otherSections() throws {
        try expectError(F.csvConfig() + "callbacks:\n  early_stop: {patience: 3}\n", line: 16,
                        key: "callbacks.early_stop", containing: "unknown key")
        try expectError(F.csvConfig(training: "  loss: binary_crossentropy\n  epochs: many\n"), line: 13,
                        key: "training.epochs", containing: "must be an integer in 1...")
        try expectError(F.csvConfig(training: "  loss: binary_crossentropy\n  optimizer: {name: adam, learning_rate: fast}\n"),
                        line: 13, key: "training.optimizer.learning_rate", containing: "must be a finite number >= 0")
        try expectError(F.csvConfig(training: "  loss: binary_crossentropy\n  optimizer: adamm\n"), line: 13,
                        key: "training.optimizer", containing: "unknown optimizer \"adamm\"")
        try expectError(F.csvConfig(training: "  loss: cross_entropy\n"), line: 12, key: "training.loss", containing: "unknown loss")
        try expectError(F.csvConfig(training: "  loss: mse\n  metrics: [acuracy]\n"), line: 13, key: "training.metrics[0]",
                        containing: "unknown metric \"acuracy\"")
        try expectError("modle: []\n" + F.csvConfig(), line: 1, key: "modle", containing: "unknown key")
        try expectError(F.csvConfig() + "callbacks:\n  tensorboard:\n    update_freq: sometimes\n", line: 17,
                        key: "callbacks.tensorboard.update_freq", containing: "must be one of epoch, batch")
        try expectError(F.csvConfig() + "callbacks:\n  tensorboard:\n    histogram_freq: -1\n", line: 17,
                        key: "callbacks.tensorboard.histogram_freq", containing: "must be an integer in 0...")
    }

    @Test("categorical_crossentropy without one-hot targets is refused at the loss")
    func categoricalNeedsOneHot() throws {
        try expectError(F.csvConfig(training: "  loss: categorical_crossentropy\n"), line: 12, key: "training.loss",
                        containing: "preprocessing.one_hot")
    }

    @Test("JSON configurations report the key and line too")
    func json() throws {
        let text = """
            {
              "data": {"csv": "data.csv", "label": "label", "header": true},
              "model": [
                {"Dense": {"units": 8, "activation": "relu"}},
                {"Dense": {"units": -1}}
              ],
              "training": {"loss": "binary_crossentropy"}
            }
            """
        try expectError(text, line: 5, key: "model[1].Dense.units", containing: "must be an integer in 1...", name: "run.json")
    }

    @Test("A YAML syntax error and a duplicate key give their line")
    func syntax() throws {
        let broken = try #require(try F.error("data:\n  csv: [unclosed\nmodel: []\n"))
        #expect(broken.line >= 2 && broken.message.contains("not valid YAML"), "\(broken)")
        let twice = try #require(try F.error(F.csvConfig() + "name: again\n"))
        #expect([1, 15].contains(twice.line) && twice.message.contains("duplicate key name"), "\(twice)")
    }

    @Test("A layer that cannot take the data's shape is refused before training, at its line")
    func shapeMismatch() throws {
        let folder = try F.folder()
        _ = try F.file("data.csv", F.separableCSV(rows: 20), in: folder)
        let text = F.csvConfig(model: "  - Dense: {units: 8}\n  - Conv2D: {filters: 4, kernel_size: 3}\n  - Dense: {units: 1}\n")
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        let run = TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out"), verbose: 0))
        #expect {
            _ = try run.prepare()
        } throws: { error in
            let error = error as? ConfigError
            return error?.line == 10 && error?.key == "model[1]" && error?.message.contains("Conv2D cannot take inputs") == true
        }
    }

    @Test("An output layer that does not fit the labels is refused at the last layer")
    func outputWidth() throws {
        let folder = try F.folder()
        _ = try F.file("data.csv", F.separableCSV(rows: 20), in: folder)
        let text = F.csvConfig(model: "  - Dense: {units: 8}\n  - Dense: {units: 3, activation: softmax}\n",
                               training: "  loss: sparse_categorical_crossentropy\n")
        let config = try TrainingConfig.load(from: try F.file("run.yaml", text, in: folder))
        let run = TrainingRun(config: config, options: .init(outputDirectory: folder.appendingPathComponent("out"), verbose: 0))
        #expect {
            _ = try run.prepare()
        } throws: { error in
            let error = error as? ConfigError
            return error?.line == 10 && error?.message.contains("the data has 2 classes") == true
        }
    }
}
