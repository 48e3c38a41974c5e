/// The collective operations data-parallel training needs, among the processes
/// (ranks) of one training run.
///
/// ``MPICommunicator`` implements it over Open MPI; a GPU implementation (NCCL) can
/// take its place without changes above it. Every rank must start the same
/// operations in the same order: a collective completes only when all ranks have
/// started it.
///
/// ```swift
/// let communicator = try Distributed.initialize()
/// var losses: [Double] = [localLoss, 1]
/// try communicator.allReduceSum(&losses)     // [Σ loss, world size]
/// ```
public protocol Communicator: AnyObject, Sendable {
    /// This process's rank, `0..<worldSize`; rank 0 prints and writes files.
    var rank: Int { get }
    /// The number of processes.
    var worldSize: Int { get }
    /// This process's rank among the processes on its machine.
    var localRank: Int { get }
    /// The number of processes on this machine.
    var localSize: Int { get }
    /// A short description of the transport, for `synapse info` and logs
    /// ("Open MPI v4.1.4").
    var transportDescription: String { get }

    /// Starts summing `buffer` over all ranks, in place, and returns at once; the
    /// operations run in the order they were started.
    ///
    /// - Parameter buffer: the values; every rank passes a buffer of the same count.
    ///   Do not touch it until ``PendingReduction/wait()`` returns.
    /// - Returns: a handle to wait on.
    func startAllReduceSum(_ buffer: ReductionBuffer) -> PendingReduction

    /// Sums `values` over all ranks, in place, and waits.
    ///
    /// - Parameter values: the same count on every rank.
    /// - Throws: ``DistributedError`` when the transport fails.
    func allReduceSum(_ values: inout [Double]) throws

    /// Replaces `bytes` on every rank with rank `root`'s, and waits. Every rank must
    /// pass the same count (send the count first when only the root knows it; see
    /// ``Communicator/broadcast(data:from:)``).
    ///
    /// - Parameters:
    ///   - bytes: the data (read on `root`, overwritten elsewhere).
    ///   - root: the sending rank.
    /// - Throws: ``DistributedError`` when the transport fails.
    func broadcast(_ bytes: inout [UInt8], from root: Int) throws

    /// Waits until every rank has reached this call.
    ///
    /// - Throws: ``DistributedError`` when the transport fails.
    func barrier() throws
}

extension Communicator {
    /// Whether this is rank 0, the process that prints and writes files.
    public var isMainProcess: Bool { rank == 0 }

    /// Sums `values` over all ranks, in place, and waits.
    ///
    /// - Parameter values: the same count on every rank.
    /// - Throws: ``DistributedError`` when the transport fails.
    public func allReduceSum(_ values: inout [Float]) throws {
        let buffer = ReductionBuffer(count: values.count)
        buffer.copy(from: values, at: 0)
        try startAllReduceSum(buffer).wait()
        values = buffer.values
    }

    /// Sends `data` of any size from `root` to every rank; the other ranks' `data`
    /// is ignored.
    ///
    /// - Parameters:
    ///   - data: the bytes to send, on `root`.
    ///   - root: the sending rank (0 by default).
    /// - Returns: `root`'s bytes, on every rank.
    /// - Throws: ``DistributedError`` when the transport fails.
    public func broadcast(data: [UInt8], from root: Int = 0) throws -> [UInt8] {
        var count = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        try broadcast(&count, from: root)
        let length = Int(count.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        var bytes = rank == root ? data : [UInt8](repeating: 0, count: length)
        try broadcast(&bytes, from: root)
        return bytes
    }

    /// Sends one integer from `root` to every rank.
    ///
    /// - Parameters:
    ///   - value: the value on `root`.
    ///   - root: the sending rank (0 by default).
    /// - Returns: `root`'s value, on every rank.
    /// - Throws: ``DistributedError`` when the transport fails.
    public func broadcast(_ value: UInt64, from root: Int = 0) throws -> UInt64 {
        var bytes = withUnsafeBytes(of: value.littleEndian, Array.init)
        try broadcast(&bytes, from: root)
        return UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
}
