import Foundation
import Synapse
import Testing

/// Data-parallel training under `mpirun -np 2` on this machine (Open MPI over shared
/// memory): the built `synapse` and `mnist-mlp` as users start them.
@Suite("Data-parallel training under mpirun (2 ranks)", .serialized,
       .enabled(if: CLIRunner.synapse != nil, Comment(rawValue: CLIRunner.skipMessage)),
       .enabled(if: MPIRun.path != nil, "Open MPI's mpirun is not installed (scripts/install-deps.sh installs openmpi-bin)"))
struct DistributedTrainingTests {
    typealias R = CLIRunner

    /// An MLP without dropout, so one process and two ranks draw the same numbers.
    private static let mlpConfig = """
        name: ddp-mlp
        data:
          dataset: mnist
        model:
          - Flatten
          - Dense: {units: 64, activation: relu}
          - Dense: {units: 10, activation: softmax}
        training:
          optimizer: {name: sgd, learning_rate: 0.1, momentum: 0.9}
          loss: sparse_categorical_crossentropy
          metrics: [accuracy]
          epochs: 3
          batch_size: 128
          seed: 7
        """

    @Test("2 ranks with batch 64 end with the weights of 1 process with batch 128 (within 1e-6 relative)")
    func twoRanksEqualOneProcess() throws {
        let folder = try R.temporaryFolder()
        let config = folder.appendingPathComponent("mlp.yaml")
        try Self.mlpConfig.write(to: config, atomically: true, encoding: .utf8)
        let one = try R.run(["train", config.path, "--limit", "1024", "--output-dir", folder.appendingPathComponent("one").path, "--quiet"])
        #expect(one.status == 0, "\(one.error)")
        let two = try MPIRun.run(ranks: 2, R.synapse!, ["train", config.path, "--limit", "1024", "--batch-size", "64",
                                                        "--output-dir", folder.appendingPathComponent("two").path, "--quiet"])
        #expect(two.status == 0, "\(two.error)")
        // Rank 0 alone prints: one summary, one final line.
        #expect(two.output.components(separatedBy: "final (epoch 3)").count == 2, "\(two.output)")
        let single = try SafeTensors.read(from: folder.appendingPathComponent("one/model.safetensors")).tensors
        #expect(Set(single.keys) == Set(try SafeTensors.read(from: folder.appendingPathComponent("two/model.safetensors")).tensors.keys)
                && single.count == 4)
        try Self.expectSameWeights(in: folder)
    }

    @Test("Two hosts (network namespaces joined by a veth pair, TCP between them): the weights of one process",
          .enabled(if: MPIRun.canMakeHosts, "making test hosts needs root and iproute2's ip"))
    func twoHosts() throws {
        let folder = try R.temporaryFolder()
        let config = folder.appendingPathComponent("mlp.yaml")
        try Self.mlpConfig.write(to: config, atomically: true, encoding: .utf8)
        let one = try R.run(["train", config.path, "--limit", "1024", "--output-dir", folder.appendingPathComponent("one").path, "--quiet"])
        #expect(one.status == 0, "\(one.error)")
        let script = CLIRunner.repository.appendingPathComponent("scripts/two-hosts.sh")
        let two = try R.run([R.synapse!.path, "train", config.path, "--limit", "1024", "--batch-size", "64",
                             "--output-dir", folder.appendingPathComponent("two").path, "--quiet"], executable: script)
        #expect(two.status == 0, "\(two.output)\n\(two.error)")
        try Self.expectSameWeights(in: folder)
    }

    @Test("mnist-mlp under 2 ranks (batch 64 each) reaches the accuracy of one process with batch 128; --json adds world_size",
          .enabled(if: CLIRunner.example("mnist-mlp") != nil, "the mnist-mlp example is not built next to the tests"))
    func mnistMLPAccuracy() throws {
        let example = try #require(CLIRunner.example("mnist-mlp"))
        let arguments = ["--train-limit", "6000", "--epochs", "2", "--json", "--output-dir", try R.temporaryFolder().path]
        let one = try R.run(arguments, executable: example)
        let two = try MPIRun.run(ranks: 2, example, arguments + ["--batch-size", "64"])
        #expect(one.status == 0 && two.status == 0, "\(one.error)\n\(two.error)")
        let single = try #require(Self.json(one.output)["test_accuracy"] as? Double)
        let report = Self.json(two.output)
        let parallel = try #require(report["test_accuracy"] as? Double, "\(two.output)")
        #expect(report["world_size"] as? Int == 2)
        #expect(two.output.split(separator: "\n").filter { $0.hasPrefix("{") }.count == 1, "one JSON line, from rank 0")
        #expect(single > 0.93 && parallel > single - 0.01, "one process \(single), two ranks \(parallel)")
    }

    @Test("Checkpoint under 2 ranks, kill both, resume under 2 ranks: the uninterrupted run's final weights")
    func killBothAndResume() throws {
        let folder = try R.temporaryFolder()
        let common = ["train", "Examples/configs/mnist-mlp.yaml", "--limit", "2000", "--epochs", "12", "--batch-size", "32", "--quiet"]
        let uninterrupted = try MPIRun.run(ranks: 2, R.synapse!, common + ["--output-dir", folder.appendingPathComponent("whole").path])
        #expect(uninterrupted.status == 0, "\(uninterrupted.error)")

        let killed = folder.appendingPathComponent("killed")
        let checkpoint = killed.appendingPathComponent("checkpoints/last.safetensors")
        let run = try MPIRun.start(ranks: 2, R.synapse!, common + ["--output-dir", killed.path])
        let reached = MPIRun.wait(seconds: 60) { ((try? Checkpoint.state(at: checkpoint))?.epoch ?? 0) >= 3 }
        for rank in [0, 1] { run.kill(rank: rank) }
        run.waitUntilExit()
        #expect(reached, "no checkpoint of epoch 3 within 60 s: \(run.error)")
        let epoch = try Checkpoint.state(at: checkpoint).epoch
        #expect(epoch < 12, "the run ended before it was killed")

        let resumed = try MPIRun.run(ranks: 2, R.synapse!, common + ["--output-dir", folder.appendingPathComponent("resumed").path,
                                                                     "--resume", checkpoint.path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("resumed at epoch \(epoch + 1)"), "\(resumed.output)")
        let expected = try SafeTensors.read(from: folder.appendingPathComponent("whole/model.safetensors")).tensors
        let actual = try SafeTensors.read(from: folder.appendingPathComponent("resumed/model.safetensors")).tensors
        for (name, tensor) in expected {
            let difference = zip(tensor.scalars, try #require(actual[name]).scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(difference == 0, "\(name) differs by \(difference) after resuming from epoch \(epoch)")
        }
    }

    @Test("One rank killed with SIGKILL mid-epoch: the run ends non-zero within 30 s naming rank 1; the last checkpoint loads")
    func lostRank() throws {
        let folder = try R.temporaryFolder()
        let checkpoint = folder.appendingPathComponent("checkpoints/last.safetensors")
        let run = try MPIRun.start(ranks: 2, R.synapse!, ["train", "Examples/configs/mnist-mlp.yaml", "--limit", "2000", "--epochs", "500",
                                                          "--batch-size", "32", "--quiet", "--output-dir", folder.path])
        let reached = MPIRun.wait(seconds: 60) { ((try? Checkpoint.state(at: checkpoint))?.epoch ?? 0) >= 1 }
        #expect(reached, "no checkpoint within 60 s: \(run.error)")
        let killedAt = Date()
        run.kill(rank: 1)
        let ended = MPIRun.wait(seconds: 30) { !run.process.isRunning }
        let seconds = Date().timeIntervalSince(killedAt)
        if !ended { for rank in [0, 1] { run.kill(rank: rank) } }
        run.waitUntilExit()
        #expect(ended, "the run was still going 30 s after rank 1 died")
        #expect(run.process.terminationStatus != 0)
        #expect(run.error.contains("rank 1"), "\(run.error)")
        let (model, _) = try Checkpoint.resume(from: checkpoint)
        #expect(model.parameters.count == 4)
        print("lost rank: the run ended \(String(format: "%.1f", seconds)) s after rank 1 was killed")
    }

    /// Expects `one/model.safetensors` and `two/model.safetensors` in `folder` to hold
    /// the same weights within 1e-6 of each tensor's largest weight.
    private static func expectSameWeights(in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let single = try SafeTensors.read(from: folder.appendingPathComponent("one/model.safetensors")).tensors
        let parallel = try SafeTensors.read(from: folder.appendingPathComponent("two/model.safetensors")).tensors
        for (name, expected) in single {
            let actual = try #require(parallel[name], sourceLocation: sourceLocation)
            let scale = expected.scalars.map(abs).max() ?? 1
            let difference = zip(expected.scalars, actual.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 1e-6 * scale, "\(name): largest difference \(difference), largest weight \(scale)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The JSON object on the last line of an example's output.
    private static func json(_ output: String) -> [String: Any] {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}

/// Starts programs under Open MPI's `mpirun` for the tests.
enum MPIRun {
    /// `mpirun`, when Open MPI is installed.
    static let path: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether scripts/two-hosts.sh can make its network namespaces here (root, `ip`).
    static let canMakeHosts = getuid() == 0 && ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    /// A run in progress.
    final class Running {
        let process: Process
        let outputURL: URL
        let errorURL: URL

        init(process: Process, outputURL: URL, errorURL: URL) {
            (self.process, self.outputURL, self.errorURL) = (process, outputURL, errorURL)
        }

        /// Standard output so far.
        var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
        /// Standard error so far.
        var error: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

        /// Sends SIGKILL to the rank process `rank` of this run (found by the rank
        /// Open MPI puts in its environment).
        func kill(rank: Int) {
            for pid in descendants(of: process.processIdentifier) {
                guard let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ")) else { continue }
                let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { _ = Glibc.kill(pid, SIGKILL) }
            }
        }

        func waitUntilExit() { process.waitUntilExit() }

        /// Every process below `root`, read from /proc.
        private func descendants(of root: Int32) -> [Int32] {
            let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init)
            var parents: [Int32: Int32] = [:]
            for pid in pids {
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { continue }
                let fields = stat[stat.index(after: close)...].split(separator: " ")
                if fields.count > 1, let parent = Int32(fields[1]) { parents[pid] = parent }
            }
            var found: [Int32] = []
            var frontier = [root]
            while let next = frontier.popLast() {
                let children = parents.filter { $0.value == next }.map(\.key)
                found += children
                frontier += children
            }
            return found
        }
    }

    /// Starts `executable` on `ranks` processes (loopback only, as root, more ranks
    /// than cores allowed) in the repository with the bundled data.
    static func start(ranks: Int, _ executable: URL, _ arguments: [String]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl_tcp_if_include", "lo",
                             "--mca", "oob_tcp_if_include", "lo", "-np", "\(ranks)", executable.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SYNAPSE_DATA_DIR"] = CLIRunner.repository.appendingPathComponent("Data").path
        process.environment = environment
        let folder = try CLIRunner.temporaryFolder()
        let outputURL = folder.appendingPathComponent("stdout")
        let errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.currentDirectoryURL = CLIRunner.repository
        try process.run()
        return Running(process: process, outputURL: outputURL, errorURL: errorURL)
    }

    /// Runs `executable` on `ranks` processes and waits for it.
    static func run(ranks: Int, _ executable: URL, _ arguments: [String]) throws -> CLIRunner.Result {
        let running = try start(ranks: ranks, executable, arguments)
        running.waitUntilExit()
        return CLIRunner.Result(status: running.process.terminationStatus, output: running.output, error: running.error)
    }

    /// Polls `condition` every 50 ms for up to `seconds`; whether it became true.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
