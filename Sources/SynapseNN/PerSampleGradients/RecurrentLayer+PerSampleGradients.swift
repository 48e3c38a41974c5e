/// The tensors a recurrent layer keeps on a ``PerSampleGradientTape`` besides its
/// input: its per-sample rule needs each step's previous state.
struct PerSampleRecurrentState {
    /// `[batch, time, units]`, the state after each step in processing order.
    var outputs: Tensor
    /// `[batch, units]`, the state before the first step.
    var initialState: Tensor
    /// `[batch · time, gates · units]`, the input projection `x·W + b` (input order).
    var projected: Tensor
    /// `[batch, units]`, the recurrent dropout's factors, if any.
    var recurrentDropoutMask: Tensor?

    init(outputs: Tensor, initialState: Tensor, projected: Tensor, recurrentDropoutMask: Tensor?) {
        (self.outputs, self.initialState, self.projected, self.recurrentDropoutMask) = (outputs, initialState, projected, recurrentDropoutMask)
    }

    init(saved: [Tensor]) {
        require(saved.count >= 3, "per-sample gradients: a recurrent call was recorded without its states")
        self.init(outputs: saved[0], initialState: saved[1], projected: saved[2], recurrentDropoutMask: saved.count > 3 ? saved[3] : nil)
    }

    var tensors: [Tensor] { [outputs, initialState, projected] + (recurrentDropoutMask.map { [$0] } ?? []) }
}

extension RecurrentLayer: PerSampleGradientLayer {
    /// Per-sample gradients through time, from the recorded input projection's
    /// gradient `dP` (every step's gate pre-activations) and the states:
    /// `W`: `Σₜ xₜᵀ dPₜ`; recurrent kernel: `Σₜ hₜ₋₁ᵀ dZₜ`; bias: `Σₜ dPₜ`. `dZ` is
    /// `dP` for SimpleRNN and LSTM; the GRU's candidate block is scaled by its reset
    /// gate, recomputed from the states (one GEMM over all steps).
    ///
    /// - Parameters:
    ///   - call: the recorded input rows `[batch · time, features]`, the projection's
    ///     gradient and the states.
    ///   - batchSize: the number of samples.
    public func perSampleGradients(of call: PerSampleGradientTape.Call, batchSize: Int) -> PerSampleGradients {
        let state = PerSampleRecurrentState(saved: call.saved)
        let width = kernel.shape[1]
        let time = state.outputs.shape[1]
        let projectionGradient = call.requiredGradient.reshaped(to: [batchSize, time, width])
        var parts = [PerSampleGradients.affineRows(input: call.input, outputGradient: projectionGradient.reshaped(to: [-1, width]),
                                                   batchSize: batchSize, kernel: kernel, bias: cell == .gru ? nil : bias)]
        // The state each step starts from, in input order (the recorded gradients' order).
        var previous = Tensor.concatenate([state.initialState.unsqueezed(axis: 1),
                                           state.outputs.narrowed(axis: 1, start: 0, length: time - 1)], axis: 1)
        if let mask = state.recurrentDropoutMask { previous = previous * mask.unsqueezed(axis: 1) }
        if goBackwards { previous = Self.reversedSteps(previous) }
        var recurrentGradient = projectionGradient
        if cell == .gru {
            // h̃ = act(P_h + r ⊙ (h·R_h + b'_h)): the recurrent product's gradient is r ⊙ dP_h.
            var product = previous.matmul(recurrentKernel.value)
            if let bias { product = product + bias.value.narrowed(axis: 0, start: 1, length: 1).reshaped(to: [width]) }
            let projected = state.projected.reshaped(to: [batchSize, time, width])
            let reset = recurrentActivation(projected.narrowed(axis: 2, start: units, length: units)
                                            + product.narrowed(axis: 2, start: units, length: units))
            recurrentGradient = Tensor.concatenate([projectionGradient.narrowed(axis: 2, start: 0, length: 2 * units),
                                                    projectionGradient.narrowed(axis: 2, start: 2 * units, length: units) * reset],
                                                   axis: 2)
        }
        parts.append(.affineRows(input: previous.reshaped(to: [-1, units]), outputGradient: recurrentGradient.reshaped(to: [-1, width]),
                                 batchSize: batchSize, kernel: recurrentKernel, bias: nil))
        if cell == .gru, let bias, bias.isTrainable {
            let perSample = Tensor.stack([projectionGradient.sum(alongAxis: 1), recurrentGradient.sum(alongAxis: 1)], axis: 1)
            parts.append(.fromPerSample(parameters: [bias], [perSample]))
        }
        return .merging(parts)
    }

    /// `[batch, time, ...]` with its time axis reversed.
    static func reversedSteps(_ tensor: Tensor) -> Tensor {
        let time = tensor.shape[1]
        return tensor.gather(Tensor(int32: (0..<time).reversed().map { Int32($0) }).to(tensor.device), axis: 1)
    }
}
