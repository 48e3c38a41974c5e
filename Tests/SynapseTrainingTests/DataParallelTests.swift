import Foundation
import Testing
@testable import SynapseTraining

/// ``DataParallel`` with ranks as threads of this process, joined by an in-process
/// communicator (the MPI transport itself is tested under mpirun in SynapseCLITests).
@Suite("DataParallel: gradients averaged over ranks")
struct DataParallelTests {
    /// Inputs `[32, 8]` and targets `[32, 3]`, fixed.
    private static func data() -> (x: Tensor, y: Tensor) {
        var generator = RandomGenerator(seed: 11)
        let x = Tensor.random([32, 8], .normal(mean: 0, standardDeviation: 1), generator: &generator)
        let y = Tensor.random([32, 3], .normal(mean: 0, standardDeviation: 1), generator: &generator)
        return (x, y)
    }

    /// The same initial model every time (weights from a local generator: other
    /// tests use the global one concurrently).
    private static func model() -> Sequential {
        let model = Sequential {
            Input(shape: [8])
            Dense(16, activation: .tanh)
            Dense(3)
        }
        model.buildFromDeclaredInput()
        var generator = RandomGenerator(seed: 5)
        for parameter in model.parameters {
            parameter.assign(Tensor.random(parameter.shape, .normal(mean: 0, standardDeviation: 0.5), generator: &generator))
        }
        return model
    }

    /// The same initial model with a BatchNormalization between the layers.
    private static func normalizedModel(synchronized: Bool) -> Sequential {
        let model = Sequential {
            Input(shape: [8])
            Dense(16)
            BatchNormalization(momentum: 0.5, synchronized: synchronized)
            Dense(3)
        }
        model.buildFromDeclaredInput()
        var generator = RandomGenerator(seed: 5)
        for parameter in model.parameters where parameter.isTrainable {
            parameter.assign(Tensor.random(parameter.shape, .normal(mean: 0, standardDeviation: 0.5), generator: &generator))
        }
        return model
    }

    /// Runs `body(rank, communicator)` on `ranks` threads with an in-process
    /// communicator in place (``Distributed/withCommunicator(_:_:)``), and waits.
    private static func onRanks(_ ranks: Int, _ body: @escaping @Sendable (Int, InProcessCommunicator) throws -> Void) throws {
        let group = InProcessGroup(size: ranks)
        nonisolated(unsafe) var failure: (any Error)?
        let done = DispatchGroup()
        for rank in 0..<ranks {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let communicator = InProcessCommunicator(rank: rank, group: group)
                do { try Distributed.withCommunicator(communicator) { try body(rank, communicator) } } catch { failure = error }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        if let failure { throw failure }
    }

    @Test("Synchronised BatchNormalization on 2 ranks trains as one process on the whole batch, moving statistics included")
    func synchronizedBatchNormalization() throws {
        let (x, y) = Self.data()
        let single = Self.normalizedModel(synchronized: true)
        let optimizer = SGD(parameters: single.trainableParameters, learningRate: 0.1)
        for _ in 0..<3 {
            optimizer.zeroGrad()
            MeanSquaredError()(y, single(x, training: true)).backward()
            optimizer.step()
        }
        let expected = single.parameters.map(\.value.scalars)
        for synchronized in [true, false] {
            nonisolated(unsafe) var weights: [[[Float]]] = [[], []]
            nonisolated(unsafe) let models = [Self.normalizedModel(synchronized: synchronized), Self.normalizedModel(synchronized: synchronized)]
            nonisolated(unsafe) let (xs, ys) = (x, y)
            try Self.onRanks(2) { rank, communicator in
                let model = models[rank]
                let optimizer = SGD(parameters: model.trainableParameters, learningRate: 0.1)
                let parallel = try DataParallel(parameters: model.trainableParameters, communicator: communicator)
                parallel.attach(to: optimizer)
                let (x, y) = (xs.narrowed(axis: 0, start: rank * 16, length: 16), ys.narrowed(axis: 0, start: rank * 16, length: 16))
                for _ in 0..<3 {
                    optimizer.zeroGrad()
                    MeanSquaredError()(y, model(x, training: true)).backward()
                    optimizer.step()
                }
                parallel.detach()
                weights[rank] = model.parameters.map(\.value.scalars)
            }
            if synchronized {
                Self.expectClose(weights[0], expected)
                Self.expectClose(weights[1], expected)
            } else {
                // Each rank's own statistics: the moving mean is no longer the whole batch's.
                let movingMean = 4
                #expect(zip(weights[0][movingMean], expected[movingMean]).contains { abs($0 - $1) > 1e-3 })
            }
        }
    }

    @Test("fit under 2 in-process ranks (batch 8 each) ends with one process's weights (batch 16) and averaged epoch logs")
    func fitOnRanks() throws {
        let (x, y) = Self.data()
        let single = Self.model()
        single.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let history = single.fit(x: x, y: y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0)
        let expected = single.parameters.map(\.value.scalars)
        nonisolated(unsafe) var weights: [[[Float]]] = [[], []]
        nonisolated(unsafe) var losses: [[Float]] = [[], []]
        nonisolated(unsafe) let models = [Self.model(), Self.model()]
        nonisolated(unsafe) let (xs, ys) = (x, y)
        try Self.onRanks(2) { rank, _ in
            let model = models[rank]
            model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
            let history = model.fit(x: xs, y: ys, epochs: 2, batchSize: 8, shuffle: false, verbose: 0)
            weights[rank] = model.parameters.map(\.value.scalars)
            losses[rank] = history.values["loss"] ?? []
        }
        Self.expectClose(weights[0], expected)
        #expect(weights[0] == weights[1])
        #expect(losses[0] == losses[1], "every rank records the averaged loss")
        for (parallel, one) in zip(losses[0], history.values["loss"] ?? []) {
            #expect(abs(parallel - one) <= 1e-5 * abs(one), "epoch loss \(parallel) on 2 ranks, \(one) in one process")
        }
    }

    /// Trains `steps` SGD steps with momentum on the full batch in one process.
    private static func reference(steps: Int) -> [[Float]] {
        let (x, y) = data()
        let model = model()
        let optimizer = SGD(parameters: model.trainableParameters, learningRate: 0.1, momentum: 0.9)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            MeanSquaredError()(y, model(x, training: true)).backward()
            optimizer.step()
        }
        return model.parameters.map(\.value.scalars)
    }

