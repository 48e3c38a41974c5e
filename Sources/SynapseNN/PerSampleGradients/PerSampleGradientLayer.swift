/// A layer that computes the gradients of its parameters for every sample of a batch
/// separately, from what a ``PerSampleGradientTape`` recorded — the layers
/// differentially private training supports: ``Dense``, ``Conv1D``, ``Conv2D``,
/// ``Embedding``, ``LayerNormalization``, ``SimpleRNN``, ``LSTM`` and ``GRU``.
///
/// A layer whose output mixes samples (``BatchNormalization``) cannot have one.
public protocol PerSampleGradientLayer: Layer {
    /// The per-sample gradients of this layer's trainable parameters from one recorded call.
    ///
    /// - Parameters:
    ///   - call: the recorded input, saved tensors and output gradient (the gradient of
    ///     the *sum* of the per-sample losses, so sample `i`'s rows hold exactly the
    ///     gradient of its own loss).
    ///   - batchSize: the number of samples; the call's rows come in groups of
    ///     `rows / batchSize` per sample (a layer inside ``TimeDistributed`` sees
    ///     `batch × time` rows).
    /// - Returns: the norms and weighted sums of the per-sample gradients.
    func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients

    /// Whether this layer, as configured, computes per-sample gradients (`true` unless
    /// a layer says otherwise: ``GRU`` with `resetAfter: false` does not).
    var computesPerSampleGradients: Bool { get }
}

extension PerSampleGradientLayer {
    /// `true`: the layer's configuration does not matter.
    public var computesPerSampleGradients: Bool { true }
}

/// The per-sample gradients of one layer call, in the form DP-SGD uses them: each
/// sample's squared norm, and sums of the samples' gradients weighted per sample
/// (by their clipping factors), so the `[batch, parameter...]` tensors are formed
/// only when they are cheaper than the alternative.
public struct PerSampleGradients {
    /// The trainable parameters the gradients are for, in the layer's order.
    public let parameters: [Parameter]
    /// `[batch]`: the squared L2 norm of each sample's gradient over all of ``parameters``.
    public let squaredNorms: Tensor
    private let weighted: (Tensor) -> [Tensor]
    private let materialized: () -> [Tensor]

    /// - Parameters:
    ///   - parameters: the trainable parameters covered.
    ///   - squaredNorms: `[batch]` squared norms over all of them.
    ///   - weightedSum: maps weights `[batch]` to `Σᵢ wᵢ gᵢ`, one tensor per parameter, of its shape.
    ///   - perSample: the gradients themselves, `[batch] + shape` per parameter.
    public init(parameters: [Parameter], squaredNorms: Tensor, weightedSum: @escaping (Tensor) -> [Tensor],
                perSample: @escaping () -> [Tensor]) {
        self.parameters = parameters
        self.squaredNorms = squaredNorms
        self.weighted = weightedSum
        self.materialized = perSample
    }

    /// `Σᵢ wᵢ gᵢ` for every parameter, of the parameter's shape.
    ///
    /// - Parameter weights: `[batch]`, one weight per sample (DP-SGD's clipping factors).
    /// - Returns: one tensor per entry of ``parameters``.
    public func weightedSum(_ weights: Tensor) -> [Tensor] { weighted(weights) }

    /// Each sample's gradient, `[batch] + shape` per parameter (memory: batch times
    /// the parameters' size). Used when a layer is called more than once in a step,
    /// where the calls' gradients add up per sample before their norm is taken.
    public func perSample() -> [Tensor] { materialized() }

    /// No parameters to cover (a frozen layer): zero norms, nothing to sum.
    ///
    /// - Parameters:
    ///   - batchSize: the number of samples.
    ///   - device: where the zero norms live.
    public static func none(batchSize: Int, device: Device) -> PerSampleGradients {
        PerSampleGradients(parameters: [], squaredNorms: Tensor.zeros([batchSize], device: device),
                           weightedSum: { _ in [] }, perSample: { [] })
    }

    /// The per-sample gradients of a layer called several times in one step (a
    /// shared layer): the calls' per-sample gradients are added before the norm.
    ///
    /// - Parameter calls: the gradients of each call, all for the same parameters.
    /// - Returns: their per-sample sum.
    public static func combining(_ calls: [PerSampleGradients]) -> PerSampleGradients {
        guard calls.count > 1 else { return calls[0] }
        let summed = calls.dropFirst().reduce(calls[0].perSample()) { total, call in
            zip(total, call.perSample()).map { $0 + $1 }
        }
        return fromPerSample(parameters: calls[0].parameters, summed)
    }

