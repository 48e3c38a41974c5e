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
    public func compile(optimizer: Optimizer, metrics: [Metric] = []) {
        compile(optimizer: optimizer, loss: ModelDefinedLoss(), metrics: metrics)
    }

    /// Trains on inputs alone: each batch is passed as both `x` and `y` to
    /// ``trainStep(x:y:)`` (the target of an autoencoder is its input).
    ///
    /// Takes the arguments of ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)``;
    /// `validationData` is a tensor of inputs.
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
    public func perSampleLoss(yTrue: Tensor, yPred: Tensor) -> Tensor {
        fatalError("this model was compiled without a loss (compile(optimizer:)); override trainStep(x:y:) and testStep(x:y:) to compute the objective, or compile with a loss")
    }
}
