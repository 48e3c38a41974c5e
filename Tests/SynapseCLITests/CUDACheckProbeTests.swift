import Foundation
import Testing

/// `synapse-cuda-check` end to end on a machine without a GPU: it must say why CUDA is
/// unavailable, write its report, and exit with the documented status, never crash.
@Suite("synapse-cuda-check without a GPU",
       .enabled(if: CUDACheckProbe.executable != nil && dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL) == nil,
                "needs synapse-cuda-check built next to the tests, on a machine without the NVIDIA driver"))
struct CUDACheckProbeTests {
    @Test("prints the availability line and exits 0; --require-gpu exits 3 and the JSON says why")
    func unavailable() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try CUDACheckProbe.run([])
        #expect(plain.status == 0)
        #expect(plain.output.contains("cuda: unavailable — libcuda.so.1 not found (tried "), "\(plain.output)")

        let json = folder.appendingPathComponent("cuda-check.json")
        let strict = try CUDACheckProbe.run(["--require-gpu", "--json", json.path])
        #expect(strict.status == 3)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(report["available"] as? Bool == false)
        #expect((report["availability"] as? String)?.hasPrefix("unavailable — libcuda.so.1 not found") == true)
    }

    @Test("a bad argument is a usage error (exit 2), not a crash")
    func badArgument() throws {
        let result = try CUDACheckProbe.run(["--repeats", "zero"])
        #expect(result.status == 2)
        #expect(result.error.contains("--repeats expects a number, got 'zero'"))
    }
}

/// Finds and runs the built `synapse-cuda-check`.
enum CUDACheckProbe {
    /// The executable next to the tests, if built.
    static let executable: URL? = {
        guard let url = CLIRunner.productsFolder?.appendingPathComponent("synapse-cuda-check"),
              FileManager.default.isExecutableFile(atPath: url.path) else { return nil }
        return url
    }()

    /// Runs it with `arguments`.
    static func run(_ arguments: [String]) throws -> CLIRunner.Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                                error: String(decoding: errorData, as: UTF8.self))
    }
}
