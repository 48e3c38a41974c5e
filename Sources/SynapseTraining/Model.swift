/// A trainable network with Keras' workflow: `compile`, `fit`, `evaluate`,
/// `predict`, `summary`.
///
/// Use ``Sequential`` for a stack of layers, `Model(inputs:outputs:)` for a graph of
/// layers built with the functional API (residual connections, several inputs or
/// outputs, shared layers), or subclass `Model` for anything else: override
/// ``forward(_:training:)`` for the computation and, when the loss is not a simple
/// function of targets and predictions (a VAE), ``trainStep(x:y:)``.
///
/// ```swift
/// let model = Sequential {
///     Dense(64, activation: .relu)
///     Dense(1, activation: .sigmoid)
/// }
/// try model.compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"])
/// let history = model.fit(x: x, y: y, epochs: 10, batchSize: 32, validationSplit: 0.2)
/// ```
open class Model: Layer {
    /// The optimizer set by `compile`.
    public private(set) var optimizer: Optimizer?
    /// The loss set by `compile`.
    public private(set) var loss: (any Loss)?
    /// Metrics set by `compile`, updated every batch (a multi-output model's are
    /// every output's, named `"<output>_<metric>"`).
    public private(set) var metrics: [Metric] = []
    /// The loss, weight and metrics of each output of a model with several outputs,
    /// set by `compile`; empty for a model with one output.
    public private(set) var objectives: [OutputObjective] = []
    /// Set to `true` (by a callback) to end `fit` after the current batch.
    public var stopTraining = false
    /// The history of the last `fit`.
    public private(set) var history = History()
    /// Differentially private training (DP-SGD) for the following `fit` calls;
    /// `nil` (the default) trains normally. See ``DifferentialPrivacy``.
    public var privacy: DifferentialPrivacy?
    /// The (ε, δ) guarantee of the last private `fit` (updated after every epoch),
    /// or the one a loaded model file records; `nil` for a model trained normally.
    public internal(set) var privacyGuarantee: PrivacyGuarantee?
    /// The private `fit` in progress, if any.
    var privateTraining: PrivateTraining?
    /// The target size in bytes of one bucket of gradients averaged across processes
    /// when `fit` runs under `mpirun` (PyTorch's `bucket_cap_mb`; default 25 MiB).
    /// Smaller buckets start communicating earlier in the backward pass; larger ones
    /// send fewer messages. See ``DataParallel``.
    public var distributedBucketBytes = 25 << 20 {
        didSet { require(distributedBucketBytes > 0, "distributedBucketBytes must be positive, got \(distributedBucketBytes)") }
    }
    /// The graph of a functional model (`Model(inputs:outputs:)`); `nil` for
    /// ``Sequential`` and subclasses.
    package var graph: LayerGraph?

    /// A functional model's layers in the order of their first call, its inputs
    /// first; otherwise the sublayers found by reflection.
    open override var sublayers: [Layer] { graph?.layers ?? super.sublayers }

    /// The model's layers (Keras' `model.layers`): a ``Sequential``'s stack, a
    /// functional model's layers (inputs first, then in the order of their first
    /// call), or a subclass's direct sublayers.
    open var layers: [Layer] { sublayers }

    /// A functional model has no weights of its own; otherwise those found by reflection.
    open override var ownParameters: [Parameter] { graph == nil ? super.ownParameters : [] }

