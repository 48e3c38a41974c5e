import ArgumentParser
import Synapse

/// `synapse info`: version, kernel library, threads, cores, backends, and whether CUDA
/// and MPI can be used (or, in one line each, why not).
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the version, kernel library, thread count, available backends, CUDA and MPI status.")

    func run() {
        let info = SystemInfo.current
        print("Synapse \(info.version)")
        print("kernel library:   \(info.kernelLibrary) (\(info.instructionSet), \(info.threadingRuntime))")
        print("threads:          \(info.threads) (set SYNAPSE_NUM_THREADS to change)")
        print("cores:            \(info.cores)")
        print("backends:         \(info.backends.joined(separator: ", "))")
        print("zlib:             \(Zlib.version)")
        print("cuda:             \(CUDAAvailability.current)")
        print("distributed:      \(Distributed.availability)")
    }
}
