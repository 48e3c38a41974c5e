import SynapseDistributed

/// Normalizes each channel (the last axis) with batch statistics during training
/// and moving averages at inference (Keras' `BatchNormalization`).
///
/// The initializer takes Keras' defaults: momentum 0.99, epsilon 1e-3, and
/// both `beta` and `gamma` learned.
///
/// - Weights: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance`
///   (non-trainable), all `[channels]`.
/// - Shapes: output has the input's shape; statistics are taken over every axis
///   but the last.
public final class BatchNormalization: Layer {
    /// Decay of the moving statistics per training batch.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// Whether the layer learns an offset (`beta`).
    public let center: Bool
    /// Whether the layer learns a scale (`gamma`).
    public let scale: Bool
    /// Whether training statistics are computed over the batches of every rank of a
    /// data-parallel run, summed across processes (Keras' `synchronized`, PyTorch's
    /// `SyncBatchNorm`). `false` by default, as in Keras and PyTorch DDP: each rank
    /// normalises with its own batch's statistics, and the saved moving statistics
    /// are rank 0's. In one process both are the same.
    public let synchronized: Bool
    /// The learned scale, when ``scale`` (set when the layer is built).
    public private(set) var gamma: Parameter?
    /// The learned offset, when ``center`` (set when the layer is built).
    public private(set) var beta: Parameter?
    /// The running mean used at inference (not trained).
    public private(set) var movingMean: Parameter!
    /// The running variance used at inference (not trained).
    public private(set) var movingVariance: Parameter!

    /// Batch normalisation over the last axis.
    ///
    /// - Parameters:
    ///   - momentum: decay of the moving statistics, in `[0, 1)`: moving =
    ///     momentum·moving + (1 − momentum)·batch, so PyTorch's momentum is 1 minus
    ///     this (default 0.99, Keras').
    ///   - epsilon: added to the variance before the square root, positive (default 1e-3).
    ///   - center: learn an offset `beta` (default `true`).
    ///   - scale: learn a scale `gamma` (default `true`).
    ///   - synchronized: in data-parallel training, compute the batch statistics
    ///     over every rank's batch (default `false`; see ``synchronized``).
    ///   - name: the layer's name (default: unique within its model).
    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, center: Bool = true, scale: Bool = true,
                synchronized: Bool = false, name: String? = nil) {
        require(momentum >= 0 && momentum < 1, "BatchNormalization: momentum must be in [0, 1), got \(momentum)")
        require(epsilon > 0, "BatchNormalization: epsilon must be positive, got \(epsilon)")
        (self.momentum, self.epsilon, self.center, self.scale) = (momentum, epsilon, center, scale)
        self.synchronized = synchronized
        super.init(name: name)
    }

    public override func build(inputShape: [Int]) {
        guard let channels = inputShape.last else { fatalError("\(name): needs inputs of rank ≥ 2") }
        if scale { gamma = Parameter(.ones([channels]), name: "gamma") }
        if center { beta = Parameter(.zeros([channels]), name: "beta") }
        movingMean = Parameter(.zeros([channels]), name: "moving_mean", trainable: false)
        movingVariance = Parameter(.ones([channels]), name: "moving_variance", trainable: false)
    }

    public override var ownParameters: [Parameter] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let axes = Array(0..<(input.rank - 1))
        guard training else {
            // Inference: the moving statistics fold into one scale and one shift per channel.
            let inverseDeviation = (movingVariance.value + epsilon).rsqrt()
            let scale = gamma.map { $0.value * inverseDeviation } ?? inverseDeviation
            let shift = beta.map { $0.value - movingMean.value * scale } ?? -(movingMean.value * scale)
            return input * scale + shift
        }
        let output: Tensor
        let mean: Tensor
        let variance: Tensor
        if synchronized, let group = Distributed.group {
            (mean, variance) = Self.statistics(of: input, alongAxes: axes, over: group)
            var normalized = (input - mean) * (variance + epsilon).rsqrt()
            if let gamma { normalized = normalized * gamma.value }
            if let beta { normalized = normalized + beta.value }
            output = normalized
        } else {
            // One fused op: two passes for the statistics, one for the output, two backward.
            (output, mean, variance) = input.batchNormalized(gamma: gamma?.value, beta: beta?.value, epsilon: epsilon)
        }
        withoutGradient {
            movingMean.assign(movingMean.value * momentum + mean * (1 - momentum))
            movingVariance.assign(movingVariance.value * momentum + variance * (1 - momentum))
        }
        return output
    }

    /// The mean and (biased) variance per channel over the batches of every rank:
    /// the sums of `x` and `x²` and the count, summed across the ranks in one
    /// differentiable all-reduce, so the gradients flow to every rank's input.
    private static func statistics(of input: Tensor, alongAxes axes: [Int],
                                   over group: any Communicator) -> (mean: Tensor, variance: Tensor) {
        let channels = input.shape[input.rank - 1]
        let count = Tensor([Float(input.scalarCount / Swift.max(channels, 1))], device: input.device)
        let local = Tensor.concatenate([input.sum(alongAxes: axes), (input * input).sum(alongAxes: axes), count], axis: 0)
        let total = local.allReducedSum(over: group)
        let samples = total.narrowed(axis: 0, start: 2 * channels, length: 1)
        let mean = total.narrowed(axis: 0, start: 0, length: channels) / samples
        let variance = total.narrowed(axis: 0, start: channels, length: channels) / samples - mean * mean
        return (mean, variance.relu())
    }
}

/// Normalizes each sample over its last axis, then scales and shifts
/// (Keras' `LayerNormalization`; epsilon 1e-3 as Keras, PyTorch uses 1e-5).
///
/// - Weights: `gamma`, `beta` `[features]`.
public final class LayerNormalization: Layer {
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// Whether the layer learns an offset (`beta`).
    public let center: Bool
    /// Whether the layer learns a scale (`gamma`).
    public let scale: Bool
    /// The learned scale, when ``scale`` (set when the layer is built).
    public private(set) var gamma: Parameter?
    /// The learned offset, when ``center`` (set when the layer is built).
    public private(set) var beta: Parameter?

    /// Layer normalisation over the last axis, per sample.
    ///
    /// - Parameters:
    ///   - epsilon: added to the variance, positive (default 1e-3).
    ///   - center: learn an offset `beta` (default `true`).
    ///   - scale: learn a scale `gamma` (default `true`).
    ///   - name: the layer's name.
    public init(epsilon: Float = 1e-3, center: Bool = true, scale: Bool = true, name: String? = nil) {
        require(epsilon > 0, "LayerNormalization: epsilon must be positive, got \(epsilon)")
        (self.epsilon, self.center, self.scale) = (epsilon, center, scale)
        super.init(name: name)
    }

    public override func build(inputShape: [Int]) {
        guard let features = inputShape.last else { fatalError("\(name): needs inputs of rank ≥ 2") }
        if scale { gamma = Parameter(.ones([features]), name: "gamma") }
        if center { beta = Parameter(.zeros([features]), name: "beta") }
    }

    public override var ownParameters: [Parameter] { [gamma, beta].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let mean = input.mean(alongAxis: -1, keepDims: true)
        let variance = input.variance(alongAxes: [-1], keepDims: true)
        let normalized = (input - mean) * (variance + epsilon).rsqrt()
        var output = normalized
        if let gamma { output = output * gamma.value }
        if let beta { output = output + beta.value }
        return PerSampleGradientTape.record(self, input: normalized, output: output)
    }
}
