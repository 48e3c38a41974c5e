import ArgumentParser
import Foundation
import Synapse

/// `synapse inspect FILE`: the tensors (name, dtype, shape) and metadata of any
/// safetensors file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors and metadata of a .safetensors file.")

    @Argument(help: "A .safetensors file (a Synapse model or weights file, or any other).")
    var file: String

    @Option(name: .customLong("max-width"), help: "Cut metadata values longer than this many characters.")
    var maxWidth: Int = 120

    func run() throws {
        try CommandFailure.reporting {
            let contents = try ModelFile.readSafeTensors(from: URL(fileURLWithPath: file))
            let names = contents.tensors.keys.sorted()
            let scalars = contents.tensors.values.reduce(0) { $0 + $1.scalarCount }
            print("\(file): \(names.count) tensor\(names.count == 1 ? "" : "s"), \(scalars) values")
            let width = names.map(\.count).max() ?? 0
            for name in names {
                let tensor = contents.tensors[name]!
                let padding = String(repeating: " ", count: width - name.count)
                print("  \(name)\(padding)  \(tensor.dtype.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(Shape.describe(tensor.shape))")
            }
            print("metadata: \(contents.metadata.count) key\(contents.metadata.count == 1 ? "" : "s")")
            for key in contents.metadata.keys.sorted() {
                print("  \(key): \(Self.cut(contents.metadata[key]!, to: maxWidth))")
            }
        }
    }

    /// One line of at most `limit` characters, with the full length when cut.
    static func cut(_ text: String, to limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard line.count > Swift.max(limit, 10) else { return line }
        return String(line.prefix(Swift.max(limit, 10))) + "... (\(line.count) characters)"
    }
}
