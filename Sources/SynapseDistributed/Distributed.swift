import Foundation
import Synchronization
import SynapseCore

/// Data-parallel training across processes and machines, as PyTorch's
/// `torch.distributed` and Horovod: every process (rank) holds the whole model,
/// trains on its share of every batch, and the gradients are averaged before each
/// step, so all ranks take the same steps.
///
/// Start the program under Open MPI's launcher; `fit` needs nothing else:
///
/// ```sh
/// mpirun -np 2 .build/release/mnist-mlp
/// mpirun -np 4 -H node1:2,node2:2 synapse train config.yaml
/// ```
///
/// `fit` calls ``initializeIfLaunched()`` itself. A manual training loop calls
/// ``initialize()`` once and averages gradients with `DataParallel` (in SynapseTraining).
public enum Distributed {
    private static let current = Mutex<MPICommunicator?>(nil)

    /// Starts MPI (once per process; later calls return the same communicator) and
    /// sets this rank's kernel threads so the ranks on one machine do not
    /// oversubscribe its cores: `SYNAPSE_NUM_THREADS` when set, else the machine's
    /// cores divided by the ranks on it (at least 1).
    ///
    /// MPI ends (`MPI_Finalize`) when the process exits.
    ///
    /// - Returns: the communicator of all the ranks.
    /// - Throws: ``DistributedError/libraryNotFound(tried:)`` when Open MPI is not
    ///   installed; ``DistributedError/operationFailed(operation:rank:message:)`` when
    ///   MPI cannot start.
    @discardableResult
    public static func initialize() throws -> any Communicator {
        try current.withLock { existing in
            if let existing { return existing }
            let communicator = try MPICommunicator()
            existing = communicator
            if ProcessInfo.processInfo.environment["SYNAPSE_NUM_THREADS"] == nil {
                Parallel.setThreadCount(Swift.max(1, Parallel.processorCount / Swift.max(1, communicator.localSize)))
            }
            atexit { Distributed.finalize() }
            return communicator
        }
    }

    /// Starts MPI when this process was launched by `mpirun` (Open MPI's or a PMIx
    /// launcher's environment is present) and does nothing otherwise.
    ///
    /// - Returns: the communicator when distributed, else `nil`.
    /// - Throws: what ``initialize()`` throws.
    @discardableResult
    public static func initializeIfLaunched() throws -> (any Communicator)? {
        if let communicator = Self.communicator { return communicator }
        return isLaunchedByMPI ? try initialize() : nil
    }

    /// Whether the process was started by an MPI launcher (`mpirun`, `mpiexec`).
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// The communicator after ``initialize()`` (or the one ``withCommunicator(_:_:)``
    /// put in place), else `nil`.
    public static var communicator: (any Communicator)? { scoped ?? current.withLock { $0 } }

    @TaskLocal private static var scoped: (any Communicator)?

    /// Runs `body` with `communicator` in place of the process's (for `fit`,
    /// `DataParallel` and synchronised BatchNormalization), on this thread or task
    /// only: ranks simulated as threads of one process, or a subgroup of the ranks.
    ///
    /// - Parameters:
    ///   - communicator: the ranks to use.
    ///   - body: the work.
    /// - Returns: what `body` returns.
    public static func withCommunicator<R>(_ communicator: any Communicator, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(communicator, operation: body)
    }

    /// This process's rank (0 when not distributed).
    public static var rank: Int { communicator?.rank ?? 0 }

    /// The number of processes (1 when not distributed).
    public static var worldSize: Int { communicator?.worldSize ?? 1 }

    /// Whether this process prints, writes checkpoints, model files and plots:
    /// rank 0, or the only process.
    public static var isMainProcess: Bool { rank == 0 }

    /// The communicator when more than one process trains, else `nil` (one process
    /// needs no communication).
    public static var group: (any Communicator)? {
        guard let communicator, communicator.worldSize > 1 else { return nil }
        return communicator
    }

    /// Sends this process's standard output to `/dev/null` unless it is the main
    /// process, so that a program started by `mpirun -np N` prints its results once
    /// (standard error, where failures go, stays open on every rank).
    public static func silenceStandardOutputOfOtherRanks() {
        guard !isMainProcess else { return }
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        close(null)
    }

    /// One line for `synapse info`: the MPI library found, or why none loads.
    public static var availability: String {
        switch MPILibrary.availability() {
        case .success(let version): return "\(version) (run under mpirun to train on several processes)"
        case .failure(let error): return "unavailable: \(error)"
        }
    }

    /// Ends every rank at once with `message` on standard error (for an error one
    /// rank cannot recover from, which would leave the others waiting).
    ///
    /// - Parameters:
    ///   - message: what went wrong, printed with this rank's number.
    ///   - code: the exit status (1 by default).
    public static func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank): \(message)\n".utf8))
        current.withLock { $0 }?.abort(code: code)
        exit(code)
    }

    private static func finalize() {
        current.withLock { $0 }?.finalize()
    }
}
