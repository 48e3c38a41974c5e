/// Training and evaluating models with several inputs or outputs: one array per
/// input and one target array per output, as lists in the order of ``Model/inputNames``
/// and ``Model/outputNames`` or as dictionaries by name (Keras' `fit(x={...}, y={...})`).
///
/// ```swift
/// let history = try model.fit(x: ["image": images, "tabular": features],
///                             y: ["class": labels, "box": boxes],
///                             epochs: 10, batchSize: 64, validationSplit: 0.1)
/// let scores = try model.evaluate(x: ["image": testImages, "tabular": testFeatures],
///                                 y: ["class": testLabels, "box": testBoxes])
/// print(scores["class_accuracy"]!, scores["box_loss"]!)
/// ```
///
/// The loop is the one `fit(x:y:)` runs (shuffling, validation, callbacks,
/// checkpoints, data-parallel training under `mpirun`): it draws batches of row
/// numbers and takes those rows of every array.
extension Model {
    /// Trains on one array per input and one target array per output.
    ///
    /// - Parameters:
    ///   - x: one array `[samples, ...]` per input, in the order of ``inputNames``
    ///     (a model that is not functional takes one).
    ///   - y: one target array `[samples, ...]` per output, in the order of ``outputNames``.
    ///   - epochs: the index of the last epoch, as in ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)``.
    ///   - batchSize: samples per gradient step (32 by default).
    ///   - validationSplit: the fraction of samples, taken from the end of every array
    ///     before shuffling, held out for validation (0 by default).
    ///   - validationData: explicit validation arrays, in the same order (overrides the split).
    ///   - shuffle: reshuffle the samples every epoch (the default).
    ///   - callbacks: hooks; a ``History`` and, with `verbose > 0`, a ``ProgressBar`` are added.
    ///   - verbose: 0 silent, 1 progress bar (the default), 2 one line per epoch.
    ///   - initialEpoch: the epoch to start at, to resume a run.
    /// - Returns: per epoch "loss", `"<output>_loss"` for each output of a multi-output
    ///   model, the metrics, and the same with `val_` for validation.
    /// - Throws: ``ModelError/invalidData(_:)`` when the number of arrays does not match
    ///   the model's inputs or outputs, or the arrays have different numbers of samples.
    @discardableResult
    public func fit(x: [Tensor], y: [Tensor], epochs: Int = 1, batchSize: Int = 32, validationSplit: Float = 0,
                    validationData: (x: [Tensor], y: [Tensor])? = nil, shuffle: Bool = true,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) throws -> History {
        guard batchSize > 0 else { throw ModelError.invalidData("fit: batchSize must be positive, got \(batchSize)") }
        guard validationSplit >= 0 && validationSplit < 1 else {
            throw ModelError.invalidData("fit: validationSplit must be in [0, 1), got \(validationSplit)")
        }
        guard privacy == nil else {
            throw ModelError.invalidData("fit: differentially private training takes one input array and one target array; use fit(x:y:) with tensors")
        }
        _ = requireCompiled()
        let device = executionDevice
        var train = try ArrayFeed(inputs: x, targets: y, for: self, op: "fit").moved(to: device)
        var validation = try validationData.map { try ArrayFeed(inputs: $0.x, targets: $0.y, for: self, op: "fit (validationData)").moved(to: device) }
        if validation == nil && validationSplit > 0 {
            let kept = Self.trainingSamples(of: train.count, validationSplit: validationSplit)
            guard kept > 0 && kept < train.count else {
                throw ModelError.invalidData("fit: validationSplit \(validationSplit) leaves no training or no validation samples out of \(train.count)")
            }
            (train, validation) = train.split(at: kept)
        }
        let rows = train.rowNumbers
        let validationLoader = validation.map { DataLoader($0.rowNumbers, batchSize: batchSize) }
        return self.train(epochs: epochs, initialEpoch: initialEpoch, layout: DataLoader(rows, batchSize: batchSize),
                          loader: { DataLoader(rows, batchSize: batchSize, shuffle: shuffle) },
                          validationData: validationLoader, callbacks: callbacks, verbose: verbose,
                          feed: train, validationFeed: validation)
    }

