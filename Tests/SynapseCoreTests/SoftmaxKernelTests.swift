import CKernels
import Foundation
import Testing
@testable import SynapseCore

/// The softmax kernel's own exponential and the kernel on awkward rows.
@Suite("Softmax kernel")
struct SoftmaxKernelTests {
    @Test("synapse_exp is within 2.5e-7 of e^x from −87 to 88, and exact on the edges")
    func exponentialAccuracy() {
        var worst = 0.0
        var x: Float = -87
        while x <= 88 {
            let expected = Foundation.exp(Double(x))
            worst = Swift.max(worst, Swift.abs(Double(synapse_exp(x)) - expected) / expected)
            x += 0.0137
        }
        #expect(worst < 2.5e-7, "worst relative error \(worst)")
        #expect(synapse_exp(0) == 1)
        #expect(synapse_exp(-.infinity) == 0)
        #expect(synapse_exp(-100) == 0)
        #expect(synapse_exp(.infinity) == .infinity)
        #expect(synapse_exp(.nan).isNaN)
    }

    @Test("rows of −∞ give NaN, a NaN spreads over its row only, and long rows sum to one")
    func awkwardRows() {
        let columns = 37
        var values = (0..<(4 * columns)).map { Float($0 % 11) * 3 - 15 }
        for c in 0..<columns { values[c] = -.infinity }
        values[columns + 5] = .nan
        var output = [Float](repeating: 0, count: values.count)
        synapse_softmax_rows(values, &output, 4, columns, 0)
        #expect(output[0..<columns].allSatisfy { $0.isNaN })
        #expect(output[columns..<(2 * columns)].allSatisfy { $0.isNaN })
        for row in 2..<4 {
            let slice = output[(row * columns)..<((row + 1) * columns)]
            #expect(Swift.abs(slice.reduce(0, +) - 1) < 1e-6)
        }
        synapse_softmax_rows(values, &output, 4, columns, 1)
        let row = output[(2 * columns)..<(3 * columns)].map { Foundation.exp(Double($0)) }
        #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-6)
    }
}
