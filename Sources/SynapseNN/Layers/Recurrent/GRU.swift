/// Gated recurrent unit layer (Cho et al. 2014), with Keras' arguments, defaults
/// and weight layout.
///
/// With `resetAfter: true` (the Keras 2/3 default, and what PyTorch's `nn.GRU` computes):
/// `z, r = σ(x·W_z,r + b_z,r + h·R_z,r + b'_z,r)`,
/// `h̃ = tanh(x·W_h + b_h + r⊙(h·R_h + b'_h))`, `h = z⊙h₋ + (1−z)⊙h̃`.
///
/// With `resetAfter: false` (Cho et al.'s original form, Keras 1's default) the reset
/// gate scales the state before the recurrent product and there is one bias:
/// `z, r = σ(x·W_z,r + b_z,r + h·R_z,r)`, `h̃ = tanh(x·W_h + b_h + (r⊙h)·R_h)`.
/// The fused sequence kernel computes the reset-after form only; the reset-before
/// form runs step by step from differentiable tensor ops (slower on long
/// sequences, and without per-sample gradients for differential privacy).
///
/// The initializer takes ``LSTM``'s arguments (without `unitForgetBias`), plus
/// `resetAfter` (default `true`); shapes are as ``LSTM``'s.
///
/// - Weights (Keras layout, gates `z, r, h`): `kernel` `[features, 3·units]`,
///   `recurrent_kernel` `[units, 3·units]`, `bias` `[2, 3·units]` (row 0 the input
///   bias, row 1 the recurrent bias), or `[3·units]` with `resetAfter: false`.
///   PyTorch's `nn.GRU` orders its gates `r, z, n` and stores transposed weights;
///   `bias_ih_l0`/`bias_hh_l0` are the two rows.
///
/// ```swift
/// let layer = GRU(32, returnSequences: true)
/// let y = layer(Tensor.randomNormal([8, 20, 16]))   // [8, 20, 32]
/// ```
public final class GRU: RecurrentLayer {
    /// Applies the reset gate after the recurrent product (`true`, the default) or to the
    /// state before it (`false`).
    public let resetAfter: Bool

