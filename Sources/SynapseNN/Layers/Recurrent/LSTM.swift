/// Long short-term memory layer (Hochreiter & Schmidhuber 1997), with Keras'
/// arguments, defaults and weight layout.
///
/// `i, f, o = σ(x·Wᵢ,f,o + h·Rᵢ,f,o + b)`, `g = tanh(x·W_c + h·R_c + b_c)`,
/// `c = f⊙c₋ + i⊙g`, `h = o⊙tanh(c)`.
///
/// The initializer takes Keras' argument names and defaults.
///
/// - Shapes: `[batch, time, features] → [batch, units]`, or `[batch, time, units]`
///   with `returnSequences`.
/// - Weights (Keras layout, gates `i, f, c, o`): `kernel` `[features, 4·units]`,
///   `recurrent_kernel` `[units, 4·units]`, `bias` `[4·units]`. PyTorch's `nn.LSTM`
///   stores `weight_ih_l0 = kernelᵀ` and `weight_hh_l0 = recurrent_kernelᵀ` in the same
///   gate order `i, f, g, o`, and two biases that add up to `bias`.
///
/// ```swift
/// let model = Sequential {
///     Embedding(inputDim: 10_000, outputDim: 64, maskZero: true)
///     LSTM(64, returnSequences: true)
///     LSTM(64)
///     Dense(46, activation: .softmax)
/// }
/// ```
public final class LSTM: RecurrentLayer {
    /// Whether the forget gate's bias starts at 1 (Keras' `unit_forget_bias`).
    public let unitForgetBias: Bool

    /// Creates an LSTM layer; the weights are created at the first call.
    ///
    /// - Parameters:
    ///   - units: the size of the hidden state `h` and of the cell state `c` (positive).
    ///   - activation: the candidate's activation and the cell output's (default `.tanh`); one of `.tanh`,
    ///     `.sigmoid`, `.relu`, `.linear`.
    ///   - recurrentActivation: the gates' activation (default `.sigmoid`); one of `.tanh`,
    ///     `.sigmoid`, `.relu`, `.linear`.
    ///   - useBias: whether the layer adds a bias (default `true`).
    ///   - unitForgetBias: start the forget gate's bias at 1, Keras' `unit_forget_bias` (default `true`; only with `useBias`).
    ///   - returnSequences: return every step's output `[batch, time, units]` (default `false`: the last, `[batch, units]`).
    ///   - returnState: callers of ``RecurrentLayer/callAsFunction(_:initialState:mask:training:)`` want the final states (kept for the config; default `false`).
    ///   - goBackwards: process the sequence from its last step (default `false`).
    ///   - dropout: fraction of input features dropped in training, in `[0, 1)` (default 0).
    ///   - recurrentDropout: fraction of the state dropped before the recurrent product in training, in `[0, 1)` (default 0).
    ///   - kernelInitializer: draws `kernel` (default Glorot uniform).
    ///   - recurrentInitializer: draws `recurrent_kernel` (default orthogonal).
    ///   - biasInitializer: draws `bias` (default zeros).
    ///   - name: the layer's name (default: unique `lstm`, `lstm_1`, …).
    public init(_ units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                useBias: Bool = true, unitForgetBias: Bool = true, returnSequences: Bool = false, returnState: Bool = false,
                goBackwards: Bool = false, dropout: Float = 0, recurrentDropout: Float = 0,
                kernelInitializer: any Initializer = .glorotUniform(), recurrentInitializer: any Initializer = .orthogonal(),
                biasInitializer: any Initializer = .zeros, name: String? = nil) {
        self.unitForgetBias = unitForgetBias
        super.init(cell: .lstm, units: units, activation: activation, recurrentActivation: recurrentActivation,
                   useBias: useBias, returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                   dropout: dropout, recurrentDropout: recurrentDropout, kernelInitializer: kernelInitializer,
                   recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer, name: name)
    }

    override func initialBias() -> Tensor {
        guard unitForgetBias else { return super.initialBias() }
        return Tensor.concatenate([biasInitializer([units]), Tensor.ones([units], device: .current), biasInitializer([2 * units])], axis: 0)
    }
}
