/// What the shared base of ``SimpleRNN``, ``LSTM`` and ``GRU`` does: Keras'
/// arguments, weights in Keras' layouts, and one fused op for the whole sequence.
///
/// The input projection of all steps is one GEMM (`[batch·time, in] · [in, gates·units]`);
/// the time loop, its gate arithmetic and backpropagation through time run inside
/// ``/SynapseCore/Tensor/recurrentSequence(_:projected:recurrentKernel:recurrentBias:initialStates:mask:recurrentDropoutMask:activation:recurrentActivation:goBackwards:)``,
/// which records one autograd node per layer call.
///
/// - Shapes: input `[batch, time, features]`; output `[batch, time, units]` with
///   `returnSequences`, else `[batch, units]` (the last output).
/// - Weights: `kernel` `[features, gates·units]`, `recurrent_kernel` `[units, gates·units]`,
///   `bias` `[gates·units]` (GRU: `[2, 3·units]`, input and recurrent bias).
/// - Masks: a step whose mask is `false` keeps the previous state and repeats the
///   previous output (Keras' behaviour with `zero_output_for_mask=False`).
public class RecurrentLayer: Layer {
    /// Size of the hidden state.
    public let units: Int
    /// Activation of the candidate (and of the LSTM's cell output); `.tanh` by default.
    public let activation: ActivationFunction
    /// Activation of the gates; `.sigmoid` by default (unused by ``SimpleRNN``).
    public let recurrentActivation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Return the output of every step (`[batch, time, units]`) instead of the last.
    public let returnSequences: Bool
    /// Whether ``callAsFunction(_:initialState:mask:training:)`` callers want the
    /// final states (kept for the config; the states are always returned there).
    public let returnState: Bool
    /// Process the sequence from the last step; outputs come in processing order.
    public let goBackwards: Bool
    /// Fraction of input features dropped in training (one mask per sequence).
    public let dropout: Float
    /// Fraction of the hidden state dropped before the recurrent product in training.
    public let recurrentDropout: Float
    /// Draws the initial kernel.
    public let kernelInitializer: any Initializer
    /// Draws the initial recurrent kernel.
    public let recurrentInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer

    /// `[features, gates·units]`.
    public internal(set) var kernel: Parameter!
    /// `[units, gates·units]`.
    public internal(set) var recurrentKernel: Parameter!
    /// `[gates·units]` (`[2, 3·units]` for the GRU), or `nil` without bias.
    public internal(set) var bias: Parameter?

    let cell: RecurrentCell
    private let coreActivation: RecurrentActivation
    private let coreRecurrentActivation: RecurrentActivation

    init(cell: RecurrentCell, units: Int, activation: ActivationFunction, recurrentActivation: ActivationFunction,
         useBias: Bool, returnSequences: Bool, returnState: Bool, goBackwards: Bool, dropout: Float,
         recurrentDropout: Float, kernelInitializer: any Initializer, recurrentInitializer: any Initializer,
         biasInitializer: any Initializer, name: String?) {
        let type = String(describing: Self.self)
        require(units > 0, "\(type): units must be positive, got \(units)")
        require(dropout >= 0 && dropout < 1, "\(type): dropout must be in [0, 1), got \(dropout)")
        require(recurrentDropout >= 0 && recurrentDropout < 1, "\(type): recurrentDropout must be in [0, 1), got \(recurrentDropout)")
        guard let core = Self.coreActivation(activation), let coreRecurrent = Self.coreActivation(recurrentActivation) else {
            fatalError("\(type): activations must be one of tanh, sigmoid, relu, linear; got \(activation) and \(recurrentActivation)")
        }
        (self.cell, self.units, self.activation, self.recurrentActivation) = (cell, units, activation, recurrentActivation)
        (self.useBias, self.returnSequences, self.returnState, self.goBackwards) = (useBias, returnSequences, returnState, goBackwards)
        (self.dropout, self.recurrentDropout) = (dropout, recurrentDropout)
        (self.kernelInitializer, self.recurrentInitializer, self.biasInitializer) = (kernelInitializer, recurrentInitializer, biasInitializer)
        (self.coreActivation, self.coreRecurrentActivation) = (core, coreRecurrent)
        super.init(name: name)
    }

    /// The fused kernels' form of a layer activation, or `nil` when they lack it.
    static func coreActivation(_ function: ActivationFunction) -> RecurrentActivation? {
        switch function {
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .relu: .relu
        case .linear: .linear
        default: nil
        }
    }

    /// The bias's initial value; the LSTM overrides it for `unitForgetBias`.
    func initialBias() -> Tensor { biasInitializer([cell.gateCount * units]) }

    /// Shape of the bias parameter.
    var biasShape: [Int] { [cell.gateCount * units] }

    public override func build(inputShape: [Int]) {
        guard inputShape.count == 2, let features = inputShape.last, features > 0 else {
            fatalError("\(name): expects inputs [batch, time, features], got per-sample shape \(Shape.describe(inputShape))")
        }
        let width = cell.gateCount * units
        kernel = Parameter(kernelInitializer([features, width]), name: "kernel")
        recurrentKernel = Parameter(recurrentInitializer([units, width]), name: "recurrent_kernel")
        if useBias { bias = Parameter(initialBias(), name: "bias") }
    }