    /// Creates a GRU layer; the weights are created at the first call.
    ///
    /// - Parameters:
    ///   - units: the size of the hidden state `h` (positive).
    ///   - activation: the candidate's activation (default `.tanh`); one of `.tanh`,
    ///     `.sigmoid`, `.relu`, `.linear`.
    ///   - recurrentActivation: the gates' activation (default `.sigmoid`); one of `.tanh`,
    ///     `.sigmoid`, `.relu`, `.linear`.
    ///   - useBias: whether the layer adds a bias (default `true`).
    ///   - returnSequences: return every step's output `[batch, time, units]` (default `false`: the last, `[batch, units]`).
    ///   - returnState: callers of ``RecurrentLayer/callAsFunction(_:initialState:mask:training:)`` want the final state (kept for the config; default `false`).
    ///   - goBackwards: process the sequence from its last step (default `false`).
    ///   - dropout: fraction of input features dropped in training, in `[0, 1)` (default 0).
    ///   - recurrentDropout: fraction of the state dropped before the recurrent products in training, in `[0, 1)` (default 0).
    ///   - resetAfter: apply the reset gate after the recurrent product (default `true`).
    ///   - kernelInitializer: draws `kernel` (default Glorot uniform).
    ///   - recurrentInitializer: draws `recurrent_kernel` (default orthogonal).
    ///   - biasInitializer: draws `bias` (default zeros).
    ///   - name: the layer's name (default: unique `gru`, `gru_1`, …).
    public init(_ units: Int, activation: ActivationFunction = .tanh, recurrentActivation: ActivationFunction = .sigmoid,
                useBias: Bool = true, returnSequences: Bool = false, returnState: Bool = false,
                goBackwards: Bool = false, dropout: Float = 0, recurrentDropout: Float = 0, resetAfter: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), recurrentInitializer: any Initializer = .orthogonal(),
                biasInitializer: any Initializer = .zeros, name: String? = nil) {
        self.resetAfter = resetAfter
        super.init(cell: .gru, units: units, activation: activation, recurrentActivation: recurrentActivation,
                   useBias: useBias, returnSequences: returnSequences, returnState: returnState, goBackwards: goBackwards,
                   dropout: dropout, recurrentDropout: recurrentDropout, kernelInitializer: kernelInitializer,
                   recurrentInitializer: recurrentInitializer, biasInitializer: biasInitializer, name: name)
    }

    /// `false` with `resetAfter: false`: that form runs step by step, outside the fused
    /// op whose records the per-sample rule reads.
    public override var computesPerSampleGradients: Bool { resetAfter }

    override var biasShape: [Int] { resetAfter ? [2, 3 * units] : [3 * units] }
    override func initialBias() -> Tensor { biasInitializer(biasShape) }

    override func run(_ input: Tensor, initialState: [Tensor], mask: Tensor?, training: Bool) -> (output: Tensor, states: [Tensor]) {
        resetAfter ? super.run(input, initialState: initialState, mask: mask, training: training)
            : runResetBefore(input, initialState: initialState, mask: mask, training: training)
    }

    /// The reset-before form, one step at a time from differentiable ops: the input
    /// projection of every step is still one product; each step then costs two
    /// recurrent products (`h·R_z,r` and `(r⊙h)·R_h`) and the gate arithmetic.
    private func runResetBefore(_ input: Tensor, initialState: [Tensor], mask: Tensor?,
                                training: Bool) -> (output: Tensor, states: [Tensor]) {
        require(input.rank == 3 && input.shape[2] == kernel.shape[0],
                "\(name): expected inputs [batch, time, \(kernel.shape[0])], got \(Shape.describe(input.shape))")
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        var x = input.dtype == .float32 ? input : input.to(.float32)
        if training && dropout > 0 { x = x * Self.dropoutMask([batch, 1, features], rate: dropout, device: x.device) }
        var projected = x.reshaped(to: [batch * time, features]).matmul(kernel.value)
        if let bias { projected = projected + bias.value }
        // Time-major, so each step's slice is one contiguous block.
        let steps = projected.reshaped(to: [batch, time, 3 * units]).transposed(0, 1)
        let gateKernel = recurrentKernel.value.narrowed(axis: 1, start: 0, length: 2 * units)
        let candidateKernel = recurrentKernel.value.narrowed(axis: 1, start: 2 * units, length: units)
        let keep = mask.map { ($0.dtype == .bool ? $0 : $0 .!= 0).transposed(0, 1) }
        let recurrentMask = training && recurrentDropout > 0
            ? Self.dropoutMask([batch, units], rate: recurrentDropout, device: x.device) : nil
        if let first = initialState.first {
            require(first.shape == [batch, units], "\(name): initial state must be [\(batch), \(units)], got \(Shape.describe(first.shape))")
        }
        var state = initialState.first ?? Tensor.zeros([batch, units], device: x.device)
        var outputs: [Tensor] = []
        outputs.reserveCapacity(time)
        for step in goBackwards ? Array((0..<time).reversed()) : Array(0..<time) {
            let stepInput = steps.narrowed(axis: 0, start: step, length: 1).reshaped(to: [batch, 3 * units])
            let previous = recurrentMask.map { state * $0 } ?? state
            let gates = recurrentActivation(stepInput.narrowed(axis: 1, start: 0, length: 2 * units)
                                            + previous.matmul(gateKernel))
            let update = gates.narrowed(axis: 1, start: 0, length: units)
            let reset = gates.narrowed(axis: 1, start: units, length: units)
            let candidate = activation(stepInput.narrowed(axis: 1, start: 2 * units, length: units)
                                       + (reset * previous).matmul(candidateKernel))
            let next = update * state + (1 - update) * candidate
            // A masked step keeps the state, and its output repeats the previous one.
            state = keep.map { Tensor.where($0.narrowed(axis: 0, start: step, length: 1).reshaped(to: [batch, 1]), next, state) } ?? next
            outputs.append(state)
        }
        return (returnSequences ? Tensor.stack(outputs, axis: 1) : state, [state])
    }
}