    /// Trains the same steps on `ranks` threads, each on its contiguous share of the
    /// batch, with `backwardPasses` backward passes per step (gradient accumulation).
    private static func parallel(ranks: Int, steps: Int, bucketBytes: Int, backwardPasses: Int = 1,
                                 extraParameter: Parameter? = nil) throws -> (weights: [[[Float]]], buckets: Int) {
        nonisolated(unsafe) let (x, y) = data()
        nonisolated(unsafe) let models = (0..<ranks).map { _ in model() }
        nonisolated(unsafe) var weights = [[[Float]]](repeating: [], count: ranks)
        nonisolated(unsafe) var bucketCount = 0
        try onRanks(ranks) { rank, communicator in
            let model = models[rank]
            let parameters = model.trainableParameters + (extraParameter.map { [$0] } ?? [])
            let optimizer = SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9)
            let parallel = try DataParallel(parameters: parameters, communicator: communicator, bucketCapacityBytes: bucketBytes)
            parallel.attach(to: optimizer)
            let share = 32 / ranks
            let (xs, ys) = (x.narrowed(axis: 0, start: rank * share, length: share), y.narrowed(axis: 0, start: rank * share, length: share))
            let piece = share / backwardPasses
            for _ in 0..<steps {
                optimizer.zeroGrad()
                for pass in 0..<backwardPasses {
                    let prediction = model(xs.narrowed(axis: 0, start: pass * piece, length: piece), training: true)
                    let loss = MeanSquaredError()(ys.narrowed(axis: 0, start: pass * piece, length: piece), prediction)
                    (loss * Tensor(1 / Float(backwardPasses))).backward()
                }
                optimizer.step()
            }
            parallel.detach()
            weights[rank] = model.parameters.map(\.value.scalars)
            if rank == 0 { bucketCount = parallel.bucketCount }
        }
        return (weights, bucketCount)
    }

    private static func expectClose(_ actual: [[Float]], _ expected: [[Float]], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            let scale = e.map(abs).max() ?? 1
            let difference = zip(a, e).map { abs($0 - $1) }.max() ?? 0
            #expect(difference <= 2e-6 * scale, "largest difference \(difference) for weights up to \(scale)", sourceLocation: sourceLocation)
        }
    }

    @Test("2 and 4 ranks, each on its share of the batch, take the steps of one process on the whole batch",
          arguments: [2, 4])
    func matchesOneProcess(ranks: Int) throws {
        let expected = Self.reference(steps: 5)
        let (weights, buckets) = try Self.parallel(ranks: ranks, steps: 5, bucketBytes: 25 << 20)
        #expect(buckets == 1)
        for rankWeights in weights { Self.expectClose(rankWeights, expected) }
        #expect(weights.allSatisfy { $0 == weights[0] }, "every rank holds the same weights")
    }

    @Test("Buckets smaller than a layer: one bucket per parameter, started as the backward pass finishes each, same result")
    func manyBuckets() throws {
        let expected = Self.reference(steps: 3)
        let (weights, buckets) = try Self.parallel(ranks: 2, steps: 3, bucketBytes: 16)
        #expect(buckets == 4)
        Self.expectClose(weights[0], expected)
    }

    @Test("Two backward passes per step (gradient accumulation): buckets sent early are reduced again, same result")
    func gradientAccumulation() throws {
        let expected = Self.reference(steps: 3)
        let (weights, _) = try Self.parallel(ranks: 2, steps: 3, bucketBytes: 64, backwardPasses: 2)
        Self.expectClose(weights[0], expected)
    }

    @Test("A parameter no rank used keeps no gradient and its value")
    func unusedParameter() throws {
        let unused = Parameter(Tensor([1, 2, 3]), name: "unused")
        let (weights, _) = try Self.parallel(ranks: 2, steps: 2, bucketBytes: 25 << 20, extraParameter: unused)
        #expect(unused.value.scalars == [1, 2, 3])
        #expect(unused.grad == nil)
        Self.expectClose(weights[0], Self.reference(steps: 2))
    }

    @Test("Ranks whose parameters differ are refused with both lists")
    func mismatchedParameters() throws {
        nonisolated(unsafe) var errors: [String] = ["", ""]
        try Self.onRanks(2) { rank, communicator in
            let parameter = Parameter(Tensor.zeros(rank == 0 ? [3] : [4]), name: "w")
            do {
                _ = try DataParallel(parameters: [parameter], communicator: communicator)
            } catch {
                errors[rank] = "\(error)"
            }
        }
        #expect(errors[0].isEmpty)
        #expect(errors[1].contains("[w[4]]") && errors[1].contains("rank 0 has [w[3]]"), "\(errors[1])")
    }

    @Test("broadcastParameters gives every rank rank 0's values")
    func broadcast() throws {
        nonisolated(unsafe) var values: [[Float]] = [[], [], []]
        try Self.onRanks(3) { rank, communicator in
            let parameters = [Parameter(Tensor.full([2], value: Float(rank)), name: "a"),
                              Parameter(Tensor.full([3], value: Float(10 + rank)), name: "b", trainable: false)]
            try DataParallel.broadcast(parameters, over: communicator)
            values[rank] = parameters.flatMap(\.value.scalars)
        }
        #expect(values.allSatisfy { $0 == [0, 0, 10, 10, 10] }, "\(values)")
    }
}

