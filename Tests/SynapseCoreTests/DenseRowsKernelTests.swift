import CKernels
import Testing
@testable import SynapseCore

/// The one-sample product kernel (`synapse_dense_rows`) that `matmul` uses for a
/// single float32 row on AVX-512 CPUs, against a float64 sum.
@Suite("Dense rows kernel")
struct DenseRowsKernelTests {
    /// `bias + x · w` in double precision, row-major.
    private static func reference(_ x: [Float], _ w: [Float], bias: [Float]?, m: Int, k: Int, n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: m * n)
        for row in 0..<m {
            for column in 0..<n {
                var sum = Double(bias?[column] ?? 0)
                for inner in 0..<k { sum += Double(x[row * k + inner]) * Double(w[inner * n + column]) }
                result[row * n + column] = sum
            }
        }
        return result
    }

    private static func expectClose(_ actual: [Float], _ expected: [Double], _ label: String) {
        let worst = zip(actual, expected).map { Swift.abs(Double($0) - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        #expect(worst < 2e-5, "\(label): worst error \(worst)")
    }

    @Test("one row through Tensor.matmul: full 256- and 64-column blocks, masked tails, split along k or not",
          arguments: [(784, 512), (512, 256), (256, 10), (300, 17), (33, 1), (1000, 333), (7, 64)])
    func oneRow(k: Int, n: Int) {
        var generator = RandomGenerator(seed: UInt64(k * 1000 + n))
        let x = Tensor.randomUniform([1, k], low: -1, high: 1, generator: &generator)
        let w = Tensor.randomUniform([k, n], low: -1, high: 1, generator: &generator)
        let bias = Tensor.randomUniform([n], low: -1, high: 1, generator: &generator)
        Self.expectClose(x.matmul(w).scalars, Self.reference(x.scalars, w.scalars, bias: nil, m: 1, k: k, n: n),
                         "\(k)×\(n) without bias")
        Self.expectClose(x.matmul(w, bias: bias).scalars,
                         Self.reference(x.scalars, w.scalars, bias: bias.scalars, m: 1, k: k, n: n),
                         "\(k)×\(n) with bias")
    }

    @Test("several rows with a row stride wider than k (one part of a product split along k)")
    func strideRows() throws {
        try #require(synapse_dense_rows_available() != 0, "needs an AVX-512 CPU")
        let (m, ldx, k, n) = (3, 50, 41, 90)
        let x = (0..<(m * ldx)).map { Float(($0 * 37) % 23) / 11 - 1 }
        let w = (0..<(k * n)).map { Float(($0 * 53) % 29) / 14 - 1 }
        let bias = (0..<n).map { Float($0 % 7) - 3 }
        var y = [Float](repeating: .nan, count: m * n)
        synapse_dense_rows(x, ldx, m, k, w, n, bias, &y)
        let packed = (0..<m).flatMap { row in x[(row * ldx)..<(row * ldx + k)] }
        Self.expectClose(y, Self.reference(packed, w, bias: bias, m: m, k: k, n: n), "strided rows")
    }
}
