/// Fully connected recurrent layer (Elman network), with Keras' arguments,
/// defaults and weight layout: `h = activation(x·W + h₋·R + b)`.
///
/// - Parameters: as ``LSTM`` (no gates: `recurrentActivation` is unused).
/// - Weights: `kernel` `[features, units]`, `recurrent_kernel` `[units, units]`,
///   `bias` `[units]` (PyTorch's `nn.RNN`: transposed weights, two biases summed).
///
/// ```swift
/// let layer = SimpleRNN(16, returnSequences: true)
/// let y = layer(Tensor.randomNormal([4, 10, 3]))   // [4, 10, 16]
/// ```
public final class SimpleRNN: RecurrentLayer {
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
