/// `fit` and `evaluate` over a ``DataLoader`` (PyTorch's way of feeding data).
extension Model {
    /// Trains on the batches of `loader` for `epochs` epochs; the loader reshuffles
    /// every epoch from its seed and the epoch number.
    ///
    /// - Parameters:
    ///   - validationData: an optional loader evaluated after every epoch.
    ///   - Others as ``fit(x:y:epochs:batchSize:validationSplit:validationData:shuffle:callbacks:verbose:initialEpoch:)``.
    @discardableResult
    public func fit(_ loader: DataLoader, epochs: Int = 1, validationData: DataLoader? = nil,
                    callbacks: [any Callback] = [], verbose: Int = 1, initialEpoch: Int = 0) -> History {
        var epoch = initialEpoch
        let batches = { () -> AnySequence<(x: Tensor, y: Tensor)> in
            defer { epoch += 1 }
            // Batches move to the model's device as they are drawn.
            let device = self.executionDevice
            return AnySequence(loader.batches(epoch: epoch).lazy.map { ($0.x.to(device), $0.y.to(device)) })
        }
        let validate: (([any Callback]) -> Logs)? = validationData.map { data in { callbacks in self.evaluate(data, callbacks: callbacks) } }
        return runTraining(epochs: epochs, initialEpoch: initialEpoch, stepsPerEpoch: loader.batchCount,
                           batches: batches, validate: validate, callbacks: callbacks, verbose: verbose)
    }

    /// Loss and metrics over every batch of `loader`, in inference mode.
    ///
    /// - Parameter callbacks: receive the test hooks (begin, per batch, end).
    @discardableResult
    public func evaluate(_ loader: DataLoader, callbacks: [any Callback] = []) -> Logs {
        let list = CallbackList(callbacks)
        list.setModel(self)
        list.testBegin()
        metrics.forEach { $0.reset() }
        var lossSum = 0.0
        var samples = 0
        FloatingPointMode.withFlushedDenormals {
            for (index, batch) in loader.batches(epoch: 0).enumerated() {
                list.testBatchBegin(index)
                let device = executionDevice
                let logs = testStep(x: batch.x.to(device), y: batch.y.to(device))
                let count = batch.x.shape.first ?? 1
                lossSum += Double(logs["loss"] ?? .nan) * Double(count)
                samples += count
                list.testBatchEnd(index, logs)
            }
        }
        var result: Logs = ["loss": Float(lossSum / Double(Swift.max(samples, 1)))]
        for metric in metrics { result[metric.name] = metric.result() }
        list.testEnd(result)
        return result
    }
}
