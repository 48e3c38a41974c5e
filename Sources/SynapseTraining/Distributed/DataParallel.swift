import Foundation
import SynapseCore
import SynapseDistributed
import SynapseIO
import SynapseNN

/// Averages gradients across the ranks of a ``/SynapseDistributed/Communicator`` before every optimizer
/// step, as PyTorch's `DistributedDataParallel` and Horovod do, so every rank takes
/// the same step.
///
/// The trainable parameters are grouped, last layer first, into buckets of about
/// ``bucketCapacityBytes`` (the first of at most 1 MiB, so communication starts early). During the backward pass each parameter's gradient is
/// copied into its bucket the moment it is final (``/SynapseNN/Parameter/onGradientAccumulated``),
/// and a full bucket's all-reduce starts at once on the communication thread while
/// the backward pass goes on; ``averageGradients()``, which the optimizer's
/// ``/SynapseNN/Optimizer/gradientTransform`` calls at the start of ``/SynapseNN/Optimizer/step()``, waits
/// for the reductions and writes the means back as the gradients. Buckets start in
/// the same order on every rank.
///
/// `fit` sets it up by itself when the process runs under `mpirun`; a manual
/// training loop attaches it to its optimizer once:
///
/// ```swift
/// let communicator = try Distributed.initialize()
/// let parallel = try DataParallel(parameters: model.trainableParameters, communicator: communicator)
/// try parallel.broadcastParameters(model.parameters)      // rank 0's initial weights
/// parallel.attach(to: optimizer)
/// for (x, y) in loader.with(seed: seed, shard: shard).batches(epoch: epoch) {
///     optimizer.zeroGrad()
///     loss(model(x, training: true), y).backward()
///     optimizer.step()                                    // averages, then updates
/// }
/// ```
///
/// Several backward passes before one step (gradient accumulation) are handled:
/// a gradient that grows after its bucket was sent makes every rank reduce all
/// buckets again at the step, which costs one more round of communication.
public final class DataParallel {
    /// The ranks gradients are averaged over.
    public let communicator: any Communicator
    /// The trainable parameters, in the order given.
    public let parameters: [Parameter]
    /// The target size of one bucket (25 MiB by default, as PyTorch's `bucket_cap_mb`).
    public let bucketCapacityBytes: Int

    private struct Member {
        let parameter: Parameter
        /// The parameter's position in ``parameters`` (its flag's position).
        let index: Int
        let offset: Int
        let count: Int
    }

    private final class Bucket {
        let members: [Member]
        let buffer: ReductionBuffer
        /// Whether each member's gradient has been copied in this step.
        var copied: [Bool]
        var copiedCount = 0
        var pending: PendingReduction?

        init(members: [Member], extra: Int) {
            self.members = members
            buffer = ReductionBuffer(count: (members.last.map { $0.offset + $0.count } ?? 0) + extra)
            copied = Array(repeating: false, count: members.count)
        }
    }

    private let buckets: [Bucket]
    /// Where each parameter lives: bucket and member index.
    private let location: [ObjectIdentifier: (bucket: Int, member: Int)]
    /// The next bucket to start; buckets start in index order on every rank.
    private var nextBucket = 0
    /// Whether a gradient grew after its bucket was sent (several backward passes).
    private var stale = false
    private weak var optimizer: Optimizer?
    private var previousTransform: (([Parameter]) -> Void)?

