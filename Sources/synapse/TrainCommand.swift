import ArgumentParser

/// `synapse train` (being written).
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Not yet available.")

    func run() throws {
        throw ValidationError("synapse train is not available yet")
    }
}