    /// Trains on arrays named by the model's inputs and outputs (Keras' dictionaries).
    ///
    /// - Parameters:
    ///   - x: one array `[samples, ...]` per input name (``inputNames``).
    ///   - y: one target array `[samples, ...]` per output name (``outputNames``).
    ///   - epochs: the index of the last epoch.
    ///   - batchSize: samples per gradient step (32 by default).
    ///   - validationSplit: the fraction of samples held out from the end (0 by default).
    ///   - validationData: explicit validation arrays by name (overrides the split).
    ///   - shuffle: reshuffle the samples every epoch (the default).
    ///   - callbacks: hooks, as in ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)-([Tensor],_,_,_,_,_,_,_,_,_)``.
    ///   - verbose: 0 silent, 1 progress bar (the default), 2 one line per epoch.
    ///   - initialEpoch: the epoch to start at, to resume a run.
    /// - Returns: the history, as for arrays in order.
    /// - Throws: ``ModelError/invalidData(_:)`` for a missing or unknown name, or arrays that disagree.
    @discardableResult
    public func fit(x: [String: Tensor], y: [String: Tensor], epochs: Int = 1, batchSize: Int = 32,
                    validationSplit: Float = 0, validationData: (x: [String: Tensor], y: [String: Tensor])? = nil,
                    shuffle: Bool = true, callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) throws -> History {
        let validation = try validationData.map { (x: try orderedInputs($0.x, op: "fit (validationData)"),
                                                   y: try orderedTargets($0.y, op: "fit (validationData)")) }
        return try fit(x: orderedInputs(x, op: "fit"), y: orderedTargets(y, op: "fit"), epochs: epochs, batchSize: batchSize,
                       validationSplit: validationSplit, validationData: validation, shuffle: shuffle,
                       callbacks: callbacks, verbose: verbose, initialEpoch: initialEpoch)
    }

    /// Loss and metrics over one array per input and one target array per output,
    /// in inference mode.
    ///
    /// - Parameters:
    ///   - x: one array `[samples, ...]` per input, in the order of ``inputNames``.
    ///   - y: one target array per output, in the order of ``outputNames``.
    ///   - batchSize: samples per forward pass (32 by default).
    ///   - verbose: 1 or more prints the results on one line; 0 (the default) is silent.
    ///   - callbacks: receive the test hooks (begin, per batch, end).
    /// - Returns: "loss" (the weighted total), `"<output>_loss"` per output of a
    ///   multi-output model, and every metric.
    /// - Throws: ``ModelError/invalidData(_:)`` when the arrays do not match the model.
    @discardableResult
    public func evaluate(x: [Tensor], y: [Tensor], batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [any Callback] = []) throws -> Logs {
        guard batchSize > 0 else { throw ModelError.invalidData("evaluate: batchSize must be positive, got \(batchSize)") }
        _ = requireCompiled()
        let feed = try ArrayFeed(inputs: x, targets: y, for: self, op: "evaluate").moved(to: executionDevice)
        return evaluate(DataLoader(feed.rowNumbers, batchSize: batchSize), feed: feed, verbose: verbose, callbacks: callbacks)
    }

    /// Loss and metrics over arrays named by the model's inputs and outputs.
    ///
    /// - Parameters:
    ///   - x: one array per input name.
    ///   - y: one target array per output name.
    ///   - batchSize: samples per forward pass (32 by default).
    ///   - verbose: 1 or more prints the results on one line; 0 (the default) is silent.
    ///   - callbacks: receive the test hooks.
    /// - Returns: as ``evaluate(x:y:batchSize:verbose:callbacks:)-([Tensor],_,_,_,_)``.
    /// - Throws: ``ModelError/invalidData(_:)`` for a missing or unknown name, or arrays that disagree.
    @discardableResult
    public func evaluate(x: [String: Tensor], y: [String: Tensor], batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [any Callback] = []) throws -> Logs {
        try evaluate(x: orderedInputs(x, op: "evaluate"), y: orderedTargets(y, op: "evaluate"),
                     batchSize: batchSize, verbose: verbose, callbacks: callbacks)
    }

