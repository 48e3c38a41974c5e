/// Normalizes each channel (the last axis) with batch statistics during training
/// and moving averages at inference (Keras' `BatchNormalization`).
///
/// - Parameters (Keras defaults): momentum 0.99 (moving = momentum·moving +
///   (1 − momentum)·batch; PyTorch's momentum is 1 minus this), epsilon 1e-3,
///   center (learn `beta`) and scale (learn `gamma`) true.
/// - Weights: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance`
///   (non-trainable), all `[channels]`.
/// - Shapes: output has the input's shape; statistics are taken over every axis
///   but the last.
public final class BatchNormalization: Layer {
    public let momentum: Float
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var movingMean: Parameter!
    public private(set) var movingVariance: Parameter!

    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, center: Bool = true, scale: Bool = true, name: String? = nil) {
        require(momentum >= 0 && momentum < 1, "BatchNormalization: momentum must be in [0, 1), got \(momentum)")
        require(epsilon > 0, "BatchNormalization: epsilon must be positive, got \(epsilon)")
        (self.momentum, self.epsilon, self.center, self.scale) = (momentum, epsilon, center, scale)
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
        let mean: Tensor
        let variance: Tensor
        if training {
            mean = input.mean(alongAxes: axes)
            variance = input.variance(alongAxes: axes)
            withoutGradient {
                movingMean.assign(movingMean.value * momentum + mean * (1 - momentum))
                movingVariance.assign(movingVariance.value * momentum + variance * (1 - momentum))
            }
        } else {
            mean = movingMean.value
            variance = movingVariance.value
        }
        var output = (input - mean) * (variance + epsilon).rsqrt()
        if let gamma { output = output * gamma.value }
        if let beta { output = output + beta.value }
        return output
    }
}

/// Normalizes each sample over its last axis, then scales and shifts
/// (Keras' `LayerNormalization`; epsilon 1e-3 as Keras, PyTorch uses 1e-5).
///
/// - Weights: `gamma`, `beta` `[features]`.
public final class LayerNormalization: Layer {
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?

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
