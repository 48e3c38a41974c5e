/// Training loops: `fit` over in-memory tensors, `evaluate` and `predict`.
extension Model {
    /// Trains for `epochs` epochs on `x` and `y` and returns the history.
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples, ...]`.
    ///   - y: targets, `[samples, ...]` (int32 class ids for sparse losses).
    ///   - epochs: the index of the last epoch, as Keras: with `initialEpoch: 5, epochs: 10`
    ///     epochs 5 to 9 run (five passes over the data).
    ///   - batchSize: samples per gradient step (Keras default 32).
    ///   - validationSplit: the fraction of samples, taken from the end before any
    ///     shuffling, held out for validation. As Keras, the first
    ///     `floor(samples · (1 − validationSplit))` samples train and the rest validate.
    ///   - validationData: explicit validation inputs and targets (overrides the split).
    ///   - shuffle: reshuffle the training samples every epoch (from ``/SynapseCore/Random``).
    ///   - callbacks: hooks; a ``History`` and, with `verbose > 0`, a ``ProgressBar`` are added.
    ///   - verbose: 0 silent, 1 progress bar (one line per epoch when not a terminal),
    ///     2 one line per epoch.
    ///   - initialEpoch: the epoch to start at, to resume a run.
    /// - Returns: the loss and metrics of every epoch (`val_` prefixed for validation).
    @discardableResult
    public func fit(x: Tensor, y: Tensor, epochs: Int = 1, batchSize: Int = 32, validationSplit: Float = 0,
                    validationData: (x: Tensor, y: Tensor)? = nil, shuffle: Bool = true,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) -> History {
        requireMatchingSamples(x, y, op: "fit")
        require(batchSize > 0, "fit: batchSize must be positive, got \(batchSize)")
        let device = executionDevice
        let (x, y) = (x.to(device), y.to(device))
        let validationData = validationData.map { (x: $0.x.to(device), y: $0.y.to(device)) }
        require(epochs >= 0 && initialEpoch >= 0, "fit: epochs (\(epochs)) and initialEpoch (\(initialEpoch)) must be non-negative")
        require(validationSplit >= 0 && validationSplit < 1, "fit: validationSplit must be in [0, 1), got \(validationSplit)")
        var (trainX, trainY) = (x, y)
        var validation = validationData
        if validation == nil && validationSplit > 0 {
            let samples = x.shape[0]
            let kept = Self.trainingSamples(of: samples, validationSplit: validationSplit)
            let held = samples - kept
            require(kept > 0 && held > 0, "fit: validationSplit \(validationSplit) leaves no training or no validation samples out of \(samples)")
            (trainX, trainY) = (x.narrowed(axis: 0, start: 0, length: kept), y.narrowed(axis: 0, start: 0, length: kept))
            validation = (x.narrowed(axis: 0, start: kept, length: held), y.narrowed(axis: 0, start: kept, length: held))
        }
        let dataset = TensorDataset(x: trainX, y: trainY)
        let validationLoader = validation.map { DataLoader(TensorDataset(x: $0.x, y: $0.y), batchSize: batchSize) }
        // Each epoch's shuffle seed comes from the global generator when the epoch
        // starts, so a run resumed from a checkpoint (which restores that generator)
        // visits the samples in the uninterrupted run's order.
        let loader = { [privacy] in DataLoader(dataset, batchSize: batchSize, shuffle: shuffle, poissonSampling: privacy != nil) }
        return train(epochs: epochs, initialEpoch: initialEpoch, layout: DataLoader(dataset, batchSize: batchSize), loader: loader,
                     validationData: validationLoader, callbacks: callbacks, verbose: verbose, feed: nil, validationFeed: nil)
    }

    /// How many of `samples` train under `validationSplit`: Keras' `floor(n · (1 − split))`
    /// computed in double precision on the decimal the user wrote (the Float's
    /// shortest decimal form recovers it: 0.3, not 0.30000001192...), so 100
    /// samples at 0.3 give 70, as in Keras.
    static func trainingSamples(of samples: Int, validationSplit: Float) -> Int {
        let split = Double(String(validationSplit)) ?? Double(validationSplit)
        return Int((Double(samples) * (1 - split)).rounded(.down))
    }

    /// Loss and metrics over `x` and `y` in inference mode.
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples, ...]`.
    ///   - y: targets, `[samples, ...]`.
    ///   - batchSize: samples per forward pass (32 by default).
    ///   - verbose: 1 or more prints the results on one line; 0 (the default) is silent.
    ///   - callbacks: receive the test hooks (begin, per batch, end).
    /// - Returns: "loss" and each compiled metric's name.
    @discardableResult
    public func evaluate(x: Tensor, y: Tensor, batchSize: Int = 32, verbose: Int = 0,
                         callbacks: [any Callback] = []) -> Logs {
        requireMatchingSamples(x, y, op: "evaluate")
        require(batchSize > 0, "evaluate: batchSize must be positive, got \(batchSize)")
        let device = executionDevice
        let loader = DataLoader(TensorDataset(x: x.to(device), y: y.to(device)), batchSize: batchSize)
        return evaluate(loader, verbose: verbose, callbacks: callbacks)
    }

    /// Outputs for `x` in inference mode, computed in batches without recording
    /// gradients. Safe to call from several threads at once on a built model.
    ///
    /// - Shapes: `[samples, ...] → [samples, ...output]`.
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples, ...]`, on any device.
    ///   - batchSize: samples per forward pass (default 32); must be positive.
    ///   - callbacks: receive the predict hooks (begin, per batch, end) (default none).
    /// - Returns: the outputs, `[samples, ...output]`, on `x`'s device.
    public func predict(_ x: Tensor, batchSize: Int = 32, callbacks: [any Callback] = []) -> Tensor {
        require(batchSize > 0, "predict: batchSize must be positive, got \(batchSize)")
        require(x.rank >= 1, "predict: inputs need a batch dimension, got a scalar")
        let (sourceDevice, device) = (x.device, executionDevice)
        let x = x.to(device)
        let list = CallbackList(callbacks)
        list.setModel(self)
        list.predictBegin()
        defer { list.predictEnd() }
        return withExecutionContext(on: executionDevice) { withoutGradient {
            let samples = x.shape[0]
            if samples <= batchSize {
                list.predictBatchBegin(0)
                defer { list.predictBatchEnd(0) }
                return self(x, training: false).to(sourceDevice)
            }
            var outputs: [Tensor] = []
            var start = 0
            var batch = 0
            while start < samples {
                let count = Swift.min(batchSize, samples - start)
                list.predictBatchBegin(batch)
                outputs.append(self(x.narrowed(axis: 0, start: start, length: count), training: false))
                list.predictBatchEnd(batch)
                start += count
                batch += 1
            }
            return Tensor.concatenate(outputs, axis: 0).to(sourceDevice)
        } }
    }

    /// Where this model computes: the device of its weights, or, before they are
    /// built, ``/SynapseCore/Device/current`` (where they will be built). `fit`, `evaluate` and
    /// `predict` move their data there (`predict` returns its result on the input's device).
    public var executionDevice: Device {
        firstParameter?.value.device ?? .current
    }

    private func requireMatchingSamples(_ x: Tensor, _ y: Tensor, op: String) {
        require(x.rank >= 1 && y.rank >= 1 && x.shape[0] == y.shape[0],
                "\(op): inputs of shape \(Shape.describe(x.shape)) and targets of shape \(Shape.describe(y.shape)) must have the same number of samples")
    }
}

extension ProgressBar {
    /// Whether standard output is a terminal.
    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

#if canImport(Glibc)
import Glibc
#endif
