import ArgumentParser

/// `synapse plot` (being written).
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plot", abstract: "Not yet available.")

    func run() throws {
        throw ValidationError("synapse plot is not available yet")
    }
}
