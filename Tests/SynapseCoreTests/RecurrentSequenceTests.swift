import Testing
@testable import SynapseCore

/// The fused recurrent sequence op: gradients by finite differences over several
/// steps for every cell, with masks, `goBackwards`, initial states, final states
/// and recurrent dropout; forward values against a step-by-step composition of
/// ordinary ops.
@Suite("Recurrent sequence op")
struct RecurrentSequenceTests {
    static let (batch, time, units, features) = (3, 5, 4, 3)

    static func random(_ shape: [Int], seed: UInt64, scale: Float = 0.5) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal(shape, generator: &generator) * scale
    }

    /// Inputs: projection, recurrent kernel, initial states (and the GRU's recurrent bias).
    static func inputs(_ cell: RecurrentCell, seed: UInt64 = 1) -> [Tensor] {
        let width = cell.gateCount * units
        var tensors = [random([batch, time, width], seed: seed, scale: 0.8),
                       random([units, width], seed: seed + 1),
                       random([batch, units], seed: seed + 2)]
        if cell == .lstm { tensors.append(random([batch, units], seed: seed + 3)) }
        if cell == .gru { tensors.append(random([width], seed: seed + 4)) }
        return tensors
    }

    /// Outputs and final states side by side, so one check covers every result.
    static func run(_ cell: RecurrentCell, _ x: [Tensor], mask: Tensor? = nil, dropout: Tensor? = nil,
                    goBackwards: Bool = false, activation: RecurrentActivation = .tanh) -> Tensor {
        let states = Array(x[2..<(2 + cell.stateCount)])
        let result = Tensor.recurrentSequence(cell, projected: x[0], recurrentKernel: x[1],
                                              recurrentBias: cell == .gru ? x.last : nil, initialStates: states,
                                              mask: mask, recurrentDropoutMask: dropout, activation: activation,
                                              goBackwards: goBackwards)
        return Tensor.concatenate([result.outputs.reshaped(to: [batch, -1])] + result.states, axis: 1)
    }

    static let mask = Tensor(bool: [true, true, false, true, false,
                                    false, false, true, true, true,
                                    true, true, true, true, true], shape: [batch, time])

    @Test("gradients match finite differences for every cell", arguments: [RecurrentCell.simple, .lstm, .gru])
    func gradients(cell: RecurrentCell) {
        GradientCheck.expectGradientsMatch(at: Self.inputs(cell)) { Self.run(cell, $0) }
    }

    @Test("gradients match with a mask and goBackwards", arguments: [RecurrentCell.simple, .lstm, .gru])
    func maskedBackwardGradients(cell: RecurrentCell) {
        GradientCheck.expectGradientsMatch(at: Self.inputs(cell, seed: 7)) {
            Self.run(cell, $0, mask: Self.mask, goBackwards: true)
        }
    }

    @Test("gradients match with recurrent dropout and other activations", arguments: [RecurrentCell.simple, .lstm, .gru])
    func dropoutGradients(cell: RecurrentCell) {
        let keep = Tensor([2, 0, 2, 2, 0, 2, 2, 2, 2, 2, 0, 2], shape: [Self.batch, Self.units])
        GradientCheck.expectGradientsMatch(at: Self.inputs(cell, seed: 11)) {
            Self.run(cell, $0, mask: Self.mask, dropout: keep, activation: .sigmoid)
        }
    }

    @Test("a masked step keeps the state and repeats the previous output")
    func maskedStepKeepsState() {
        let x = Self.inputs(.lstm)
        let result = Tensor.recurrentSequence(.lstm, projected: x[0], recurrentKernel: x[1], initialStates: [x[2], x[3]],
                                              mask: Self.mask)
        let outputs = result.outputs.scalars
        let u = Self.units
        // Sample 0: step 2 is masked, so its output equals step 1's.
        #expect(Array(outputs[(2 * u)..<(3 * u)]) == Array(outputs[u..<(2 * u)]))
        // Sample 1: steps 0 and 1 are masked, so they output the initial h.
        let sample1 = Self.time * u
        #expect(Array(outputs[sample1..<(sample1 + u)]) == Array(x[2].scalars[u..<(2 * u)]))
        // Sample 0's last step is masked: the final h is step 3's output.
        #expect(Array(result.states[0].scalars[0..<u]) == Array(outputs[(3 * u)..<(4 * u)]))
    }

    @Test("LSTM forward equals the cell written with ordinary ops")
    func lstmMatchesComposition() {
        let x = Self.inputs(.lstm, seed: 3)
        let result = Tensor.recurrentSequence(.lstm, projected: x[0], recurrentKernel: x[1], initialStates: [x[2], x[3]],
                                              goBackwards: true)
        var (h, c) = (x[2], x[3])
        var expected: [Tensor] = []
        for t in (0..<Self.time).reversed() {
            let gates = x[0].narrowed(axis: 1, start: t, length: 1).squeezed(axis: 1) + h.matmul(x[1])
            let parts = gates.split(count: 4, axis: 1)
            let (i, f, g, o) = (parts[0].sigmoid(), parts[1].sigmoid(), parts[2].tanh(), parts[3].sigmoid())
            c = f * c + i * g
            h = o * c.tanh()
            expected.append(h)
        }
        let reference = Tensor.stack(expected, axis: 1)
        let difference = (result.outputs - reference).abs().max().item
        #expect(difference < 1e-5)
        #expect((result.states[1] - c).abs().max().item < 1e-5)
    }

    @Test("GRU forward equals the cell written with ordinary ops")
    func gruMatchesComposition() {
        let x = Self.inputs(.gru, seed: 5)
        let result = Tensor.recurrentSequence(.gru, projected: x[0], recurrentKernel: x[1], recurrentBias: x[3],
                                              initialStates: [x[2]])
        var h = x[2]
        let u = Self.units
        for t in 0..<Self.time {
            let projected = x[0].narrowed(axis: 1, start: t, length: 1).squeezed(axis: 1).split(count: 3, axis: 1)
            let recurrent = (h.matmul(x[1]) + x[3]).split(count: 3, axis: 1)
            let z = (projected[0] + recurrent[0]).sigmoid()
            let r = (projected[1] + recurrent[1]).sigmoid()
            let candidate = (projected[2] + r * recurrent[2]).tanh()
            h = z * h + (1 - z) * candidate
        }
        #expect((result.states[0] - h).abs().max().item < 1e-5)
        #expect(result.outputs.shape == [Self.batch, Self.time, u])
    }

    @Test("a sequence records one autograd node, not one per step")
    func oneNode() {
        let x = Self.inputs(.lstm).map { $0.requiringGrad() }
        let result = Tensor.recurrentSequence(.lstm, projected: x[0], recurrentKernel: x[1], initialStates: [x[2], x[3]])
        let node = result.states[0].node
        // states[0] = squeeze(narrow(packed)): two small nodes above the fused one.
        let fused = node?.inputs.first??.inputs.first ?? nil
        #expect(fused?.op == "recurrentSequence(lstm)")
        #expect(fused?.inputs.count == 4)
    }
}
