import Foundation
@testable import SynapseConfig

/// Writes configuration files and small data sets into fresh temporary folders.
enum ConfigFixtures {
    /// A new empty folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-config-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` as `name` in a new folder and returns its URL.
    static func file(_ name: String, _ text: String, in folder: URL? = nil) throws -> URL {
        let url = try (folder ?? Self.folder()).appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Loads `text` as a configuration; the error, if any.
    static func error(_ text: String, name: String = "run.yaml", extra: [String: String] = [:]) throws -> ConfigError? {
        let folder = try folder()
        for (file, content) in extra { _ = try self.file(file, content, in: folder) }
        let url = try file(name, text, in: folder)
        do {
            _ = try TrainingConfig.load(from: url)
            return nil
        } catch let error as ConfigError {
            return error
        }
    }

    /// A separable two-class CSV with a header: `a,b,label`; label = a + b > 1.
    static func separableCSV(rows: Int = 200) -> String {
        var generator = RandomGenerator(seed: 3)
        var lines = ["a,b,label"]
        for _ in 0..<rows {
            let a = Float(generator.nextUInt32() % 1000) / 1000
            let b = Float(generator.nextUInt32() % 1000) / 1000
            lines.append("\(a),\(b),\(a + b > 1 ? 1 : 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A valid configuration over `data.csv`, with `model` as its model section.
    static func csvConfig(model: String = "  - Dense: {units: 8, activation: relu}\n  - Dense: {units: 1, activation: sigmoid}\n",
                          training: String = "  loss: binary_crossentropy\n  metrics: [accuracy]\n  epochs: 2\n") -> String {
        """
        name: separable
        data:
          csv: data.csv
          label: label
          header: true
        preprocessing:
          standardize: true
        model:
        \(model)training:
        \(training)
        """
    }
}
