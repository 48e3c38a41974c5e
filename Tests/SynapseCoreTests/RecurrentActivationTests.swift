import Testing
@testable import SynapseCore

/// The fused recurrent kernels under every activation and recurrent activation
/// Keras offers, not just tanh and sigmoid.
///
/// Two checks per pair: the fused sequence's outputs and its gradients with respect
/// to every input equal those of the same cell written step by step with ordinary
/// ops (whose own rules are finite-difference checked), which holds at kinks too;
/// and, for the smooth pairs, a direct finite-difference check of the fused op.
@Suite("Recurrent activations")
struct RecurrentActivationTests {
    typealias Fixture = RecurrentSequenceTests

    static let pairs: [(RecurrentActivation, RecurrentActivation)] = [
        (.relu, .sigmoid), (.linear, .sigmoid), (.hardSigmoid, .sigmoid), (.sigmoid, .sigmoid),
        (.tanh, .linear), (.tanh, .hardSigmoid), (.tanh, .tanh), (.tanh, .relu), (.linear, .linear),
    ]

    static func activate(_ kind: RecurrentActivation, _ x: Tensor) -> Tensor {
        switch kind {
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .relu: x.relu()
        case .linear: x
        case .hardSigmoid: (x / 6 + 0.5).clamped(min: 0, max: 1)
        }
    }

    /// The fused op: outputs and final states side by side.
    static func fused(_ cell: RecurrentCell, _ x: [Tensor], _ activation: RecurrentActivation,
                      _ recurrentActivation: RecurrentActivation) -> Tensor {
        let states = Array(x[2..<(2 + cell.stateCount)])
        let result = Tensor.recurrentSequence(cell, projected: x[0], recurrentKernel: x[1],
                                              recurrentBias: cell == .gru ? x.last : nil, initialStates: states,
                                              activation: activation, recurrentActivation: recurrentActivation)
        return Tensor.concatenate([result.outputs.reshaped(to: [Fixture.batch, -1])] + result.states, axis: 1)
    }

    /// The same cell, one step at a time, with ordinary differentiable ops.
    static func composed(_ cell: RecurrentCell, _ x: [Tensor], _ activation: RecurrentActivation,
                         _ recurrentActivation: RecurrentActivation) -> Tensor {
        var h = x[2]
        var c = cell == .lstm ? x[3] : h
        var outputs: [Tensor] = []
        for t in 0..<Fixture.time {
            let projected = x[0].narrowed(axis: 1, start: t, length: 1).squeezed(axis: 1)
            switch cell {
            case .simple:
                h = activate(activation, projected + h.matmul(x[1]))
            case .lstm:
                let gates = (projected + h.matmul(x[1])).split(count: 4, axis: 1)
                let (i, f) = (activate(recurrentActivation, gates[0]), activate(recurrentActivation, gates[1]))
                let (g, o) = (activate(activation, gates[2]), activate(recurrentActivation, gates[3]))
                c = f * c + i * g
                h = o * activate(activation, c)
            case .gru:
                let input = projected.split(count: 3, axis: 1)
                let recurrent = (h.matmul(x[1]) + x[3]).split(count: 3, axis: 1)
                let z = activate(recurrentActivation, input[0] + recurrent[0])
                let r = activate(recurrentActivation, input[1] + recurrent[1])
                let candidate = activate(activation, input[2] + r * recurrent[2])
                h = z * h + (1 - z) * candidate
            }
            outputs.append(h)
        }
        let states = cell == .lstm ? [h, c] : [h]
        return Tensor.concatenate([Tensor.stack(outputs, axis: 1).reshaped(to: [Fixture.batch, -1])] + states, axis: 1)
    }

    @Test("fused values and gradients equal the composed cell's for every activation pair",
          arguments: [RecurrentCell.simple, .lstm, .gru])
    func matchesComposition(cell: RecurrentCell) {
        let pairs = cell == .simple ? RecurrentActivation.allCases.map { ($0, RecurrentActivation.sigmoid) } : Self.pairs
        for (activation, recurrentActivation) in pairs {
            let inputs = Fixture.inputs(cell, seed: 21)
            let projection = GradientCheck.projection(shape: Self.fused(cell, inputs, activation, recurrentActivation).shape,
                                                      seed: 3)
            let (fusedValue, fusedGradients) = valueAndGradient(at: inputs) {
                (Self.fused(cell, $0, activation, recurrentActivation) * projection).sum()
            }
            let (composedValue, composedGradients) = valueAndGradient(at: inputs) {
                (Self.composed(cell, $0, activation, recurrentActivation) * projection).sum()
            }
            let label = "\(cell) \(activation)/\(recurrentActivation)"
            #expect(abs(fusedValue.item - composedValue.item) <= 1e-4 * max(1, abs(composedValue.item)), "\(label): value")
            for (index, (fused, composed)) in zip(fusedGradients, composedGradients).enumerated() {
                let scale = max(1, composed.abs().max().item)
                let difference = (fused - composed).abs().max().item
                #expect(difference <= 1e-4 * scale, "\(label): gradient of input \(index) differs by \(difference)")
            }
        }
    }

    /// Unbounded gates (linear) make the cell a polynomial of high degree in its
    /// inputs: at the fixture's scale its values reach 1e20 and float32 differences
    /// mean nothing, so the inputs are scaled down to keep every value near 1.
    @Test("smooth activation pairs match finite differences", arguments: [RecurrentCell.lstm, .gru])
    func finiteDifferences(cell: RecurrentCell) {
        for (activation, recurrentActivation) in [(RecurrentActivation.linear, RecurrentActivation.linear),
                                                  (.sigmoid, .tanh), (.tanh, .linear)] {
            let inputs = Fixture.inputs(cell, seed: 31).map { $0 * 0.4 }
            GradientCheck.expectGradientsMatch(at: inputs) {
                Self.fused(cell, $0, activation, recurrentActivation)
            }
        }
    }
}