    public override var ownParameters: [Parameter] { [kernel, recurrentKernel, bias].compactMap { $0 } }

    /// Whether differentially private training can compute this layer's per-sample
    /// gradients: the fused sequence op records what they need (`true`; ``GRU``
    /// overrides it).
    public var computesPerSampleGradients: Bool { true }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        run(input, initialState: [], mask: nil, training: training).output
    }

    public override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        run(input, initialState: [], mask: mask, training: training).output
    }

    /// With `returnSequences` the mask goes on (reversed along time with
    /// `goBackwards`, like the outputs); otherwise it is consumed.
    ///
    /// - Parameters:
    ///   - input: the layer's input, `[batch, time, features]`.
    ///   - output: its output.
    ///   - mask: the input's mask, bool `[batch, time]`, or `nil`.
    /// - Returns: `mask` (time-reversed with `goBackwards`) with `returnSequences`,
    ///   otherwise `nil`.
    public override func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? {
        guard returnSequences, let mask else { return nil }
        return goBackwards ? Self.reversedInTime(mask) : mask
    }

    /// Runs the layer from given initial states and returns the final states too
    /// (Keras' `initial_state` and `return_state`).
    ///
    /// - Parameters:
    ///   - input: `[batch, time, features]`.
    ///   - initialState: `[batch, units]` each: `[h]`, or `[h, c]` for the LSTM; zeros when empty.
    ///   - mask: bool `[batch, time]`, `false` at padded steps; `nil` (the default) for none.
    ///   - training: `true` applies `dropout` and `recurrentDropout`; `false` (the default) for inference.
    /// - Returns: the layer's usual output and the final states (`[h]`, or `[h, c]`).
    ///
    /// ```swift
    /// let encoder = LSTM(32, returnState: true)
    /// let (_, states) = encoder(source, initialState: [])
    /// let decoder = LSTM(32, returnSequences: true)
    /// let (y, _) = decoder(target, initialState: states)
    /// ```
    public func callAsFunction(_ input: Tensor, initialState: [Tensor], mask: Tensor? = nil,
                               training: Bool = false) -> (output: Tensor, states: [Tensor]) {
        buildIfNeeded(inputShape: Array(input.shape.dropFirst()))
        let result = run(input, initialState: initialState, mask: mask, training: training)
        if outputShape == nil { recordOutputShape(Array(result.output.shape.dropFirst())) }
        return result
    }

    func run(_ input: Tensor, initialState: [Tensor], mask: Tensor?, training: Bool) -> (output: Tensor, states: [Tensor]) {
        require(input.rank == 3 && input.shape[2] == kernel.shape[0],
                "\(name): expected inputs [batch, time, \(kernel.shape[0])], got \(Shape.describe(input.shape))")
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        let width = cell.gateCount * units
        var x = input.dtype == .float32 ? input : input.to(.float32)
        if training && dropout > 0 { x = x * Self.dropoutMask([batch, 1, features], rate: dropout, device: x.device) }
        let rows = x.reshaped(to: [batch * time, features])
        var projected = rows.matmul(kernel.value)
        var recurrentBias: Tensor?
        if let bias {
            if cell == .gru {
                projected = projected + bias.value.narrowed(axis: 0, start: 0, length: 1)
                recurrentBias = bias.value.narrowed(axis: 0, start: 1, length: 1).reshaped(to: [width])
            } else {
                projected = projected + bias.value
            }
        }
        let recorded = PerSampleGradientTape.recordCall(self, input: rows, output: projected)
        projected = recorded.output
        let recurrentMask = training && recurrentDropout > 0 ? Self.dropoutMask([batch, units], rate: recurrentDropout, device: x.device) : nil
        let sequence = Tensor.recurrentSequence(cell, projected: projected.reshaped(to: [batch, time, width]),
                                                recurrentKernel: recurrentKernel.value, recurrentBias: recurrentBias,
                                                initialStates: initialState, mask: mask.map { $0.dtype == .bool ? $0 : $0 .!= 0 },
                                                recurrentDropoutMask: recurrentMask, activation: coreActivation,
                                                recurrentActivation: coreRecurrentActivation, goBackwards: goBackwards)
        recorded.call?.keep(PerSampleRecurrentState(
            outputs: sequence.outputs, initialState: initialState.first ?? Tensor.zeros([batch, units], device: x.device),
            projected: projected, recurrentDropoutMask: recurrentMask).tensors)
        return (returnSequences ? sequence.outputs : sequence.states[0], sequence.states)
    }

    /// Inverted-dropout scale factors: `0` with probability `rate`, else `1/(1−rate)`.
    static func dropoutMask(_ shape: [Int], rate: Float, device: Device) -> Tensor {
        (Tensor.randomUniform(shape, device: device) .>= rate).to(.float32) * (1 / (1 - rate))
    }

    /// A bool `[batch, time]` mask with its time axis reversed.
    static func reversedInTime(_ tensor: Tensor) -> Tensor {
        reversedSteps(tensor.to(.float32)) .!= 0
    }
}