    /// Groups `parameters` into buckets and checks that every rank has the same ones.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to average (frozen ones are left out).
    ///   - communicator: the ranks; from ``/SynapseDistributed/Distributed/initialize()``.
    ///   - bucketCapacityBytes: the target bucket size in bytes (default 25 MiB); a
    ///     parameter larger than it gets a bucket of its own.
    /// - Throws: ``/SynapseDistributed/DistributedError/mismatch(_:)`` when the ranks' parameters differ
    ///   in number or shape; ``/SynapseDistributed/DistributedError`` when the transport fails.
    public init(parameters: [Parameter], communicator: any Communicator, bucketCapacityBytes: Int = 25 << 20) throws {
        require(bucketCapacityBytes > 0, "DataParallel: bucketCapacityBytes must be positive, got \(bucketCapacityBytes)")
        var seen = Set<ObjectIdentifier>()
        let trainable = parameters.filter { $0.isTrainable && seen.insert(ObjectIdentifier($0)).inserted }
        self.parameters = trainable
        self.communicator = communicator
        self.bucketCapacityBytes = bucketCapacityBytes

        let signature = trainable.map { "\($0.name)\(Shape.describe($0.shape))" }.joined(separator: ",")
        let rootSignature = try communicator.broadcast(data: Array(signature.utf8), from: 0)
        guard rootSignature == Array(signature.utf8) else {
            throw DistributedError.mismatch("rank \(communicator.rank) has the parameters [\(signature)], rank 0 has [\(String(decoding: rootSignature, as: UTF8.self))]")
        }

        // Last layer first: the order in which the backward pass finishes gradients.
        // The first bucket holds at most 1 MiB (as PyTorch's), so communication
        // starts early in the backward pass.
        var groups: [[Member]] = []
        var current: [Member] = []
        var offset = 0
        for (index, parameter) in trainable.enumerated().reversed() {
            let capacity = groups.isEmpty ? Swift.min(bucketCapacityBytes, Self.firstBucketCapacityBytes) : bucketCapacityBytes
            if !current.isEmpty && (offset + parameter.count) * MemoryLayout<Float>.stride > capacity {
                groups.append(current)
                (current, offset) = ([], 0)
            }
            current.append(Member(parameter: parameter, index: index, offset: offset, count: parameter.count))
            offset += parameter.count
        }
        if !current.isEmpty || groups.isEmpty { groups.append(current) }
        // The last bucket also carries one "has a gradient" flag per parameter and
        // the "stale" flag, so every rank learns both with no extra message.
        buckets = groups.enumerated().map { index, members in
            Bucket(members: members, extra: index == groups.count - 1 ? trainable.count + 1 : 0)
        }
        var location: [ObjectIdentifier: (Int, Int)] = [:]
        for (bucketIndex, bucket) in buckets.enumerated() {
            for (memberIndex, member) in bucket.members.enumerated() {
                location[ObjectIdentifier(member.parameter)] = (bucketIndex, memberIndex)
            }
        }
        self.location = location
    }

    deinit { detach() }

    /// The number of buckets.
    public var bucketCount: Int { buckets.count }

    /// The size limit of the first bucket (the last layers' gradients), 1 MiB.
    public static let firstBucketCapacityBytes = 1 << 20

    /// Hooks into the parameters' backward pass and into `optimizer`'s
    /// ``/SynapseNN/Optimizer/gradientTransform`` (keeping any transform already there, which
    /// then runs on the averaged gradients).
    ///
    /// - Parameter optimizer: the optimizer whose steps should average first.
    public func attach(to optimizer: Optimizer) {
        detach()
        self.optimizer = optimizer
        previousTransform = optimizer.gradientTransform
        let previous = previousTransform
        optimizer.gradientTransform = { [weak self] trainable in
            if let self {
                do { try self.averageGradients() } catch { Distributed.abort("DataParallel: \(error)") }
            }
            previous?(trainable)
        }
        for parameter in parameters {
            parameter.onGradientAccumulated = { [weak self] parameter in self?.gradientFinished(parameter) }
        }
    }

    /// Removes the hooks ``attach(to:)`` installed.
    public func detach() {
        for parameter in parameters { parameter.onGradientAccumulated = nil }
        if let optimizer {
            optimizer.gradientTransform = previousTransform
            self.optimizer = nil
        }
        previousTransform = nil
    }

