/// The fused recurrent sequence op: a whole SimpleRNN, LSTM or GRU time loop as one
/// autograd node with a hand-written backward (backpropagation through time).
///
/// Recording one node per gate and step would put thousands of tiny nodes on the
/// tape of every batch; this op records one. Its backward runs the time loop in
/// reverse in the backend, then forms the recurrent kernel and bias gradients with
/// one GEMM and one column sum over all steps.
extension Tensor {
    /// The result of ``recurrentSequence(_:projected:recurrentKernel:recurrentBias:initialStates:mask:recurrentDropoutMask:activation:recurrentActivation:goBackwards:)``.
    public struct RecurrentSequence {
        /// `[batch, time, units]`: the hidden state after each step, in processing
        /// order (reversed input order when `goBackwards`). A masked step repeats the
        /// state it kept.
        public var outputs: Tensor
        /// The final states `[batch, units]`: `h` (and `c` for the LSTM).
        public var states: [Tensor]
    }

    /// Runs a recurrent cell over a sequence whose input projection is already done.
    ///
    /// - Parameters:
    ///   - cell: the cell (gate layouts are Keras').
    ///   - projected: `x·W + b`, `[batch, time, gates·units]` (one GEMM over all steps).
    ///   - recurrentKernel: `[units, gates·units]`.
    ///   - recurrentBias: the GRU's recurrent bias `[3·units]` (Keras' `bias[1]`); `nil` otherwise.
    ///   - initialStates: `[batch, units]` each (`h`, and `c` for the LSTM); zeros when empty.
    ///   - mask: bool `[batch, time]`; at a `false` step the state is kept unchanged.
    ///   - recurrentDropoutMask: `[batch, units]` multiplying `h` before the recurrent
    ///     product (already scaled by `1/(1−rate)`), the same at every step.
    ///   - activation: the activation of the state candidate: the SimpleRNN's output,
    ///     the LSTM's `g` block and cell output `act(c)`, the GRU's `h̃`; default `.tanh`.
    ///   - recurrentActivation: the activation of the gates (the LSTM's `i, f, o`, the
    ///     GRU's `z, r`); default `.sigmoid`. The SimpleRNN has no gates.
    ///   - goBackwards: process the last step first.
    /// - Returns: the per-step outputs and the final states; every input that
    ///   requires a gradient gets one.
    public static func recurrentSequence(_ cell: RecurrentCell, projected: Tensor, recurrentKernel: Tensor,
                                         recurrentBias: Tensor? = nil, initialStates: [Tensor] = [], mask: Tensor? = nil,
                                         recurrentDropoutMask: Tensor? = nil,
                                         activation: RecurrentActivation = .tanh,
                                         recurrentActivation: RecurrentActivation = .sigmoid,
                                         goBackwards: Bool = false) -> RecurrentSequence {
        projected.requireDType(.float32, "recurrentSequence")
        require(projected.rank == 3, "recurrentSequence: expected a projection [batch, time, gates·units], got \(Shape.describe(projected.shape))")
        let (batch, time, width) = (projected.shape[0], projected.shape[1], projected.shape[2])
        require(recurrentKernel.rank == 2 && recurrentKernel.shape[1] == width && recurrentKernel.shape[1] == cell.gateCount * recurrentKernel.shape[0],
                "recurrentSequence: recurrent kernel \(Shape.describe(recurrentKernel.shape)) does not fit a \(cell) projection \(Shape.describe(projected.shape))")
        require(time > 0, "recurrentSequence: the sequence has no steps (shape \(Shape.describe(projected.shape)))")
        let units = recurrentKernel.shape[0]
        let geometry = RecurrentGeometry(cell: cell, batch: batch, time: time, units: units, activation: activation,
                                         recurrentActivation: recurrentActivation, goBackwards: goBackwards)
        if let recurrentBias {
            require(cell == .gru && recurrentBias.shape == [width],
                    "recurrentSequence: a recurrent bias \(Shape.describe(recurrentBias.shape)) is only for the GRU, of shape [\(width)]")
        }
        var states = initialStates
        if states.isEmpty { states = (0..<cell.stateCount).map { _ in projected.zeros([batch, units]) } }
        require(states.count == cell.stateCount && states.allSatisfy { $0.shape == [batch, units] && $0.dtype == .float32 },
                "recurrentSequence: a \(cell) needs \(cell.stateCount) float32 initial state(s) of shape [\(batch), \(units)], got \(states.map { Shape.describe($0.shape) })")
        if let mask {
            require(mask.dtype == .bool && mask.shape == [batch, time],
                    "recurrentSequence: the mask must be bool [\(batch), \(time)], got \(mask.dtype) \(Shape.describe(mask.shape))")
        }
        if let recurrentDropoutMask {
            require(recurrentDropoutMask.shape == [batch, units],
                    "recurrentSequence: the recurrent dropout mask must be [\(batch), \(units)], got \(Shape.describe(recurrentDropoutMask.shape))")
        }
        let backend = projected.backend
        let kernel = recurrentKernel.storage
        let (storage, saved) = backend.recurrentForward(geometry, projected: projected.storage, recurrentKernel: kernel,
                                                        recurrentBias: recurrentBias?.storage, initialStates: states.map(\.storage),
                                                        mask: mask?.storage, recurrentMask: recurrentDropoutMask?.storage)
        let stateCount = cell.stateCount
        var packed = Tensor(storage: storage, shape: [batch, time + stateCount, units], dtype: .float32)
        var inputs = [projected, recurrentKernel] + states
        if let recurrentBias { inputs.append(recurrentBias) }
        let (maskStorage, dropStorage) = (mask?.storage, recurrentDropoutMask?.storage)
        let hasBias = recurrentBias != nil
        packed = Tensor.record(packed, op: "recurrentSequence(\(cell))", inputs: inputs) { gradient in
            // The time loop's backward is one fused kernel with no recorded form yet.
            require(!GradientMode.recording,
                    "recurrentSequence: gradients of gradients through a \(cell) are not supported (its backward pass is a fused kernel); use createGraph only on models without recurrent layers")
            let upstream = gradient.storage
            let result = backend.recurrentBackward(geometry, saved: saved, recurrentKernel: kernel, mask: maskStorage,
                                                   recurrentMask: dropStorage, upstream: upstream)
            let dProjected = Tensor(storage: result.projected, shape: [batch, time, width], dtype: .float32)
            let dRecurrentSide = result.recurrent.map { Tensor(storage: $0, shape: [batch * time, width], dtype: .float32) }
                ?? dProjected.reshaped(to: [batch * time, width])
            let hidden = Tensor(storage: saved.droppedHidden ?? saved.previousHidden, shape: [batch * time, units], dtype: .float32)
            let dKernel = hidden.matmul(dRecurrentSide, transposeA: true)
            var gradients: [Tensor?] = [dProjected, dKernel]
            gradients += result.initialStates.map { Tensor(storage: $0, shape: [batch, units], dtype: .float32) }
            if hasBias { gradients.append(dRecurrentSide.sum(alongAxis: 0)) }
            return gradients
        }
        let outputs = packed.narrowed(axis: 1, start: 0, length: time)
        let finalStates = (0..<stateCount).map { packed.narrowed(axis: 1, start: time + $0, length: 1).squeezed(axis: 1) }
        return RecurrentSequence(outputs: outputs, states: finalStates)
    }
}
