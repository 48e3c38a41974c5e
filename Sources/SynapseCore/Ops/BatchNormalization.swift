/// Training-mode batch normalization as one op: statistics in two passes, the
/// output in one, the backward in two (``Backend/batchNormalizationBackward(_:gradient:mean:inverseDeviation:gamma:rows:channels:)``),
/// where the same formula written with separate tensor ops takes about fifteen
/// passes over the activations and allocates as many of them.
extension Tensor {
    /// Normalizes each channel (the last axis) with this batch's own statistics,
    /// then scales and shifts: `y = γ·(x − μ)/√(σ² + ε) + β`, μ and σ² the mean and
    /// biased variance over every axis but the last (batch normalization in
    /// training, PyTorch's `F.batch_norm(training=True)`).
    ///
    /// Differentiable with respect to the input, `gamma` and `beta`, to any order: a
    /// first-order backward pass runs the fused kernel; a recorded one
    /// (`createGraph: true`) writes the same formula with differentiable ops.
    ///
    /// ```swift
    /// let (y, mean, variance) = x.batchNormalized(gamma: gamma, beta: beta, epsilon: 1e-3)
    /// ```
    ///
    /// - Parameters:
    ///   - gamma: `[channels]` scale, or `nil` for 1.
    ///   - beta: `[channels]` offset, or `nil` for 0.
    ///   - epsilon: added to the variance before the square root, positive.
    /// - Returns: the output (this tensor's shape), and the batch's mean and biased
    ///   variance `[channels]` (not attached to the graph: for moving averages).
    public func batchNormalized(gamma: Tensor?, beta: Tensor?, epsilon: Float)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        require(rank >= 2, "batchNormalized: expected an input of rank ≥ 2, got shape \(Shape.describe(shape))")
        requireDType(.float32, "batchNormalized")
        let channels = shape[rank - 1]
        for (name, parameter) in [("gamma", gamma), ("beta", beta)] {
            guard let parameter else { continue }
            require(parameter.shape == [channels],
                    "batchNormalized: \(name) of shape \(Shape.describe(parameter.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [\(channels)])")
            Tensor.requireSameDTypeAndDevice("batchNormalized", self, parameter)
        }
        require(epsilon > 0, "batchNormalized: epsilon must be positive, got \(epsilon)")
        let rows = scalarCount / Swift.max(channels, 1)
        let moments = backend.channelMoments(storage, rows: rows, channels: channels)
        let mean = Tensor(storage: moments.mean, shape: [channels], dtype: .float32)
        let variance = Tensor(storage: moments.variance, shape: [channels], dtype: .float32)
        let (scale, shift, inverseDeviation) = withoutGradient {
            let inverseDeviation = (variance + epsilon).rsqrt()
            let scale = gamma.map { $0 * inverseDeviation } ?? inverseDeviation
            let shift = beta.map { $0 - mean * scale } ?? -(mean * scale)
            return (scale, shift, inverseDeviation)
        }
        let storage = backend.channelAffine(self.storage, scale: scale.storage, shift: shift.storage, rows: rows,
                                            channels: channels)
        let result = Tensor(storage: storage, shape: shape, dtype: .float32)
        let inputs = [self] + [gamma, beta].compactMap { $0 }
        guard inputs.contains(where: { $0.node != nil }), GradientMode.recording else { return (result, mean, variance) }
        let x = self
        let output = Tensor.record(result, op: "batchNormalized", inputs: inputs) { gradient in
            let (input, gammaGradient, betaGradient): (Tensor, Tensor, Tensor)
            if GradientMode.recording {
                (input, gammaGradient, betaGradient) = Tensor.batchNormalizationGradients(
                    x, gradient, gamma: gamma, epsilon: epsilon)
            } else {
                let computed = x.backend.batchNormalizationBackward(
                    x.storage, gradient: gradient.storage, mean: mean.storage,
                    inverseDeviation: inverseDeviation.storage, gamma: gamma?.storage, rows: rows, channels: channels)
                input = Tensor(storage: computed.input, shape: x.shape, dtype: .float32)
                gammaGradient = Tensor(storage: computed.gamma, shape: [channels], dtype: .float32)
                betaGradient = Tensor(storage: computed.beta, shape: [channels], dtype: .float32)
            }
            return [input] + (gamma != nil ? [gammaGradient] : []) + (beta != nil ? [betaGradient] : [])
        }
        return (output, mean, variance)
    }

    /// The gradients of ``batchNormalized(gamma:beta:epsilon:)`` written with
    /// differentiable ops, the statistics recomputed from `x` inside the graph, for
    /// a recorded backward pass (second and higher derivatives).
    ///
    /// - Returns: the gradients of the input, `gamma` and `beta`.
    private static func batchNormalizationGradients(_ x: Tensor, _ gradient: Tensor, gamma: Tensor?,
                                                    epsilon: Float) -> (Tensor, Tensor, Tensor) {
        let axes = Array(0..<(x.rank - 1))
        let count = Float(x.scalarCount / Swift.max(x.shape[x.rank - 1], 1))
        let centered = x - x.mean(alongAxes: axes)
        let inverseDeviation = ((centered * centered).mean(alongAxes: axes) + epsilon).rsqrt()
        let normalized = centered * inverseDeviation
        let betaGradient = gradient.sum(alongAxes: axes)
        let gammaGradient = (gradient * normalized).sum(alongAxes: axes)
        let factor = gamma.map { $0 * inverseDeviation } ?? inverseDeviation
        let input = factor * (gradient - betaGradient / count - normalized * (gammaGradient / count))
        return (input, gammaGradient, betaGradient)
    }
}
