import ArgumentParser

/// `synapse evaluate` (being written).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Not yet available.")

    func run() throws {
        throw ValidationError("synapse evaluate is not available yet")
    }
}
