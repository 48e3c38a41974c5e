import ArgumentParser

/// `synapse serve` (being written).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Not yet available.")

    func run() throws {
        throw ValidationError("synapse serve is not available yet")
    }
}
