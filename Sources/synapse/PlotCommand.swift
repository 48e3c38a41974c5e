import ArgumentParser
import Foundation
import SynapseConfig

/// `synapse plot HISTORY`: training curves (PNG and SVG) from a saved history.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw training curves (PNG and SVG) from a saved history.",
        discussion: "HISTORY is history.json or history.csv from synapse train, a CSV log, or a model file with a stored history.")

    @Argument(help: "history.json, history.csv, a CSV log or a .safetensors model file.")
    var history: String

    @Option(name: .customLong("output-dir"), help: "The folder to write into (default: the history's folder).")
    var outputDirectory: String?

    @Option(help: "The file name prefix and chart title (default: the history file's stem).")
    var name: String?

    func run() throws {
        try CommandFailure.reporting {
            let url = URL(fileURLWithPath: history)
            let loaded = try HistoryFile.read(from: url)
            guard !loaded.epochs.isEmpty else { throw ValidationError("\(history) has no epochs to plot") }
            let folder = outputDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? url.deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let written = try loaded.writeTrainingCurves(to: folder, name: name ?? url.deletingPathExtension().lastPathComponent)
            print("\(loaded.epochs.count) epochs, \(loaded.keys.joined(separator: ", "))")
            for file in written { print("wrote \(file.path)") }
        }
    }
}
