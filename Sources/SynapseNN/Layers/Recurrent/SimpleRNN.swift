/// Fully connected recurrent layer (Elman network), with Keras' arguments,
/// defaults and weight layout: `h = activation(x·W + h₋·R + b)`.
///
/// The initializer takes ``LSTM``'s arguments, without the gates'
/// `recurrentActivation` and `unitForgetBias`; shapes are as ``LSTM``'s.
///
/// - Weights: `kernel` `[features, units]`, `recurrent_kernel` `[units, units]`,
///   `bias` `[units]` (PyTorch's `nn.RNN`: transposed weights, two biases summed).
///
/// ```swift
/// let layer = SimpleRNN(16, returnSequences: true)
/// let y = layer(Tensor.randomNormal([4, 10, 3]))   // [4, 10, 16]
/// ```
public final class SimpleRNN: RecurrentLayer {
    /// Creates a simple recurrent layer; the weights are created at the first call.
    ///
    /// - Parameters:
    ///   - units: the size of the hidden state `h` (positive).
    ///   - activation: the candidate's activation (default `.tanh`); one of `.tanh`,
    ///     `.sigmoid`, `.relu`, `.linear`.
    ///   - useBias: whether the layer adds a bias (default `true`).
    ///   - returnSequences: return every step's output `[batch, time, units]` (default `false`: the last, `[batch, units]`).
    ///   - returnState: callers of ``RecurrentLayer/callAsFunction(_:initialState:mask:training:)`` want the final states (kept for the config; default `false`).
    ///   - goBackwards: process the sequence from its last step (default `false`).
    ///   - dropout: fraction of input features dropped in training, in `[0, 1)` (default 0).
    ///   - recurrentDropout: fraction of the state dropped before the recurrent product in training, in `[0, 1)` (default 0).
    ///   - kernelInitializer: draws `kernel` (default Glorot uniform).
    ///   - recurrentInitializer: draws `recurrent_kernel` (default orthogonal).
    ///   - biasInitializer: draws `bias` (default zeros).
    ///   - name: the layer's name (default: unique `simple_rnn`, `simple_rnn_1`, …).
    public init(_ units: Int, activation: ActivationFunction = .tanh, useBias: Bool = true,
                returnSequences: Bool = false, returnState: Bool = false, goBackwards: Bool = false,
                dropout: Float = 0, recurrentDropout: Float = 0,
                kernelInitializer: any Initializer = .glorotUniform(), recurrentInitializer: any Initializer = .orthogonal(),
                biasInitializer: any Initializer = .zeros, name: String? = nil) {
        super.init(cell: .simple, units: units, activation: activation, recurrentActivation: .sigmoid,
                   useBias: useBias, returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                   dropout: dropout, recurrentDropout: recurrentDropout, kernelInitializer: kernelInitializer,
                   recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer, name: name)
    }
}
