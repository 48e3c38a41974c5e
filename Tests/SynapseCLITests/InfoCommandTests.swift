import Foundation
import Testing

@Suite("synapse info", .enabled(if: CLIRunner.synapse != nil, Comment(rawValue: CLIRunner.skipMessage)))
struct InfoCommandCUDATests {
    @Test("prints one cuda line: available, or why not")
    func cudaLine() throws {
        let result = try CLIRunner.run(["info"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("cuda:") }
        try #require(lines.count == 1, "output: \(result.output)")
        let line = String(lines[0])
        #expect(line.contains("available — "), "\(line)")
        if dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL) == nil {
            #expect(line.contains("unavailable — libcuda.so.1 not found (tried "), "\(line)")
        }
    }
}
