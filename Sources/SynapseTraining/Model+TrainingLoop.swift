/// The training and evaluation loops. Every `fit` and `evaluate` ends here: the
/// in-memory variants wrap their tensors in a ``DataLoader`` (one shuffle, seeded
/// per epoch).
///
/// A step reads nothing back from the device: the loss and the metrics accumulate
/// where the model computes, and callbacks receive them as deferred values
/// (``Logs``), read only by those that look (the progress bar when it redraws,
/// History at the end of an epoch).
extension Model {
    /// Trains on the batches of `loader` for `epochs` epochs; the loader reshuffles
    /// every epoch from its seed and the epoch number.
    ///
    /// - Parameters:
    ///   - loader: the training batches; they move to ``executionDevice`` as they are drawn.
    ///   - epochs: the index of the last epoch, as Keras (see ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)-(Tensor,_,_,_,_,_,_,_,_,_)``).
    ///   - validationData: an optional loader evaluated after every epoch.
    ///   - callbacks: hooks; a ``History`` and, with `verbose > 0`, a ``ProgressBar`` are added.
    ///   - verbose: 0 silent, 1 progress bar, 2 one line per epoch.
    ///   - initialEpoch: the epoch to start at, to resume a run.
    /// - Returns: the loss and metrics of every epoch (`val_` prefixed for validation).
    @discardableResult
    public func fit(_ loader: DataLoader, epochs: Int = 1, validationData: DataLoader? = nil,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) -> History {
        var loader = loader
        if privacy != nil && !loader.poissonSampling {
            // DP-SGD's guarantee assumes Poisson-sampled batches.
            loader = DataLoader(loader.dataset, batchSize: loader.batchSize, seed: loader.seed, workers: loader.workers,
                                prefetch: loader.prefetch, poissonSampling: true)
        }
        return train(epochs: epochs, initialEpoch: initialEpoch, layout: loader, loader: { loader },
                     validationData: validationData, callbacks: callbacks, verbose: verbose, feed: nil, validationFeed: nil)
    }

    /// The epoch loop of every `fit`. `loader()` is called at the start of every
    /// epoch (a loader made then draws its shuffle seed from the global generator, so
    /// a run resumed from a checkpoint visits the samples in the uninterrupted run's
    /// order); `layout` has the same data and batch size, for counting batches.
    /// Under `mpirun` with several ranks, training is data-parallel (see
    /// ``DataParallelTraining``): only rank 0 runs the callbacks that print or write
    /// files (``Callback/runsOnEveryRank``). With a `feed`, the loaders' batches are
    /// row numbers of the feed's arrays (`fit` with several inputs or outputs), and
    /// `validationFeed` holds the validation arrays.
    func train(epochs: Int, initialEpoch: Int, layout: DataLoader, loader: () -> DataLoader,
               validationData: DataLoader?, callbacks: [any Callback], verbose: Int,
               feed: ArrayFeed?, validationFeed: ArrayFeed?) -> History {
        require(epochs >= 0 && initialEpoch >= 0, "fit: epochs (\(epochs)) and initialEpoch (\(initialEpoch)) must be non-negative")
        _ = requireCompiled()
        // The first epoch's loader draws its seed before a data-parallel start builds
        // the weights, in the order of one process (seed, then weights at the first batch).
        var firstLoader = Distributed.isLaunchedByMPI ? loader() : nil
        let parallel = DataParallelTraining.start(for: self) {
            feed == nil && layout.dataset.count > 0 ? layout.dataset.batch(in: 0..<1).x : nil
        }
        defer { parallel?.finish() }
        let initialEpoch = parallel?.agree(on: initialEpoch) ?? initialEpoch
        let layout = parallel.map { layout.with(seed: 0, shard: $0.shard) } ?? layout
        let validationData = parallel.flatMap { parallel in validationData.map { parallel.sharded($0) } } ?? validationData
        let (samples, batchCount) = (layout.dataset.count, layout.batchCount)
        let isMainProcess = parallel?.communicator.isMainProcess ?? true
        let callbacks = isMainProcess ? callbacks : callbacks.filter(\.runsOnEveryRank)
        let verbose = isMainProcess ? verbose : 0
        if let privacy {
            do { try privacy.validate(for: self) } catch { fatalError("fit: \(error)") }
            privateTraining = PrivateTraining(settings: privacy, sampleRate: 1 / Double(Swift.max(batchCount, 1)), samples: samples,
                                              plannedSteps: batchCount * Swift.max(epochs - initialEpoch, 0))
        }
        defer { privateTraining = nil }
        let history = History()
        var all: [any Callback] = [history]
        if verbose > 0 {
            all.append(ProgressBar(epochs: epochs, stepsPerEpoch: batchCount,
                                   inPlace: verbose == 1 ? ProgressBar.standardOutputIsTerminal : false))
        }
        all += callbacks
        let list = CallbackList(all)
        list.setModel(self)
        stopTraining = false
        setHistory(history)
        list.trainBegin()
        var epochLogs = Logs()
        withExecutionContext(on: executionDevice) {
            for epoch in initialEpoch..<Swift.max(initialEpoch, epochs) {
                list.epochBegin(epoch)
                let base = firstLoader ?? loader()
                firstLoader = nil
                let epochLoader = parallel.map { $0.sharded(base) } ?? base
                epochLogs = trainEpoch(epochLoader.batches(epoch: epoch), feed: feed, list: list, stopsMidEpoch: parallel == nil)
                if let privateTraining {
                    privacyGuarantee = privateTraining.guarantee
                    epochLogs["epsilon"] = Float(privacyGuarantee!.epsilon)
                }
                if let validationData {
                    // As Keras, validation runs the test hooks of the same callbacks.
                    let validation = evaluate(validationData, feed: validationFeed, callbacks: all)
                    for key in validation.keys { epochLogs[deferred: "val_" + key] = validation[deferred: key] }
                }
                if let parallel {
                    (epochLogs, stopTraining) = parallel.averaged(epochLogs, stop: stopTraining)
                }
                list.epochEnd(epoch, epochLogs)
                if stopTraining { break }
            }
            // As Keras: an optimizer that averages the weights leaves the averages in place.
            if epochs > initialEpoch { optimizer?.finalizeVariableValues() }
        }
        list.trainEnd(epochLogs)
        return history
    }

