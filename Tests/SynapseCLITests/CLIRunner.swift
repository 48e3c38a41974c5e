import Foundation

/// Finds and runs the built `synapse` executable for the end-to-end tests.
enum CLIRunner {
    /// The repository root (three folders above this file).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The products folder: where the running test binary lives.
    static let productsFolder: URL? = {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url = url.deletingLastPathComponent()
        }
        return url
    }()

    /// The built `synapse`, if it is next to the tests.
    static let synapse: URL? = {
        guard let url = productsFolder?.appendingPathComponent("synapse"), FileManager.default.isExecutableFile(atPath: url.path) else { return nil }
        return url
    }()

    static let skipMessage = "the synapse executable is not built next to the tests; run `swift build -c release` with the same --scratch-path first"

    /// The result of one run.
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// A built example program next to the tests, if it is there.
    static func example(_ name: String) -> URL? {
        guard let url = productsFolder?.appendingPathComponent(name), FileManager.default.isExecutableFile(atPath: url.path) else { return nil }
        return url
    }

    /// Runs `synapse` (or `executable`) with `arguments` in `directory` (the repository
    /// by default), with the bundled data found through `SYNAPSE_DATA_DIR`.
    static func run(_ arguments: [String], in directory: URL? = nil, executable: URL? = synapse) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SYNAPSE_DATA_DIR"] = repository.appendingPathComponent("Data").path
        process.environment = environment
        let folder = try temporaryFolder()
        let outputURL = folder.appendingPathComponent("stdout")
        let errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.currentDirectoryURL = directory ?? repository
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: try String(contentsOf: outputURL, encoding: .utf8),
                      error: try String(contentsOf: errorURL, encoding: .utf8))
    }

    /// A new empty folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The decompressed bytes of a gzip file (through the system's `gzip -dc`).
    static func gunzip(_ url: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    /// The number after `key ` in a line such as `test: accuracy 0.9123, loss 0.31`.
    static func metric(_ key: String, in line: String) -> Double? {
        guard let range = line.range(of: key + " ") else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" })
    }
}
