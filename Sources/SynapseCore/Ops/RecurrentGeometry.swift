/// The recurrent cells the fused sequence op runs (Keras' layouts and gate orders).
public enum RecurrentCell: Sendable, Hashable {
    /// `h = activation(x·W + h·R + b)`; one gate block.
    case simple
    /// Gates `i, f, c, o` in this order (Keras; PyTorch orders them `i, f, g, o`,
    /// the same blocks): `c = f⊙c₋ + i⊙act(g)`, `h = o⊙act(c)`.
    case lstm
    /// Gates `z, r, h` in this order (Keras; PyTorch orders them `r, z, n`), reset
    /// gate applied after the recurrent product (Keras' `reset_after=True`, PyTorch's
    /// `nn.GRU`): `h̃ = act(x·W_h + b_h + r⊙(h·R_h + b'_h))`, `h = z⊙h₋ + (1−z)⊙h̃`.
    case gru

    /// Number of gate blocks of `units` columns in the kernels.
    public var gateCount: Int {
        switch self {
        case .simple: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// Number of state tensors: `h` (and `c` for the LSTM).
    public var stateCount: Int { self == .lstm ? 2 : 1 }
}

/// Elementwise activations the fused recurrent kernels support (Keras names).
public enum RecurrentActivation: String, Sendable, Hashable, CaseIterable {
    /// The hyperbolic tangent.
    case tanh
    /// The logistic function `1 / (1 + e⁻ˣ)`.
    case sigmoid
    /// `max(x, 0)`.
    case relu
    /// The identity.
    case linear
    /// Keras 3's `hard_sigmoid`: `clip(x/6 + 0.5, 0, 1)`.
    case hardSigmoid = "hard_sigmoid"
}

/// The sizes and options of one fused recurrent sequence.
public struct RecurrentGeometry: Sendable, Hashable {
    /// The cell type: SimpleRNN, LSTM or GRU.
    public var cell: RecurrentCell
    /// Sequences in the batch.
    public var batch: Int
    /// Steps in each sequence.
    public var time: Int
    /// Size of the hidden state (and of the LSTM's cell state).
    public var units: Int
    /// The activation of the state candidate (and of the LSTM's cell output).
    public var activation: RecurrentActivation
    /// The activation of the gates.
    public var recurrentActivation: RecurrentActivation
    /// Processes the sequence from its last step to its first (outputs are in
    /// processing order, as Keras' `go_backwards`).
    public var goBackwards: Bool

    /// Describes one fused recurrent sequence.
    ///
    /// - Parameters:
    ///   - cell: the cell type.
    ///   - batch: sequences in the batch.
    ///   - time: steps in each sequence.
    ///   - units: size of the hidden state.
    ///   - activation: the activation of the state candidate.
    ///   - recurrentActivation: the activation of the gates.
    ///   - goBackwards: process the sequence from its last step to its first.
    public init(cell: RecurrentCell, batch: Int, time: Int, units: Int, activation: RecurrentActivation,
                recurrentActivation: RecurrentActivation, goBackwards: Bool) {
        (self.cell, self.batch, self.time, self.units) = (cell, batch, time, units)
        (self.activation, self.recurrentActivation, self.goBackwards) = (activation, recurrentActivation, goBackwards)
    }

    /// Columns of the input and recurrent projections: `gateCount · units`.
    public var gateWidth: Int { cell.gateCount * units }
    /// Floats saved per sample and step for the backward pass.
    public var savedWidth: Int {
        switch cell {
        case .simple: units
        case .lstm, .gru: 4 * units
        }
    }
    /// The time index processed at step `step`.
    ///
    /// - Parameter step: the position in processing order, in `0..<time`.
    /// - Returns: `step`, or `time − 1 − step` when ``goBackwards``.
    @inline(__always) public func timeIndex(step: Int) -> Int { goBackwards ? time - 1 - step : step }
}

/// What the forward kernel keeps for the backward pass, all `[batch, time, ·]` with
/// the time axis in input order.
public final class RecurrentSavedState: @unchecked Sendable {
    /// Activated gates per step (`savedWidth` columns).
    public let gates: TensorStorage
    /// The hidden state entering each step, `[batch, time, units]`.
    public let previousHidden: TensorStorage
    /// The hidden state entering each step after recurrent dropout (when used).
    public let droppedHidden: TensorStorage?
    /// The LSTM cell state entering each step.
    public let previousCell: TensorStorage?
    /// `activation(c)` after each LSTM step.
    public let activatedCell: TensorStorage?

    /// Bundles the storage the forward kernel saved.
    ///
    /// - Parameters:
    ///   - gates: activated gates per step, `[batch, time, savedWidth]`.
    ///   - previousHidden: the hidden state entering each step, `[batch, time, units]`.
    ///   - droppedHidden: the same after recurrent dropout, or `nil` without it.
    ///   - previousCell: the LSTM cell state entering each step, or `nil` for other cells.
    ///   - activatedCell: `activation(c)` after each LSTM step, or `nil` for other cells.
    public init(gates: TensorStorage, previousHidden: TensorStorage, droppedHidden: TensorStorage?,
                previousCell: TensorStorage?, activatedCell: TensorStorage?) {
        (self.gates, self.previousHidden, self.droppedHidden) = (gates, previousHidden, droppedHidden)
        (self.previousCell, self.activatedCell) = (previousCell, activatedCell)
    }
}
