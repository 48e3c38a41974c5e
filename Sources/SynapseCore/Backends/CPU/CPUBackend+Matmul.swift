/// Matrix products: oneDNN's sgemm, with a direct loop for products too small for
/// a GEMM call to pay off.
extension CPUBackend {
    /// Up to this many multiply-adds (m·n·k) a plain loop beats the library call.
    ///
    /// Measured by `synapse-microbench --only small-matmul`: a oneDNN sgemm call
    /// costs about 0.2 µs however tiny the product, the loop about 0.8 ns per
    /// multiply-add, so they cross near 270. The loop was 2–5× faster at work
    /// 16–128 (the XOR network's 4×2·2×4 is 32), about even at 256–288 and about
    /// 2× slower at 512 (the previous threshold).
    static let directLoopMaxWork = 256

    func matmul(_ a: TensorStorage, _ b: TensorStorage, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage {
        let result = TensorStorage(byteCount: batch * m * n * 4)
        let aBase = a.pointer(as: Float.self)
        let bBase = b.pointer(as: Float.self)
        let cBase = result.pointer(as: Float.self)
        if k == 0 {
            cBase.initialize(repeating: 0, count: batch * m * n)
            return result
        }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        let threads = Parallel.threadCount
        for entry in 0..<batch {
            let aMatrix = UnsafePointer(aBase + entry * batchStrideA)
            let bMatrix = UnsafePointer(bBase + entry * batchStrideB)
            let cMatrix = cBase + entry * m * n
            if m * n * k <= Self.directLoopMaxWork {
                Self.smallProduct(aMatrix, lda, transposeA, bMatrix, ldb, transposeB, cMatrix, m: m, n: n, k: k)
            } else {
                OneDNN.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                             a: aMatrix, lda: lda, b: bMatrix, ldb: ldb, beta: 0, c: cMatrix, ldc: n,
                             threads: threads)
            }
        }
        return result
    }

    /// Direct triple loop for tiny products (the XOR network's 4×2 · 2×4).
    @inline(__always)
    private static func smallProduct(_ a: UnsafePointer<Float>, _ lda: Int, _ transposeA: Bool,
                                     _ b: UnsafePointer<Float>, _ ldb: Int, _ transposeB: Bool,
                                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
        for row in 0..<m {
            for column in 0..<n {
                var sum: Float = 0
                for inner in 0..<k {
                    let left = transposeA ? a[inner * lda + row] : a[row * lda + inner]
                    let right = transposeB ? b[column * ldb + inner] : b[inner * ldb + column]
                    sum += left * right
                }
                c[row * n + column] = sum
            }
        }
    }
}
