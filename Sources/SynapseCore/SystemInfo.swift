/// What this build of Synapse runs on: version, kernel library, threads, backends.
///
/// `synapse info` prints it; benchmark results record it.
public struct SystemInfo: Sendable, Codable, Equatable {
    /// Synapse's version.
    public var version: String
    /// The kernel library and its version, e.g. "oneDNN 2.6.3".
    public var kernelLibrary: String
    /// The instruction set the kernel library picked for this CPU, e.g. "AVX-512".
    public var instructionSet: String
    /// The threading runtime both the kernel library and Synapse's kernels use.
    public var threadingRuntime: String
    /// Threads kernels use (`SYNAPSE_NUM_THREADS`, default: all cores).
    public var threads: Int
    /// Processors of the machine.
    public var cores: Int
    /// Backends usable in this process, e.g. ["cpu"].
    public var backends: [String]

    /// The version of this build.
    public static let synapseVersion = "0.1.0"

    /// A snapshot of the current process.
    public static var current: SystemInfo {
        SystemInfo(version: synapseVersion,
                   kernelLibrary: "oneDNN \(OneDNN.version)",
                   instructionSet: OneDNN.instructionSet,
                   threadingRuntime: OneDNN.threadingRuntime,
                   threads: Parallel.threadCount,
                   cores: Parallel.processorCount,
                   backends: Backends.available.map { $0.device.description })
    }
}