    /// One optimization step on a batch of every input and output: the weighted sum
    /// of the outputs' losses plus regularization, backward, optimizer step, metrics.
    /// A model with one input and one output takes the step of ``trainStep(x:y:)``.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, in the order of ``inputNames``.
    ///   - targets: one batch of targets per output, in the order of ``outputNames``.
    /// - Returns: "loss" and, for several outputs, `"<output>_loss"` of this batch.
    public func trainStep(inputs: [Tensor], targets: [Tensor]) -> Logs {
        guard let graph, graph.inputs.count > 1 || graph.outputs.count > 1 || !objectives.isEmpty else {
            return trainStep(x: inputs[0], y: targets[0])
        }
        let results = graph.run(inputs, masks: inputs.map { _ in nil }, training: true, model: name)
        var (total, logs) = objectiveLosses(targets: targets, results: results)
        if let penalty = regularizationLoss() { total = total + penalty }
        applyGradients(of: total)
        updateOutputMetrics(targets: targets, predictions: results.map { ($0.output.detached(), $0.mask) })
        logs[deferred: "loss"] = DeferredScalar(tensor: total)
        return logs
    }

    /// Evaluation on a batch of every input and output in inference mode; returns
    /// the batch's total loss and, for several outputs, each output's.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, in the order of ``inputNames``.
    ///   - targets: one batch of targets per output, in the order of ``outputNames``.
    public func testStep(inputs: [Tensor], targets: [Tensor]) -> Logs {
        guard let graph, graph.inputs.count > 1 || graph.outputs.count > 1 || !objectives.isEmpty else {
            return testStep(x: inputs[0], y: targets[0])
        }
        return withoutGradient {
            let results = graph.run(inputs, masks: inputs.map { _ in nil }, training: false, model: name)
            var (total, logs) = objectiveLosses(targets: targets, results: results)
            if let penalty = regularizationLoss() { total = total + penalty }
            updateOutputMetrics(targets: targets, predictions: results)
            logs[deferred: "loss"] = DeferredScalar(tensor: total)
            return logs
        }
    }

    /// The names of the losses a step logs and the loop averages: "loss" and, for
    /// several outputs, each output's.
    var lossLogNames: [String] { ["loss"] + (objectives.count > 1 ? objectives.map(\.lossLogName) : []) }

    /// The weighted sum of the outputs' losses (time steps a mask hides left out),
    /// and each output's loss in the logs when there are several.
    private func objectiveLosses(targets: [Tensor], results: [(output: Tensor, mask: Tensor?)]) -> (Tensor, Logs) {
        let objectives = stepObjectives
        var logs = Logs()
        var total: Tensor?
        for objective in objectives {
            let (prediction, mask) = results[objective.index]
            let value = objective.loss(targets[objective.index], prediction, mask: mask)
            if objectives.count > 1 { logs[deferred: objective.lossLogName] = DeferredScalar(tensor: value) }
            let weighted = objective.weight == 1 ? value : value * objective.weight
            total = total.map { $0 + weighted } ?? weighted
        }
        return (total!, logs)
    }

    /// The compiled objectives, or the model's one loss and metrics as the objective
    /// of its only output.
    private var stepObjectives: [OutputObjective] {
        if !objectives.isEmpty { return objectives }
        let loss = requireSingleLoss("training with arrays")
        return [OutputObjective(output: outputNames.first ?? name, index: 0, loss: loss, weight: 1, metrics: metrics, metricNames: [])]
    }

    /// Updates each output's metrics; masked time steps weigh 0, as in Keras.
    private func updateOutputMetrics(targets: [Tensor], predictions: [(output: Tensor, mask: Tensor?)]) {
        withoutGradient {
            for objective in stepObjectives {
                let (prediction, mask) = predictions[objective.index]
                let weights = mask.map { $0.to(.float32) }
                for metric in objective.metrics {
                    metric.update(yTrue: targets[objective.index], yPred: prediction, sampleWeight: weights)
                }
            }
        }
    }

    /// The arrays of a dictionary in the order of ``inputNames``.
    private func orderedInputs(_ arrays: [String: Tensor], op: String) throws -> [Tensor] {
        try ordered(arrays, names: inputNames, kind: "input", op: op)
    }

    /// The arrays of a dictionary in the order of ``outputNames``.
    private func orderedTargets(_ arrays: [String: Tensor], op: String) throws -> [Tensor] {
        try ordered(arrays, names: outputNames, kind: "output", op: op)
    }

