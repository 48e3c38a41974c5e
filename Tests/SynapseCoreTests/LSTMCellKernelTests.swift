import CKernels
import Foundation
import Testing

/// The C LSTM cell the CPU time loop uses for sigmoid gates and a tanh cell, against
/// the formulas in double precision, on a width that is no multiple of any vector.
@Suite("LSTM cell kernel")
struct LSTMCellKernelTests {
    private static let units = 19

    private static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Pre-activations from −12 to 12 with saturating values (±100) mixed in.
    private static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { index in
            let wave = Foundation.sin(Double(index * 7 + seed) * 0.61)
            return index % 11 == 5 ? (index % 2 == 0 ? 100 : -100) : Float(12 * wave)
        }
    }

    @Test("forward: gates, new cell, tanh of the cell and h within 4e-6 (relative above 1) of the formulas")
    func forward() {
        let units = Self.units
        let pre = Self.values(4 * units, seed: 1), recurrent = Self.values(4 * units, seed: 2).map { $0 / 4 }
        let previousCell = Self.values(units, seed: 3).map { $0 / 6 }
        var (gates, cell) = ([Float](repeating: 0, count: 4 * units), previousCell)
        var (activated, h) = ([Float](repeating: 0, count: units), [Float](repeating: 0, count: units))
        synapse_lstm_cell_forward(pre, recurrent, &gates, &cell, &activated, &h, units)
        var worst = 0.0
        for j in 0..<units {
            let z = (0..<4).map { Double(pre[$0 * units + j]) + Double(recurrent[$0 * units + j]) }
            let (i, f, g, o) = (Self.sigmoid(z[0]), Self.sigmoid(z[1]), Foundation.tanh(z[2]), Self.sigmoid(z[3]))
            let c = f * Double(previousCell[j]) + i * g
            let expected = [i, f, g, o, c, Foundation.tanh(c), o * Foundation.tanh(c)]
            let actual = [gates[j], gates[units + j], gates[2 * units + j], gates[3 * units + j], cell[j], activated[j], h[j]]
            for (value, reference) in zip(actual, expected) {
                worst = Swift.max(worst, Swift.abs(Double(value) - reference) / Swift.max(1, Swift.abs(reference)))
            }
        }
        #expect(worst < 4e-6, "worst error \(worst)")
    }

    @Test("backward: the four gate gradients and the previous cell's gradient within 4e-6 (relative above 1) of the formulas")
    func backward() {
        let units = Self.units
        let gates = Self.values(4 * units, seed: 4).map { (Float(Self.sigmoid(Double($0))) * 2 - 1) * 0.99 }
            .enumerated().map { index, value in index / units == 2 ? value : (value + 1) / 2 }
        let activated = Self.values(units, seed: 5).map { Float(Foundation.tanh(Double($0) / 3)) }
        let previousCell = Self.values(units, seed: 6).map { $0 / 5 }
        let dh = Self.values(units, seed: 7).map { $0 / 12 }
        let incomingCell = Self.values(units, seed: 8).map { $0 / 12 }
        var (dc, dPre) = (incomingCell, [Float](repeating: 0, count: 4 * units))
        synapse_lstm_cell_backward(gates, activated, previousCell, dh, &dc, &dPre, units)
        var worst = 0.0
        for j in 0..<units {
            let (i, f, g, o) = (Double(gates[j]), Double(gates[units + j]), Double(gates[2 * units + j]),
                                Double(gates[3 * units + j]))
            let a = Double(activated[j])
            let total = Double(incomingCell[j]) + Double(dh[j]) * o * (1 - a * a)
            let expected = [total * g * i * (1 - i), total * Double(previousCell[j]) * f * (1 - f),
                            total * i * (1 - g * g), Double(dh[j]) * a * o * (1 - o), total * f]
            let actual = [dPre[j], dPre[units + j], dPre[2 * units + j], dPre[3 * units + j], dc[j]]
            for (value, reference) in zip(actual, expected) {
                worst = Swift.max(worst, Swift.abs(Double(value) - reference) / Swift.max(1, Swift.abs(reference)))
            }
        }
        #expect(worst < 4e-6, "worst error \(worst)")
    }
}
