/// Gated recurrent unit layer (Cho et al. 2014), with Keras' arguments, defaults
/// and weight layout (`reset_after=True`, the Keras 2/3 default and what PyTorch's
/// `nn.GRU` computes).
///
/// `z, r = σ(x·W_z,r + b_z,r + h·R_z,r + b'_z,r)`,
/// `h̃ = tanh(x·W_h + b_h + r⊙(h·R_h + b'_h))`, `h = z⊙h₋ + (1−z)⊙h̃`.
///
/// - Parameters: as ``LSTM`` (without `unitForgetBias`); `resetAfter` must be `true`
///   (the reset-before variant of Keras 1 is not implemented).
/// - Weights (Keras layout, gates `z, r, h`): `kernel` `[features, 3·units]`,
///   `recurrent_kernel` `[units, 3·units]`, `bias` `[2, 3·units]` (row 0 the input
///   bias, row 1 the recurrent bias). PyTorch's `nn.GRU` orders its gates `r, z, n`
///   and stores transposed weights; `bias_ih_l0`/`bias_hh_l0` are the two rows.
///
/// ```swift
/// let layer = GRU(32, returnSequences: true)
/// let y = layer(Tensor.randomNormal([8, 20, 16]))   // [8, 20, 32]
/// ```
public final class GRU: RecurrentLayer {
    /// Applies the reset gate after the recurrent product (always `true`).
    public let resetAfter: Bool

    public init(_ units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                useBias: Bool = true, returnSequences: Bool = false, returnState: Bool = false,
                goBackwards: Bool = false, dropout: Float = 0, recurrentDropout: Float = 0, resetAfter: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), recurrentInitializer: any Initializer = .orthogonal(),
                biasInitializer: any Initializer = .zeros, name: String? = nil) {
        require(resetAfter, "GRU: only resetAfter: true (the Keras 2/3 default) is implemented")
        self.resetAfter = resetAfter
        super.init(cell: .gru, units: units, activation: activation, recurrentActivation: recurrentActivation,
                   useBias: useBias, returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                   dropout: dropout, recurrentDropout: recurrentDropout, kernelInitializer: kernelInitializer,
                   recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer, name: name)
    }

    override var biasShape: [Int] { [2, 3 * units] }
    override func initialBias() -> Tensor { biasInitializer([2, 3 * units]) }
}
