/// Training without separate targets: autoencoders, and models whose
/// ``Model/trainStep(x:y:)`` computes its own objective (a VAE), as Keras'
/// `model.compile(optimizer=...)` followed by `model.fit(x_train, epochs=...)`.
extension Model {
    /// Configures training for a model that computes its own loss in an overridden
    /// ``trainStep(x:y:)`` (and ``testStep(x:y:)`` for `evaluate`), as Keras'
    /// `compile(optimizer=...)` without a loss.
    ///
    /// The compiled loss is ``ModelDefinedLoss``, which stops with a message if the
    /// default steps ever reach it, so a forgotten override is caught at once.
    ///
    /// ```swift
    /// let vae = VAE(latent: 20)          // a Model subclass overriding trainStep
    /// vae.compile(optimizer: Adam(learningRate: 1e-3))
    /// vae.fit(x: images, epochs: 10, batchSize: 128)
    /// ```
    ///
    /// - Parameters:
    ///   - optimizer: updates the trainable parameters (they are assigned to it here).
    ///   - metrics: updated by the model's own steps, if they call
    ///     ``updateMetrics(yTrue:yPred:mask:)``; reset every epoch (default none).
    public func compile(optimizer: Optimizer, metrics: [Metric] = []) {
        compile(optimizer: optimizer, loss: ModelDefinedLoss(), metrics: metrics)
    }

    /// Trains on inputs alone: each batch is passed as both `x` and `y` to
    /// ``trainStep(x:y:)`` (the target of an autoencoder is its input).
    ///
    /// Takes the arguments of ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)-(Tensor,_,_,_,_,_,_,_,_,_)``;
    /// `validationData` is a tensor of inputs.
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples, ...]`; also the targets.
    ///   - epochs: the index of the last epoch, as Keras (default 1).
    ///   - batchSize: samples per gradient step (default 32).
    ///   - validationSplit: the fraction of samples, taken from the end, held out for
    ///     validation (default 0).
    ///   - validationData: validation inputs, `[samples, ...]` (overrides the split;
    ///     default `nil`).
    ///   - shuffle: reshuffle the training samples every epoch (default `true`).
    ///   - callbacks: hooks; a ``History`` and, with `verbose > 0`, a ``ProgressBar`` are added.
    ///   - verbose: 0 silent, 1 progress bar (the default), 2 one line per epoch.
    ///   - initialEpoch: the epoch to start at, to resume a run (default 0).
    /// - Returns: the loss and metrics of every epoch (`val_` prefixed for validation).
    @discardableResult
    public func fit(x: Tensor, epochs: Int = 1, batchSize: Int = 32, validationSplit: Float = 0,
                    validationData: Tensor? = nil, shuffle: Bool = true,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) -> History {
        fit(x: x, y: x, epochs: epochs, batchSize: batchSize, validationSplit: validationSplit,
            validationData: validationData.map { ($0, $0) }, shuffle: shuffle, callbacks: callbacks,
            verbose: verbose, initialEpoch: initialEpoch)
    }

    /// Evaluates on inputs alone (each batch is both `x` and `y` of ``testStep(x:y:)``).
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples, ...]`; also the targets.
    ///   - batchSize: samples per forward pass (default 32).
    ///   - verbose: 1 or more prints the results on one line; 0 (the default) is silent.
    ///   - callbacks: receive the test hooks (begin, per batch, end) (default none).
    /// - Returns: "loss" (the mean over samples of the batch losses) and the compiled metrics.
    @discardableResult
    public func evaluate(x: Tensor, batchSize: Int = 32, verbose: Int = 0, callbacks: [any Callback] = []) -> Logs {
        evaluate(x: x, y: x, batchSize: batchSize, verbose: verbose, callbacks: callbacks)
    }
}

/// The loss of a model compiled with ``Model/compile(optimizer:metrics:)``: the model
/// computes its objective itself, in overridden training and test steps.
///
/// Reaching ``perSampleLoss(yTrue:yPred:)`` means a default step ran on such a model;
/// it stops with a message saying which override is missing.
public struct ModelDefinedLoss: Loss {
    /// "model_defined".
    public let name = "model_defined"
    /// Unused; the model reduces its own objective.
    public let reduction = LossReduction.sumOverBatchSize

    /// A placeholder loss.
    public init() {}

    /// Stops: the model was compiled without a loss but its default step needs one.
    ///
    /// - Parameters:
    ///   - yTrue: the batch's targets (unused).
    ///   - yPred: the model's outputs (unused).
    /// - Returns: never; it stops the program with a message.
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        fatalError("this model was compiled without a loss (compile(optimizer:)); override trainStep(x:y:) and testStep(x:y:) to compute the objective, or compile with a loss")
    }
}