/// Ranks as threads: every collective waits for all `size` ranks and combines their
/// contributions in rank order.
final class InProcessGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var contributions: [[Double]?]
    private var result: [Double] = []
    private var generation = 0

    init(size: Int) {
        self.size = size
        contributions = Array(repeating: nil, count: size)
    }

    /// Contributes `values` for `rank` and returns `combine` of all ranks' values.
    func exchange(rank: Int, _ values: [Double], combine: ([[Double]]) -> [Double]) -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        contributions[rank] = values
        if contributions.allSatisfy({ $0 != nil }) {
            result = combine(contributions.map { $0! })
            contributions = Array(repeating: nil, count: size)
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        return result
    }
}

/// One rank of an ``InProcessGroup``; operations run in order on its own thread, as
/// ``MPICommunicator``'s do.
final class InProcessCommunicator: Communicator {
    let rank: Int
    var worldSize: Int { group.size }
    var localRank: Int { rank }
    var localSize: Int { group.size }
    let transportDescription = "in-process"
    private let group: InProcessGroup
    private let thread: DedicatedThread

    init(rank: Int, group: InProcessGroup) {
        (self.rank, self.group) = (rank, group)
        thread = DedicatedThread(name: "rank-\(rank)")
    }

    private static func sum(_ all: [[Double]]) -> [Double] {
        (0..<all[0].count).map { index in all.reduce(0) { $0 + $1[index] } }
    }

    func startAllReduceSum(_ buffer: ReductionBuffer) -> PendingReduction {
        let pending = PendingReduction()
        let (group, rank) = (group, rank)
        thread.submit {
            let total = group.exchange(rank: rank, buffer.values.map(Double.init), combine: Self.sum)
            for index in 0..<buffer.count { buffer.baseAddress[index] = Float(total[index]) }
            pending.finish(.success(()))
        }
        return pending
    }

    func allReduceSum(_ values: inout [Double]) throws {
        let (group, rank, input) = (group, rank, values)
        values = try thread.run { group.exchange(rank: rank, input, combine: Self.sum) }
    }

    func broadcast(_ bytes: inout [UInt8], from root: Int) throws {
        let (group, rank, input) = (group, rank, bytes.map(Double.init))
        let output = try thread.run { group.exchange(rank: rank, input) { $0[root] } }
        guard output.count == bytes.count else { throw DistributedError.mismatch("broadcast of \(bytes.count) bytes, root sent \(output.count)") }
        bytes = output.map { UInt8($0) }
    }

    func barrier() throws {
        let (group, rank) = (group, rank)
        _ = try thread.run { group.exchange(rank: rank, []) { _ in [] } }
    }
}