    /// A parameter's gradient is final for this backward pass: copy it into its
    /// bucket and start every bucket that is complete, in order.
    private func gradientFinished(_ parameter: Parameter) {
        guard let (bucketIndex, memberIndex) = location[ObjectIdentifier(parameter)], let gradient = parameter.grad else { return }
        let bucket = buckets[bucketIndex]
        if bucketIndex < nextBucket {
            stale = true   // already sent: a second backward pass before the step
            return
        }
        let member = bucket.members[memberIndex]
        gradient.copyElements(into: bucket.buffer.rawBytes(at: member.offset, count: member.count))
        if !bucket.copied[memberIndex] {
            bucket.copied[memberIndex] = true
            bucket.copiedCount += 1
        }
        // The last bucket waits for the step, where its flags are known.
        while nextBucket < buckets.count - 1, buckets[nextBucket].copiedCount == buckets[nextBucket].members.count {
            start(buckets[nextBucket])
            nextBucket += 1
        }
    }

    /// Starts a bucket's all-reduce on the communication thread.
    private func start(_ bucket: Bucket) {
        bucket.pending = communicator.startAllReduceSum(bucket.buffer)
        Distributed.recordReduction(floats: bucket.buffer.count)
    }

    /// Waits for the started reductions, reduces the rest, and replaces every
    /// parameter's gradient with its mean over the ranks (`nil` where no rank had
    /// one). Called by the attached optimizer's step; call it yourself only when
    /// not attached.
    ///
    /// - Throws: ``/SynapseDistributed/DistributedError`` when the transport fails.
    public func averageGradients() throws {
        let flagsStart = buckets[buckets.count - 1].buffer.count - parameters.count - 1
        let flags = buckets[buckets.count - 1].buffer
        /// Fills the last bucket's flags, sends what is left and waits for every bucket.
        func reduceRemaining(stale: Bool) throws {
            for index in 0..<parameters.count { flags.baseAddress[flagsStart + index] = parameters[index].grad == nil ? 0 : 1 }
            flags.baseAddress[flags.count - 1] = stale ? 1 : 0
            try sendRemainingBuckets()
            try Distributed.timingWait { for bucket in buckets { try bucket.pending?.wait() } }
        }
        try reduceRemaining(stale: stale)
        if flags.baseAddress[flags.count - 1] > 0 {
            // Some rank's gradients grew after their bucket left: reduce everything again.
            for bucket in buckets { bucket.copied = bucket.copied.map { _ in false } }
            nextBucket = 0
            try reduceRemaining(stale: false)
        }
        let scale = 1 / Float(communicator.worldSize)
        for bucket in buckets {
            for member in bucket.members {
                let parameter = member.parameter
                if flags.baseAddress[flagsStart + member.index] == 0 {
                    parameter.setGrad(nil)
                    continue
                }
                parameter.setGrad(Self.mean(of: bucket.buffer, member: member, scale: scale))
            }
            bucket.copied = bucket.copied.map { _ in false }
            bucket.copiedCount = 0
            bucket.pending = nil
        }
        nextBucket = 0
        stale = false
    }

    /// A member's reduced sum times `scale`, as a gradient on its parameter's device
    /// (written straight into a new CPU tensor: one pass over the values).
    private static func mean(of buffer: ReductionBuffer, member: Member, scale: Float) -> Tensor {
        let parameter = member.parameter
        let device = parameter.value.device
        guard device == .cpu else {
            let values = buffer.values(at: member.offset, count: member.count).map { $0 * scale }
            return Tensor(values, shape: parameter.shape, device: device)
        }
        var gradient = Tensor(uninitializedShape: parameter.shape, dtype: .float32, device: .cpu)
        gradient.withUnsafeMutablePointer(as: Float.self) { target in
            let source = buffer.baseAddress + member.offset
            for index in 0..<member.count { target[index] = source[index] * scale }
        }
        return gradient
    }

