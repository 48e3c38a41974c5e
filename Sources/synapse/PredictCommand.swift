import ArgumentParser

/// `synapse predict` (being written).
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict", abstract: "Not yet available.")

    func run() throws {
        throw ValidationError("synapse predict is not available yet")
    }
}
