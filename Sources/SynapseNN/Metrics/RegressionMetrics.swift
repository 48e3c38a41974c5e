/// Regression metrics: mean absolute error, mean squared error and its root.
///
/// As Keras, each sample's value is the mean over its last axis, and the metric is
/// the (weighted) mean of those over all samples seen. Targets `[N]` are one value
/// per sample (Keras would average a rank-1 batch into a single value; here each of
/// the `N` samples counts, so batches of different sizes are weighed correctly).
extension Metrics {
    /// The mean of `|yTrue − yPred|`, as Keras' `MeanAbsoluteError` ("mae").
    ///
    /// - Shapes: targets and predictions of the same shape, or differing by a
    ///   trailing size-1 dimension.
    public final class MeanAbsoluteError: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "mean_absolute_error" by default.
        public init(name: String = "mean_absolute_error") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            accumulateError(into: &state, yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight, metric: name) { $0.abs() }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// The mean of `(yTrue − yPred)²`, as Keras' `MeanSquaredError` ("mse").
    ///
    /// - Shapes: as ``MeanAbsoluteError``.
    public final class MeanSquaredError: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "mean_squared_error" by default.
        public init(name: String = "mean_squared_error") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            accumulateError(into: &state, yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight, metric: name) { $0.square() }
        }

        public func result() -> Float { state.mean }

        public func deferredResult() -> DeferredScalar { state.deferredMean }

        public func reset() { state.reset() }
    }

    /// The square root of the mean squared error over everything seen, as Keras'
    /// `RootMeanSquaredError` (the root of the accumulated mean, not a mean of
    /// per-batch roots).
    ///
    /// - Shapes: as ``MeanAbsoluteError``.
    public final class RootMeanSquaredError: Metric {
        public let name: String
        private var state = WeightedTotal()

        /// - Parameter name: "root_mean_squared_error" by default.
        public init(name: String = "root_mean_squared_error") {
            self.name = name
        }

        public func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?) {
            accumulateError(into: &state, yTrue: yTrue, yPred: yPred, sampleWeight: sampleWeight, metric: name) { $0.square() }
        }

        public func result() -> Float { deferredResult().value }

        public func deferredResult() -> DeferredScalar {
            let meanSquare = state.deferredMean
            return DeferredScalar { meanSquare.value.squareRoot() }
        }

        public func reset() { state.reset() }
    }
}

/// One value per sample: the mean over the last axis, or the values themselves for
/// rank ≤ 1 (one output per sample).
private func perSampleMean(_ values: Tensor) -> Tensor {
    values.rank >= 2 ? values.mean(alongAxis: -1) : values
}

/// Adds the per-sample mean of `error(yTrue − yPred)` to `state`: the shared
/// update of the regression metrics.
private func accumulateError(into state: inout WeightedTotal, yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?,
                             metric: String, _ error: (Tensor) -> Tensor) {
    requireFloatPredictions(yPred, metric: metric)
    withoutGradient {
        let (labels, predictions) = alignedForMetric(yTrue.to(.float32), yPred, metric: metric)
        state.add(perSampleMean(error(labels - predictions)), sampleWeight: sampleWeight, metric: metric)
    }
}