    /// The gradients of several parameter groups of one layer as one (a recurrent
    /// layer's input projection, recurrent product and bias): norms add up.
    ///
    /// - Parameter parts: gradients of disjoint parameter groups.
    /// - Returns: one value covering all their parameters, in order.
    public static func merging(_ parts: [PerSampleGradients]) -> PerSampleGradients {
        PerSampleGradients(
            parameters: parts.flatMap(\.parameters),
            squaredNorms: parts.dropFirst().reduce(parts[0].squaredNorms) { $0 + $1.squaredNorms },
            weightedSum: { weights in parts.flatMap { $0.weightedSum(weights) } },
            perSample: { parts.flatMap { $0.perSample() } })
    }

    /// Norms and weighted sums from per-sample gradients formed in full (small
    /// parameters: a bias, a normalisation's scale).
    ///
    /// - Parameters:
    ///   - parameters: the parameters, aligned with `perSample`.
    ///   - perSample: `[batch] + shape` per parameter.
    public static func fromPerSample(parameters: [Parameter], _ perSample: [Tensor]) -> PerSampleGradients {
        let squares = perSample.map { $0.square().reshaped(to: [$0.shape[0], -1]).sum(alongAxis: 1) }
        let norms = squares.dropFirst().reduce(squares[0], +)
        return PerSampleGradients(
            parameters: parameters, squaredNorms: norms,
            weightedSum: { weights in
                zip(parameters, perSample).map { parameter, gradients in
                    let column = weights.reshaped(to: [weights.shape[0]] + Array(repeating: 1, count: parameter.shape.count))
                    return (gradients * column).sum(alongAxis: 0)
                }
            },
            perSample: { perSample })
    }

    /// The gradients of an affine map applied to rows, `y = x · kernel + bias`, for a
    /// batch whose samples hold `rows` rows each — a dense layer, a convolution
    /// seen through its patches, a recurrent layer's input projection.
    ///
    /// A sample's kernel gradient is `xᵢᵀ gᵢ`. Its squared norm is taken without
    /// forming it (`⟨xᵢxᵢᵀ, gᵢgᵢᵀ⟩`, Li et al. 2022's ghost norm) when that is cheaper:
    /// with one row per sample it is `‖xᵢ‖²‖gᵢ‖²`.
    ///
    /// - Parameters:
    ///   - input: `[batch · rows, features]`.
    ///   - outputGradient: `[batch · rows, units]`.
    ///   - batchSize: the number of samples.
    ///   - kernel: `features × units` scalars, reshaped to its own shape; `nil` or frozen: left out.
    ///   - bias: `[units]`; `nil` or frozen: left out.
    /// - Returns: the gradients of the trainable ones among `kernel` and `bias`.
    public static func affineRows(input: Tensor, outputGradient: Tensor, batchSize: Int,
                                  kernel: Parameter?, bias: Parameter?) -> PerSampleGradients {
        let (features, units) = (input.shape[input.rank - 1], outputGradient.shape[outputGradient.rank - 1])
        let x = input.reshaped(to: [batchSize, -1, features])
        let g = outputGradient.reshaped(to: [batchSize, -1, units])
        let rows = x.shape[1]
        let kernel = kernel.flatMap { $0.isTrainable ? $0 : nil }
        let bias = bias.flatMap { $0.isTrainable ? $0 : nil }
        var norms = Tensor.zeros([batchSize], device: input.device)
        if kernel != nil {
            if rows == 1 {
                norms = norms + x.square().sum(alongAxes: [1, 2]) * g.square().sum(alongAxes: [1, 2])
            } else if rows * (features + units) < features * units {
                let inputGram = x.matmul(x, transposeB: true)
                let gradientGram = g.matmul(g, transposeB: true)
                norms = norms + (inputGram * gradientGram).sum(alongAxes: [1, 2])
            } else {
                norms = norms + x.matmul(g, transposeA: true).square().sum(alongAxes: [1, 2])
            }
        }
        let biasPerSample = bias != nil ? g.sum(alongAxis: 1) : nil
        if let biasPerSample { norms = norms + biasPerSample.square().sum(alongAxis: 1) }
        let parameters = [kernel, bias].compactMap { $0 }
        return PerSampleGradients(
            parameters: parameters, squaredNorms: norms,
            weightedSum: { weights in
                let scaled = g * weights.reshaped(to: [batchSize, 1, 1])
                var result: [Tensor] = []
                if let kernel {
                    result.append(x.reshaped(to: [-1, features]).matmul(scaled.reshaped(to: [-1, units]), transposeA: true)
                        .reshaped(to: kernel.shape))
                }
                if bias != nil { result.append(scaled.sum(alongAxes: [0, 1])) }
                return result
            },
            perSample: {
                var result: [Tensor] = []
                if let kernel { result.append(x.matmul(g, transposeA: true).reshaped(to: [batchSize] + kernel.shape)) }
                if let biasPerSample { result.append(biasPerSample) }
                return result
            })
    }
}
