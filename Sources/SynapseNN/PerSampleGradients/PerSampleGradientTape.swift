/// Records, while it is active, every call of a layer that can compute per-sample
/// gradients: the layer, what it received and, after the backward pass, the gradient
/// of what it produced. This is what differentially private training (DP-SGD) needs
/// to clip every sample's gradient without running the samples one at a time (the
/// role of Opacus' forward and backward hooks).
///
/// Layers that support it call ``record(_:input:output:saved:)`` in their forward
/// pass with their pre-activation output; outside ``recording(_:)`` the call returns
/// the output untouched and costs one task-local read.
///
/// ```swift
/// let tape = PerSampleGradientTape()
/// let loss = tape.recording { lossFunction(y, model(x, training: true)) }
/// (loss * Float(batch)).backward()          // fills every call's outputGradient
/// for call in tape.calls { ... }
/// ```
public final class PerSampleGradientTape: @unchecked Sendable {
    /// One call of a layer during the recorded forward pass.
    public final class Call: @unchecked Sendable {
        /// The layer that was called.
        public let layer: Layer
        /// What the per-sample rule reads: the layer's input (as the layer used it,
        /// for example after dropout or reshaped to an image).
        public let input: Tensor
        /// Further tensors a rule needs (a recurrent layer's states), in the layer's own order.
        public private(set) var saved: [Tensor]
        /// The shape of the recorded output.
        public let outputShape: [Int]
        /// The gradient of the summed loss with respect to the recorded output; `nil`
        /// until a backward pass went through it (or when none reached it).
        public internal(set) var outputGradient: Tensor?

        init(layer: Layer, input: Tensor, saved: [Tensor], outputShape: [Int]) {
            self.layer = layer
            self.input = input
            self.saved = saved
            self.outputShape = outputShape
        }

        /// Adds tensors computed after the recorded output (a recurrent layer's states).
        func keep(_ tensors: [Tensor]) { saved += tensors.map { $0.detached() } }
    }

    @TaskLocal static var current: PerSampleGradientTape?

    /// The recorded calls, in the order of the forward pass.
    public private(set) var calls: [Call] = []

    /// An empty tape.
    public init() {}

    /// Runs `body` (a forward pass) with this tape recording.
    ///
    /// - Parameter body: the computation whose layer calls to record.
    /// - Returns: what `body` returns.
    public func recording<R>(_ body: () throws -> R) rethrows -> R {
        try Self.$current.withValue(self) { try body() }
    }

    /// Called by a layer's forward pass: when a tape is recording, notes the call and
    /// returns `output` with a hook that keeps its gradient; otherwise returns `output`.
    ///
    /// - Parameters:
    ///   - layer: the layer being called (it must conform to ``PerSampleGradientLayer``).
    ///   - input: what the layer's per-sample rule reads as input.
    ///   - output: the layer's output before its activation (the last result its
    ///     parameters enter linearly).
    ///   - saved: further tensors the rule needs (detached; no gradient flows to them).
    /// - Returns: `output`, with the same values.
    public static func record(_ layer: Layer, input: Tensor, output: Tensor, saved: [Tensor] = []) -> Tensor {
        recordCall(layer, input: input, output: output, saved: saved).output
    }

    /// ``record(_:input:output:saved:)`` that also returns the recorded call (`nil`
    /// when no tape is recording), for layers that keep more tensors after it.
    static func recordCall(_ layer: Layer, input: Tensor, output: Tensor,
                           saved: [Tensor] = []) -> (output: Tensor, call: Call?) {
        guard let tape = current else { return (output, nil) }
        let call = Call(layer: layer, input: input.detached(), saved: saved.map { $0.detached() }, outputShape: output.shape)
        tape.calls.append(call)
        let hooked = output.withGradientHook { gradient in
            call.outputGradient = call.outputGradient.map { $0 + gradient } ?? gradient
        }
        return (hooked, call)
    }
}