    /// Copies the gradients not yet copied (zeros where a parameter has none) and
    /// starts every bucket not yet started, in order.
    private func sendRemainingBuckets() throws {
        while nextBucket < buckets.count {
            let bucket = buckets[nextBucket]
            for (index, member) in bucket.members.enumerated() where !bucket.copied[index] {
                let bytes = bucket.buffer.rawBytes(at: member.offset, count: member.count)
                if let gradient = member.parameter.grad {
                    gradient.copyElements(into: bytes)
                } else {
                    bytes.initializeMemory(as: Float.self, repeating: 0)
                }
                bucket.copied[index] = true
            }
            bucket.copiedCount = bucket.members.count
            start(bucket)
            nextBucket += 1
        }
    }

    /// Gives every rank rank `root`'s values of `parameters` (trainable or not):
    /// the same initial weights everywhere, or the weights a resumed rank 0 loaded.
    ///
    /// - Parameters:
    ///   - parameters: the same parameters, in the same order, on every rank.
    ///   - root: the rank whose values are sent (0 by default).
    /// - Throws: ``/SynapseDistributed/DistributedError/mismatch(_:)`` when the ranks' parameters differ
    ///   in size; ``/SynapseDistributed/DistributedError`` when the transport fails.
    public func broadcastParameters(_ parameters: [Parameter], from root: Int = 0) throws {
        try Self.broadcast(parameters, over: communicator, from: root)
    }

    /// Gives every rank rank `root`'s values of `parameters` (see ``broadcastParameters(_:from:)``).
    ///
    /// - Parameters:
    ///   - parameters: the same parameters, in the same order, on every rank.
    ///   - communicator: the ranks.
    ///   - root: the sending rank (0 by default).
    /// - Throws: ``/SynapseDistributed/DistributedError`` when the sizes differ or the transport fails.
    public static func broadcast(_ parameters: [Parameter], over communicator: any Communicator, from root: Int = 0) throws {
        let total = parameters.reduce(0) { $0 + $1.count }
        let sizes = try communicator.broadcast(UInt64(total), from: root)
        guard sizes == UInt64(total) else {
            throw DistributedError.mismatch("rank \(communicator.rank)'s parameters hold \(total) values, rank \(root)'s \(sizes)")
        }
        var bytes = [UInt8](repeating: 0, count: total * MemoryLayout<Float>.stride)
        if communicator.rank == root {
            bytes.withUnsafeMutableBytes { raw in
                var offset = 0
                for parameter in parameters {
                    let length = parameter.count * MemoryLayout<Float>.stride
                    parameter.value.copyElements(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + length)]))
                    offset += length
                }
            }
        }
        try communicator.broadcast(&bytes, from: root)
        guard communicator.rank != root else { return }
        var offset = 0
        for parameter in parameters {
            let length = parameter.count * MemoryLayout<Float>.stride
            let values = [Float](unsafeUninitializedCapacity: parameter.count) { buffer, initialized in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]))
                }
                initialized = parameter.count
            }
            withoutGradient { parameter.assign(Tensor(values, shape: parameter.shape, device: parameter.value.device)) }
            offset += length
        }
    }

    /// Gives every rank rank `root`'s optimizer state (moments, step counts), as a
    /// run resumed from a checkpoint on rank 0 needs.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer, over the same parameters on every rank.
    ///   - root: the sending rank (0 by default).
    /// - Throws: ``/SynapseDistributed/DistributedError`` when the transport fails, or the state does not fit.
    public func broadcastState(of optimizer: Optimizer, from root: Int = 0) throws {
        let local = communicator.rank == root ? try SafeTensors(tensors: optimizer.stateTensors().mapValues { $0.to(.cpu) }).serialized() : []
        let bytes = try communicator.broadcast(data: local, from: root)
        guard communicator.rank != root else { return }
        let state = try SafeTensors.parse(Data(bytes))
        try optimizer.loadStateTensors(state.tensors)
    }
}
