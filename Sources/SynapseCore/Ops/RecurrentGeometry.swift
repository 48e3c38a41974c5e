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
    case tanh, sigmoid, relu, linear
    /// Keras 3's `hard_sigmoid`: `clip(x/6 + 0.5, 0, 1)`.
    case hardSigmoid = "hard_sigmoid"
}

/// The sizes and options of one fused recurrent sequence.
public struct RecurrentGeometry: Sendable, Hashable {
    public var cell: RecurrentCell
    public var batch: Int
    public var time: Int
    public var units: Int
    public var activation: RecurrentActivation
    public var recurrentActivation: RecurrentActivation
    /// Processes the sequence from its last step to its first (outputs are in
    /// processing order, as Keras' `go_backwards`).
    public var goBackwards: Bool

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

    public init(gates: TensorStorage, previousHidden: TensorStorage, droppedHidden: TensorStorage?,
                previousCell: TensorStorage?, activatedCell: TensorStorage?) {
        (self.gates, self.previousHidden, self.droppedHidden) = (gates, previousHidden, droppedHidden)
        (self.previousCell, self.activatedCell) = (previousCell, activatedCell)
    }
}
