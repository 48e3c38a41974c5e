import CMPI
import Foundation
import SynapseCore

/// A ``Communicator`` over Open MPI's `MPI_COMM_WORLD`, loaded at run time.
///
/// Every MPI call runs on one dedicated communication thread (the thread that
/// initialised MPI, so `MPI_THREAD_FUNNELED` suffices), in the order the calls were
/// started. The training thread queues a bucket's all-reduce and goes on with the
/// backward pass while the communication thread reduces it: communication overlaps
/// computation, as in PyTorch's DistributedDataParallel and Horovod.
///
/// Create it with ``Distributed/initialize()``, which makes one per process.
public final class MPICommunicator: Communicator {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The size of `MPI_COMM_WORLD`.
    public let worldSize: Int
    /// The rank among this machine's processes (`OMPI_COMM_WORLD_LOCAL_RANK`).
    public let localRank: Int
    /// The processes on this machine (`OMPI_COMM_WORLD_LOCAL_SIZE`).
    public let localSize: Int
    /// The library's version line, for example "Open MPI v4.1.4".
    public let transportDescription: String
    private let thread: DedicatedThread

    /// Loads the library, initialises MPI on a new communication thread and reads
    /// this process's place in the world.
    ///
    /// - Throws: ``DistributedError/libraryNotFound(tried:)`` when no MPI library
    ///   loads; ``DistributedError/operationFailed(operation:rank:message:)`` when
    ///   `MPI_Init_thread` fails.
    init() throws {
        try MPILibrary.load()
        let thread = DedicatedThread(name: "synapse-mpi")
        let (rank, size) = try thread.run { () throws -> (Int, Int) in
            var provided: Int32 = 0
            try MPILibrary.check(synapse_mpi_init(&provided), "MPI_Init_thread", rank: -1)
            var rank: Int32 = 0
            var size: Int32 = 0
            try MPILibrary.check(synapse_mpi_rank(&rank), "MPI_Comm_rank", rank: -1)
            try MPILibrary.check(synapse_mpi_size(&size), "MPI_Comm_size", rank: Int(rank))
            return (Int(rank), Int(size))
        }
        self.thread = thread
        self.rank = rank
        self.worldSize = size
        let environment = ProcessInfo.processInfo.environment
        localRank = environment["OMPI_COMM_WORLD_LOCAL_RANK"].flatMap(Int.init) ?? rank
        localSize = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? size
        transportDescription = MPILibrary.version
    }

    /// Queues `MPI_Allreduce(MPI_IN_PLACE, …, MPI_SUM)` of `buffer` on the communication thread.
    ///
    /// - Parameter buffer: the floats to sum in place; untouched until the reduction finishes.
    /// - Returns: the handle to wait on.
    public func startAllReduceSum(_ buffer: ReductionBuffer) -> PendingReduction {
        let pending = PendingReduction()
        let rank = rank
        thread.submit {
            let status = synapse_mpi_allreduce_sum_float(buffer.baseAddress, Int64(buffer.count))
            pending.finish(Result { try MPILibrary.check(status, "MPI_Allreduce of \(buffer.count) floats", rank: rank) }
                .mapError { $0 as! DistributedError })
        }
        return pending
    }

    /// Sums `values` over the ranks with `MPI_Allreduce`, after the operations already queued.
    ///
    /// - Parameter values: the same count on every rank.
    /// - Throws: ``DistributedError/operationFailed(operation:rank:message:)``.
    public func allReduceSum(_ values: inout [Double]) throws {
        let rank = rank
        nonisolated(unsafe) var copy = values
        try thread.run {
            let status = copy.withUnsafeMutableBufferPointer { synapse_mpi_allreduce_sum_double($0.baseAddress, Int64($0.count)) }
            try MPILibrary.check(status, "MPI_Allreduce of \(copy.count) doubles", rank: rank)
        }
        values = copy
    }

    /// Replaces `bytes` with rank `root`'s (`MPI_Bcast`), after the operations already queued.
    ///
    /// - Parameters:
    ///   - bytes: the same count on every rank.
    ///   - root: the sending rank.
    /// - Throws: ``DistributedError/operationFailed(operation:rank:message:)``.
    public func broadcast(_ bytes: inout [UInt8], from root: Int) throws {
        precondition(root >= 0 && root < worldSize, "broadcast: root \(root) is not a rank of a world of \(worldSize)")
        let rank = rank
        nonisolated(unsafe) var copy = bytes
        try thread.run {
            let status = copy.withUnsafeMutableBytes { synapse_mpi_broadcast_bytes($0.baseAddress, Int64($0.count), Int32(root)) }
            try MPILibrary.check(status, "MPI_Bcast of \(copy.count) bytes from rank \(root)", rank: rank)
        }
        bytes = copy
    }

    /// `MPI_Barrier`, after the operations already queued.
    ///
    /// - Throws: ``DistributedError/operationFailed(operation:rank:message:)``.
    public func barrier() throws {
        let rank = rank
        try thread.run { try MPILibrary.check(synapse_mpi_barrier(), "MPI_Barrier", rank: rank) }
    }

    /// Ends MPI on this process (`MPI_Finalize`), after the operations already
    /// started. Called once, when the process exits.
    func finalize() {
        _ = try? thread.run {
            var initialized: Int32 = 0
            var finalized: Int32 = 0
            if synapse_mpi_state(&initialized, &finalized) == 0, initialized != 0, finalized == 0 {
                _ = synapse_mpi_finalize()
            }
        }
    }

    /// Ends every rank at once (`MPI_Abort`), for an error one rank cannot recover from.
    ///
    /// - Parameter code: the exit status mpirun reports.
    func abort(code: Int32) {
        _ = synapse_mpi_abort(code)
    }
}

/// Finding and opening the MPI library.
enum MPILibrary {
    /// Where the library is looked for, in order: `SYNAPSE_MPI_LIBRARY`, then the
    /// names the dynamic loader resolves (Debian's openmpi-bin provides libmpi.so.40).
    static var candidates: [String] {
        var names = ["libmpi.so.40", "libmpi.so"]
        if let chosen = ProcessInfo.processInfo.environment["SYNAPSE_MPI_LIBRARY"], !chosen.isEmpty {
            names.insert(chosen, at: 0)
        }
        return names
    }

    /// Opens the first candidate that loads.
    ///
    /// - Throws: ``DistributedError/libraryNotFound(tried:)`` with each candidate's reason.
    static func load() throws {
        var tried: [String] = []
        for name in candidates {
            var error = [CChar](repeating: 0, count: 1024)
            if synapse_mpi_load(name, &error, error.count) == 0 { return }
            tried.append(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        throw DistributedError.libraryNotFound(tried: tried)
    }

    /// Whether a library loads, with the reason when none does.
    static func availability() -> Result<String, DistributedError> {
        Result { try load(); return version }.mapError { $0 as! DistributedError }
    }

    /// The library's version line ("Open MPI v4.1.4, ..."), first line only.
    static var version: String {
        var text = [CChar](repeating: 0, count: 8192)
        synapse_mpi_library_version(&text, text.count)
        let line = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return line.split(separator: ",").first.map(String.init) ?? "MPI"
    }

    /// Throws ``DistributedError/operationFailed(operation:rank:message:)`` unless
    /// `status` is `MPI_SUCCESS`.
    static func check(_ status: Int32, _ operation: String, rank: Int) throws {
        guard status != 0 else { return }
        var text = [CChar](repeating: 0, count: 1024)
        synapse_mpi_error_string(status, &text, text.count)
        let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw DistributedError.operationFailed(operation: operation, rank: rank, message: message)
    }
}
