import SynapseCore
import SynapseData
import SynapseDistributed
import SynapseNN

/// What `fit` does differently when several processes train one model (see
/// ``Distributed``): rank 0's weights, optimizer state and epoch go to every rank,
/// each rank takes its shard of every batch, gradients are averaged before each
/// step (``DataParallel``), the epoch's loss and metrics are averaged over the
/// ranks, and at the end every rank holds rank 0's model.
final class DataParallelTraining {
    let communicator: any Communicator
    let parallel: DataParallel
    private let model: Model

    /// Starts data-parallel training of `model` when the process runs under
    /// `mpirun` with more than one rank; `nil` otherwise.
    ///
    /// - Parameters:
    ///   - model: the compiled model.
    ///   - sample: one training sample's input, `[1, ...]`, to build a model whose
    ///     weights do not exist yet (every rank must hold them to receive rank 0's).
    static func start(for model: Model, sample: () -> Tensor?) -> DataParallelTraining? {
        let communicator: (any Communicator)?
        do { communicator = try Distributed.initializeIfLaunched() } catch { Distributed.abort("fit: \(error)") }
        guard let communicator, communicator.worldSize > 1 else { return nil }
        require(model.privacy == nil, "fit: differentially private training runs in one process; start it without mpirun")
        if model.trainableParameters.isEmpty, let x = sample() {
            withExecutionContext(on: model.executionDevice) { withoutGradient { _ = model(x, training: false) } }
        }
        let optimizer = model.requireCompiled()
        if optimizer.parameters.isEmpty { optimizer.parameters = model.trainableParameters }
        do {
            let parallel = try DataParallel(parameters: model.trainableParameters, communicator: communicator,
                                            bucketCapacityBytes: model.distributedBucketBytes)
            try parallel.broadcastParameters(model.parameters)
            try parallel.broadcastState(of: optimizer)
            parallel.attach(to: optimizer)
            return DataParallelTraining(communicator: communicator, parallel: parallel, model: model)
        } catch {
            Distributed.abort("fit: \(error)")
        }
    }

    private init(communicator: any Communicator, parallel: DataParallel, model: Model) {
        (self.communicator, self.parallel, self.model) = (communicator, parallel, model)
    }

    /// This rank's shard.
    var shard: DataLoader.Shard { DataLoader.Shard(index: communicator.rank, count: communicator.worldSize) }

    /// Rank 0's value of `value` on every rank (the first epoch of a resumed run).
    func agree(on value: Int) -> Int {
        do { return Int(try communicator.broadcast(UInt64(value), from: 0)) } catch { Distributed.abort("fit: \(error)") }
    }

    /// `loader` with rank 0's shuffle seed and this rank's shard.
    func sharded(_ loader: DataLoader) -> DataLoader {
        do { return loader.with(seed: try communicator.broadcast(loader.seed, from: 0), shard: shard) } catch {
            Distributed.abort("fit: \(error)")
        }
    }

    /// The mean of every value of `logs` over the ranks (each rank saw the same
    /// number of samples), and whether any rank asked to stop.
    func averaged(_ logs: Logs, stop: Bool) -> (logs: Logs, stop: Bool) {
        let keys = logs.keys.sorted()
        var values = keys.map { Double(logs[$0] ?? .nan) } + [stop ? 1 : 0]
        do { try communicator.allReduceSum(&values) } catch { Distributed.abort("fit: \(error)") }
        var result = Logs()
        for (index, key) in keys.enumerated() { result[key] = Float(values[index] / Double(communicator.worldSize)) }
        return (result, values[keys.count] > 0)
    }

    /// Ends data-parallel training: the hooks come off and every rank takes rank 0's
    /// weights (statistics such as BatchNormalization's moving averages differ per rank).
    func finish() {
        parallel.detach()
        do { try parallel.broadcastParameters(model.parameters) } catch { Distributed.abort("fit: \(error)") }
    }
}