    private func ordered(_ arrays: [String: Tensor], names: [String], kind: String, op: String) throws -> [Tensor] {
        guard isFunctional else {
            throw ModelError.invalidData("\(op): arrays by name need a functional model (Model(inputs:outputs:)); '\(name)' is a \(type(of: self))")
        }
        let unknown = arrays.keys.filter { !names.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw ModelError.invalidData("\(op): model '\(name)' has no \(kind) named \(unknown.map { "'\($0)'" }.joined(separator: ", ")); its \(kind)s are \(names.joined(separator: ", "))")
        }
        return try names.map { key in
            guard let array = arrays[key] else {
                throw ModelError.invalidData("\(op): no array for \(kind) '\(key)' of model '\(name)'; its \(kind)s are \(names.joined(separator: ", "))")
            }
            return array
        }
    }
}

/// One array per input and one per output, with the same number of samples: what
/// `fit` and `evaluate` with arrays draw batches from. The loader shuffles and
/// batches row numbers; ``rows(_:)`` takes those rows of every array.
struct ArrayFeed {
    let inputs: [Tensor]
    let targets: [Tensor]

    /// Checks the arrays against the model: as many as it has inputs and outputs,
    /// each with a samples axis, all with the same number of samples.
    init(inputs: [Tensor], targets: [Tensor], for model: Model, op: String) throws {
        let (inputCount, outputCount) = model.isFunctional ? (model.inputNames.count, model.outputNames.count) : (1, 1)
        let modelName = model.name
        func describe(_ arrays: [Tensor]) -> String { arrays.map { Shape.describe($0.shape) }.joined(separator: ", ") }
        guard inputs.count == inputCount else {
            throw ModelError.invalidData("\(op): model '\(modelName)' has \(inputCount) input(s)\(model.isFunctional ? " (\(model.inputNames.joined(separator: ", ")))" : ""), got \(inputs.count) array(s)")
        }
        guard targets.count == outputCount else {
            throw ModelError.invalidData("\(op): model '\(modelName)' has \(outputCount) output(s)\(model.isFunctional ? " (\(model.outputNames.joined(separator: ", ")))" : ""), got \(targets.count) target array(s)")
        }
        let all = inputs + targets
        guard all.allSatisfy({ $0.rank >= 1 && $0.shape[0] == all[0].shape[0] }) else {
            throw ModelError.invalidData("\(op): inputs of shapes \(describe(inputs)) and targets of shapes \(describe(targets)) must all have the same number of samples")
        }
        (self.inputs, self.targets) = (inputs, targets)
    }

    private init(checkedInputs inputs: [Tensor], targets: [Tensor]) { (self.inputs, self.targets) = (inputs, targets) }

    /// The number of samples.
    var count: Int { inputs[0].shape[0] }

    /// A dataset whose samples are the row numbers `0..<count` (as inputs and targets).
    var rowNumbers: TensorDataset {
        let numbers = Tensor(int32: Array(0..<count), shape: [count], device: inputs[0].device)
        return TensorDataset(x: numbers, y: numbers)
    }

    /// The given rows of every array.
    ///
    /// - Parameter numbers: int32 row numbers `[batch]`, as the loader drew them.
    func rows(_ numbers: Tensor) -> (inputs: [Tensor], targets: [Tensor]) {
        (inputs.map { $0.gather(numbers, axis: 0) }, targets.map { $0.gather(numbers, axis: 0) })
    }

    /// The arrays on `device`.
    func moved(to device: Device) -> ArrayFeed {
        ArrayFeed(checkedInputs: inputs.map { $0.to(device) }, targets: targets.map { $0.to(device) })
    }

    /// The first `kept` samples and the rest.
    func split(at kept: Int) -> (ArrayFeed, ArrayFeed) {
        let held = count - kept
        func head(_ array: Tensor) -> Tensor { array.narrowed(axis: 0, start: 0, length: kept) }
        func tail(_ array: Tensor) -> Tensor { array.narrowed(axis: 0, start: kept, length: held) }
        return (ArrayFeed(checkedInputs: inputs.map(head), targets: targets.map(head)),
                ArrayFeed(checkedInputs: inputs.map(tail), targets: targets.map(tail)))
    }
}