    /// Runs a functional model's graph (one input, one output); subclasses override
    /// it with their computation.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, ...]`.
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: the model's output for the batch, `[batch, ...output]`.
    open override func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard let graph else { fatalError("\(type(of: self)) must override forward(_:training:)") }
        return graph.run([input], masks: [nil], training: training, model: name)[graph.singleOutput(model: name)].output
    }

    /// Runs a functional model's graph with the input's time-step mask.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, time, ...]`.
    ///   - mask: which time steps are real, bool `[batch, time]`.
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: the model's output for the batch; without a graph, that of
    ///   ``forward(_:training:)`` (the mask is ignored).
    open override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        guard let graph else { return forward(input, training: training) }
        return graph.run([input], masks: [mask], training: training, model: name)[graph.singleOutput(model: name)].output
    }

    /// Configures training with objects.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters (they are assigned to it here).
    ///   - loss: the objective; layer regularization penalties are added to it.
    ///   - metrics: reported per batch and epoch; reset every epoch.
    ///
    /// A functional model with several outputs applies `loss` to each output (as
    /// Keras); give metrics by name then (`metrics: ["accuracy"]`)
    /// so that each output gets its own, or use ``compile(optimizer:losses:lossWeights:metrics:)-(_,[String:Loss],_,_)``.
    public func compile(optimizer: Optimizer, loss: any Loss, metrics: [Metric] = []) {
        if isFunctional && outputNames.count > 1 {
            require(metrics.isEmpty, "compile: model '\(name)' has \(outputNames.count) outputs; give its metrics by name, or per output with compile(optimizer:losses:lossWeights:metrics:)")
            setObjectives(objectivesSharing(loss), optimizer: optimizer, sharedLoss: loss)
            return
        }
        setObjectives([], optimizer: optimizer, sharedLoss: loss, metrics: metrics)
    }

    /// The one place `compile` stores its settings.
    ///
    /// - Parameters:
    ///   - objectives: per-output losses of a multi-output model, or empty.
    ///   - optimizer: the optimizer.
    ///   - sharedLoss: the model's one loss (applied to every output of a multi-output
    ///     model when `objectives` came from it), or `nil` for losses per output.
    ///   - metrics: the metrics of a one-output model.
    func setObjectives(_ objectives: [OutputObjective], optimizer: Optimizer, sharedLoss: (any Loss)?, metrics: [Metric] = []) {
        buildFromDeclaredInput()
        self.optimizer = optimizer
        self.loss = sharedLoss
        self.objectives = objectives
        self.metrics = objectives.isEmpty ? metrics : objectives.flatMap(\.metrics)
        if isBuilt { optimizer.parameters = trainableParameters }
    }

    /// Configures training with Keras names: `"adam"`, `"sparse_categorical_crossentropy"`,
    /// `["accuracy"]`. "accuracy" is resolved from the loss as Keras does.
    ///
    /// - Parameters:
    ///   - optimizer: the optimizer's Keras name, e.g. `"adam"`, `"sgd"`, with its default settings.
    ///   - loss: the loss's Keras name, e.g. `"mse"`, `"sparse_categorical_crossentropy"`.
    ///   - metrics: metric names, e.g. `["accuracy"]` (default none).
    /// - Throws: ``ModelError/unknownName(kind:name:known:)`` for a name Synapse does not know.
    public func compile(optimizer: String, loss: String, metrics: [String] = []) throws {
        guard let optimizerObject = Optimizers.named(optimizer) else {
            throw ModelError.unknownName(kind: "optimizer", name: optimizer, known: Optimizers.names)
        }
        try compile(optimizer: optimizerObject, loss: loss, metrics: metrics)
    }

    /// Configures training with an optimizer object and Keras names for the rest.
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters (they are assigned to it here).
    ///   - loss: the loss's Keras name, e.g. `"mse"`, `"sparse_categorical_crossentropy"`.
    ///   - metrics: metric names, e.g. `["accuracy"]` (default none).
    /// - Throws: ``ModelError/unknownName(kind:name:known:)`` for a loss or metric name
    ///   Synapse does not know.
    public func compile(optimizer: Optimizer, loss: String, metrics: [String] = []) throws {
        guard let lossObject = Losses.named(loss) else {
            throw ModelError.unknownName(kind: "loss", name: loss, known: Losses.names)
        }
        try compile(optimizer: optimizer, loss: lossObject, metrics: metrics)
    }

    /// Configures training with optimizer and loss objects and metric names, which
    /// are resolved from the loss as Keras does:
    ///
    /// ```swift
    /// try model.compile(optimizer: Adam(), loss: SparseCategoricalCrossentropy(labelSmoothing: 0.1),
    ///                   metrics: ["accuracy"])   // sparse categorical accuracy
    /// ```
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters (they are assigned to it here).
    ///   - lossObject: the objective; layer regularization penalties are added to it.
    ///   - metrics: metric names, resolved against `lossObject` (e.g. `["accuracy"]`).
    /// - Throws: ``ModelError/unknownName(kind:name:known:)`` for a metric name Synapse does not know.
    public func compile(optimizer: Optimizer, loss lossObject: any Loss, metrics: [String]) throws {
        if isFunctional && outputNames.count > 1 {
            return setObjectives(try objectivesSharing(lossObject, metrics: metrics), optimizer: optimizer, sharedLoss: lossObject)
        }
        let metricObjects = try metrics.map { name -> Metric in
            guard let metric = Metrics.named(name, loss: lossObject.name) else {
                throw ModelError.unknownName(kind: "metric", name: name, known: Metrics.names)
            }
            return metric
        }
        compile(optimizer: optimizer, loss: lossObject, metrics: metricObjects)
    }

    /// Builds the model from a declared input shape, when it has one (a
    /// ``Sequential`` starting with an ``/SynapseNN/Input``). Does nothing by default.
    open func buildFromDeclaredInput() {
        if let graph, !isBuilt { buildIfNeeded(inputShape: graph.inputs[0].shape) }
    }

    /// One optimization step on a batch: forward in training mode, loss plus
    /// regularization, backward, optimizer step, metric updates.
    /// Returns the batch's loss and the metrics' running values.
    ///
    /// Override it for custom objectives (Keras' `train_step`); use
    /// ``applyGradients(of:)`` and ``updateMetrics(yTrue:yPred:mask:)`` to keep the rest.
    /// While ``privacy`` is set, the default step is DP-SGD's (an override that does
    /// its own backward pass trains without privacy).
    ///
    /// - Parameters:
    ///   - x: the batch's inputs, `[batch, ...]`, on ``executionDevice``.
    ///   - y: the batch's targets, `[batch, ...]`.
    /// - Returns: "loss" for the batch (a deferred device value); `fit` adds the
    ///   metrics' running values.
    open func trainStep(x: Tensor, y: Tensor) -> Logs {
        if let privateTraining { return privateTraining.step(self, x: x, y: y) }
        if !objectives.isEmpty { return trainStep(inputs: [x], targets: [y]) }
        let loss = requireSingleLoss("trainStep(x:y:)")
        let (prediction, mask) = forwardWithOutputMask(x, training: true)
        var value = loss(y, prediction, mask: mask)
        if let penalty = regularizationLoss() { value = value + penalty }
        applyGradients(of: value)
        updateMetrics(yTrue: y, yPred: prediction.detached(), mask: mask)
        return Logs(deferred: ["loss": DeferredScalar(tensor: value)])
    }

    /// The output for a batch and the mask of its time steps, if the model makes one
    /// (`Embedding(maskZero:)` or `Masking` followed by layers that keep the time
    /// axis). The default train and test steps leave masked steps out of the loss.
    /// The default has no mask; ``Sequential`` and functional models thread masks
    /// through their layers.
    ///
    /// - Parameters:
    ///   - x: a batch, `[batch, ...]`.
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: the output, `[batch, ...output]`, and its time-step mask (bool
    ///   `[batch, time]`) or `nil`.
    open func forwardWithOutputMask(_ x: Tensor, training: Bool) -> (output: Tensor, mask: Tensor?) {
        if let graph {
            buildFromDeclaredInput()
            return graph.run([x], masks: [nil], training: training, model: name)[graph.singleOutput(model: name)]
        }
        return (self(x, training: training), nil)
    }

    /// Evaluation on a batch in inference mode; returns the batch loss.
    ///
    /// Updates the compiled metrics. Override it together with ``trainStep(x:y:)``
    /// for custom objectives (Keras' `test_step`).
    ///
    /// - Parameters:
    ///   - x: the batch's inputs, `[batch, ...]`, on ``executionDevice``.
    ///   - y: the batch's targets, `[batch, ...]`.
    /// - Returns: "loss" for the batch (a deferred device value).
    open func testStep(x: Tensor, y: Tensor) -> Logs {
        if !objectives.isEmpty { return testStep(inputs: [x], targets: [y]) }
        let loss = requireSingleLoss("testStep(x:y:)")
        let (prediction, mask) = withoutGradient { forwardWithOutputMask(x, training: false) }
        var value = loss(y, prediction, mask: mask)
        if let penalty = withoutGradient({ regularizationLoss() }) { value = value + penalty }
        updateMetrics(yTrue: y, yPred: prediction, mask: mask)
        return Logs(deferred: ["loss": DeferredScalar(tensor: value)])
    }

    /// Backpropagates `loss` and takes one optimizer step, clearing the gradients
    /// first. The optimizer's ``/SynapseNN/Optimizer/gradientTransform`` is the one place to see
    /// or change the final gradients before the update.
    ///
    /// - Parameter loss: a scalar loss computed from the model's parameters with
    ///   gradients recorded.
    public func applyGradients(of loss: Tensor) {
        let optimizer = requireCompiled()
        if optimizer.parameters.isEmpty { optimizer.parameters = trainableParameters }
        zeroGrad()
        loss.backward()
        optimizer.step()
    }

    /// Updates every compiled metric with a batch of targets and predictions.
    ///
    /// - Parameters:
    ///   - yTrue: the batch's targets.
    ///   - yPred: the model's outputs for them.
    ///   - mask: the output's time-step mask (bool `[batch, time]`), or `nil` (the
    ///     default). As in Keras, masked steps count in no metric: the mask is each
    ///     step's sample weight.
    public func updateMetrics(yTrue: Tensor, yPred: Tensor, mask: Tensor? = nil) {
        withoutGradient {
            let weights = mask.map { $0.to(.float32) }
            for metric in metrics { metric.update(yTrue: yTrue, yPred: yPred, sampleWeight: weights) }
        }
    }

    /// Runs one optimization step on one batch; returns the loss and metrics of
    /// that batch alone (metrics are reset first, as Keras does).
    ///
    /// - Parameters:
    ///   - x: the batch's inputs, `[batch, ...]`, on the model's device.
    ///   - y: the batch's targets, `[batch, ...]`.
    /// - Returns: "loss" and each compiled metric's value for the batch.
    public func trainOnBatch(x: Tensor, y: Tensor) -> Logs {
        metrics.forEach { $0.reset() }
        var logs = withExecutionContext(on: executionDevice) { trainStep(x: x, y: y) }
        for metric in metrics { logs[metric.name] = metric.result() }
        return logs
    }

    /// Evaluates one batch; returns its loss and metrics.
    ///
    /// The metrics are reset first, so they cover this batch alone.
    ///
    /// - Parameters:
    ///   - x: the batch's inputs, `[batch, ...]`, on the model's device.
    ///   - y: the batch's targets, `[batch, ...]`.
    /// - Returns: "loss" and each compiled metric's value for the batch.
    public func testOnBatch(x: Tensor, y: Tensor) -> Logs {
        metrics.forEach { $0.reset() }
        var logs = withExecutionContext(on: executionDevice) { testStep(x: x, y: y) }
        for metric in metrics { logs[metric.name] = metric.result() }
        return logs
    }

    /// The optimizer, or stops the program when the model is not compiled.
    func requireCompiled() -> Optimizer {
        guard let optimizer, loss != nil || !objectives.isEmpty else {
            fatalError("\(name): call compile(optimizer:loss:metrics:) before training or evaluating")
        }
        return optimizer
    }

    /// The model's one loss, or stops the program naming `action` when the model
    /// is not compiled or has a loss per output (train it with arrays of targets).
    func requireSingleLoss(_ action: String) -> any Loss {
        _ = requireCompiled()
        guard let loss, objectives.isEmpty else {
            fatalError("\(name): \(action) needs one output and one loss; model '\(name)' has outputs \(outputNames.joined(separator: ", ")): pass one target array per output, fit(x: [...], y: [...])")
        }
        return loss
    }

    func setHistory(_ history: History) { self.history = history }
}

/// Errors from configuring or feeding a model.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A Keras name that Synapse does not know.
    case unknownName(kind: String, name: String, known: [String])
    /// Inputs and targets disagree, or a batch size or split is invalid.
    case invalidData(String)

    /// A readable message: the unknown name with the known ones, or the data problem.
    public var description: String {
        switch self {
        case .unknownName(let kind, let name, let known):
            "unknown \(kind) \"\(name)\"; known: \(known.joined(separator: ", "))"
        case .invalidData(let reason):
            reason
        }
    }
}
