import CKernels
import Testing

/// The recurrent loops' per-step product (`synapse_step_product`) against a float64
/// sum, with row and column counts that leave partial 4 × 64 blocks and strided rows.
@Suite("Step product kernel")
struct StepProductKernelTests {
    @Test("partial blocks and row strides", arguments: [(16, 256, 64), (16, 64, 256), (7, 30, 9), (1, 17, 3), (5, 129, 70)])
    func product(m: Int, n: Int, k: Int) throws {
        try #require(synapse_step_product_available() != 0, "needs an AVX-512 CPU")
        let (lda, ldb, ldc) = (k + 3, n + 5, n + 2)
        let a = (0..<(m * lda)).map { Float(($0 * 37) % 23) / 11 - 1 }
        let b = (0..<(k * ldb)).map { Float(($0 * 53) % 29) / 14 - 1 }
        var c = [Float](repeating: .nan, count: m * ldc)
        synapse_step_product(a, lda, b, ldb, &c, ldc, m, n, k)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a[i * lda + p]) * Double(b[p * ldb + j]) }
                worst = Swift.max(worst, Swift.abs(Double(c[i * ldc + j]) - sum) / Swift.max(1, Swift.abs(sum)))
            }
            // The padding between rows is left alone.
            #expect(c[(i * ldc + n)..<(i * ldc + ldc)].allSatisfy { $0.isNaN })
        }
        #expect(worst < 1e-5, "worst error \(worst)")
    }
}