    /// One pass over `batches`; returns the epoch's running logs after its last step.
    /// `stopsMidEpoch: false` (data-parallel training, where every rank must take
    /// the same steps) leaves a request to stop to the end of the epoch.
    private func trainEpoch(_ batches: DataLoader.Batches, feed: ArrayFeed?, list: CallbackList, stopsMidEpoch: Bool) -> Logs {
        let device = executionDevice
        let losses = LossTrackers(names: lossLogNames)
        metrics.forEach { $0.reset() }
        var logs = Logs()
        for (step, batch) in batches.enumerated() {
            list.trainBatchBegin(step)
            if let feed {
                let (inputs, targets) = feed.rows(batch.x.to(device))
                logs = trainStep(inputs: inputs, targets: targets)
            } else {
                logs = trainStep(x: batch.x.to(device), y: batch.y.to(device))
            }
            losses.track(logs, samples: batch.x.shape.first ?? 1)
            losses.write(into: &logs)
            for metric in metrics { logs[deferred: metric.name] = metric.deferredResult() }
            list.trainBatchEnd(step, logs)
            if stopTraining && stopsMidEpoch { break }
        }
        return logs
    }

    /// Loss and metrics over every batch of `loader`, in inference mode.
    ///
    /// - Parameters:
    ///   - loader: the batches; they move to ``executionDevice`` as they are drawn.
    ///   - verbose: 1 or more prints the results on one line; 0 (the default) is silent.
    ///   - callbacks: receive the test hooks (begin, per batch, end).
    /// - Returns: "loss" (the mean over samples of the batch losses) and each compiled metric's name.
    @discardableResult
    public func evaluate(_ loader: DataLoader, verbose: Int = 0, callbacks: [any Callback] = []) -> Logs {
        evaluate(loader, feed: nil, verbose: verbose, callbacks: callbacks)
    }

    /// Evaluation over `loader`'s batches, or, with a `feed`, over the rows of the
    /// feed's arrays that the batches number.
    func evaluate(_ loader: DataLoader, feed: ArrayFeed?, verbose: Int = 0, callbacks: [any Callback] = []) -> Logs {
        let list = CallbackList(callbacks)
        list.setModel(self)
        list.testBegin()
        let device = executionDevice
        let losses = LossTrackers(names: lossLogNames)
        metrics.forEach { $0.reset() }
        withExecutionContext(on: device) {
            for (index, batch) in loader.batches(epoch: 0).enumerated() {
                list.testBatchBegin(index)
                let logs: Logs
                if let feed {
                    let (inputs, targets) = feed.rows(batch.x.to(device))
                    logs = testStep(inputs: inputs, targets: targets)
                } else {
                    logs = testStep(x: batch.x.to(device), y: batch.y.to(device))
                }
                losses.track(logs, samples: batch.x.shape.first ?? 1)
                list.testBatchEnd(index, logs)
            }
        }
        var result = Logs()
        losses.write(into: &result)
        for metric in metrics { result[deferred: metric.name] = metric.deferredResult() }
        list.testEnd(result)
        if verbose > 0 {
            print(result.keys.sorted().map { "\($0): \(ProgressBar.format(result[$0]!))" }.joined(separator: " - "))
        }
        return result
    }

}

/// The running means over an epoch of the losses a step logs: "loss" and, for a
/// model with several outputs, each output's.
private struct LossTrackers {
    let means: [(name: String, mean: Metrics.Mean)]

    init(names: [String]) { means = names.map { ($0, Metrics.Mean(name: $0)) } }

    /// Adds a step's losses to the running means, weighted by the batch's samples:
    /// on the device when the step returned them as tensors, else their host values.
    /// A "loss" the step left out counts as NaN; other missing names are skipped.
    func track(_ logs: Logs, samples: Int) {
        for (name, mean) in means {
            guard let value = logs[deferred: name] else {
                if name == "loss" { mean.update(.nan, weight: Float(samples)) }
                continue
            }
            if let tensor = value.tensor, tensor.dtype == .float32 {
                mean.update(tensor, weight: Float(samples))
            } else {
                mean.update(value.value, weight: Float(samples))
            }
        }
    }

    /// Puts every running mean into `logs` under its name.
    func write(into logs: inout Logs) {
        for (name, mean) in means { logs[deferred: name] = mean.deferredResult() }
    }
}
