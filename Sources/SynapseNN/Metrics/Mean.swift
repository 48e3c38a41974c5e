extension Metrics {
    /// The weighted running mean of scalars, as Keras' `keras.metrics.Mean`; the
    /// training loop tracks the loss with one (named "loss").
    ///
    /// `result()` is `Σ wᵢ·xᵢ / Σ wᵢ` over everything added since the last reset, or 0
    /// when nothing (or only zero weight) was added.
    ///
    /// ```swift
    /// let loss = Metrics.Mean(name: "loss")
    /// loss.update(0.5, weight: 32)   // a batch of 32 with mean loss 0.5
    /// loss.update(0.3, weight: 16)
    /// loss.result()                  // (0.5·32 + 0.3·16) / 48 ≈ 0.4333
    /// ```
    public final class Mean {
        /// The name shown in logs; "mean" by default.
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: the name shown in logs; "mean" by default.
        public init(name: String = "mean") {
            self.name = name
        }

        /// Adds one value with a weight (e.g. a batch's mean loss, weighted by its size).
        ///
        /// - Parameters:
        ///   - value: The value to add.
        ///   - weight: Its weight; default `1`.
        public func update(_ value: Float, weight: Float = 1) {
            state.add(Double(value), weight: Double(weight))
        }

        /// Adds every element of a float32 tensor, each weighted by `sampleWeight`
        /// (broadcast against `values`; `nil` weighs each element 1).
        ///
        /// Stops with a message when `values` is not float32.
        ///
        /// - Parameters:
        ///   - values: Float32, any shape, on any device.
        ///   - sampleWeight: Weights broadcast against `values`; default `nil` (each element weighs 1).
        public func update(_ values: Tensor, sampleWeight: Tensor? = nil) {
            requireFloatPredictions(values, metric: name)
            withoutGradient { state.add(values, sampleWeight: sampleWeight, metric: name) }
        }

        /// Adds every element of a float32 tensor with the same weight, on its device
        /// (e.g. a batch's mean loss, weighted by the batch's size).
        ///
        /// - Parameters:
        ///   - values: float32, any shape, on any device.
        ///   - weight: the weight of each element.
        public func update(_ values: Tensor, weight: Float) {
            requireFloatPredictions(values, metric: name)
            withoutGradient { state.add(values, weight: Double(weight)) }
        }

        /// The weighted mean so far; 0 before any update.
        public func result() -> Float { state.mean }

        /// The weighted mean as it stands now, read from the device only when asked.
        public func deferredResult() -> DeferredScalar { state.deferredMean }

        /// Forgets everything added so far.
        public func reset() { state.reset() }
    }

    /// A metric made from a function returning one value per sample, averaged over
    /// all samples seen (Keras' `MeanMetricWrapper`; how Keras turns a plain function
    /// passed in `metrics:` into a metric).
    ///
    /// ```swift
    /// let meanError = Metrics.MeanMetricWrapper(name: "mean_error") { yTrue, yPred in
    ///     (yPred - yTrue).mean(alongAxis: -1)
    /// }
    /// ```
    public final class MeanMetricWrapper: Metric {
        /// The name shown in logs.
        public let name: String
        /// Maps `(yTrue, yPred)` to float32 values, one per sample (any shape that
        /// sample weights broadcast against).
        public let function: (Tensor, Tensor) -> Tensor
        private var state = WeightedTotal()

        /// - Parameters:
        ///   - name: the name shown in logs.
        ///   - function: per-sample values from targets and predictions; it runs
        ///     without gradient recording.
        public init(name: String, _ function: @escaping (Tensor, Tensor) -> Tensor) {
            self.name = name
            self.function = function
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            withoutGradient {
                let values = function(yTrue, yPred)
                requireFloatPredictions(values, metric: name)
                state.add(values, sampleWeight: sampleWeight, metric: name)
            }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }
}
