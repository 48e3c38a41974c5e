import CKernels

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

    func matmul(_ a: TensorStorage, _ b: TensorStorage, bias: TensorStorage?, dtype: DType, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage {
        if dtype == .float64 {
            return float64Matmul(a, b, bias: bias, batch: batch, m: m, n: n, k: k, transposeA: transposeA,
                                 transposeB: transposeB, batchStrideA: batchStrideA, batchStrideB: batchStrideB)
        }
        if dtype == .float32, batch == 1, !transposeA, !transposeB, m <= Self.denseRowsMaxRows, k > 0, Self.denseRowsAvailable {
            return denseRows(a, b, bias: bias, m: m, n: n, k: k)
        }
        let result = allocate(byteCount: batch * m * n * 4)
        let aBase = a.kernelPointer(as: Float.self)
        let bBase = b.kernelPointer(as: Float.self)
        let cBase = result.kernelPointer(as: Float.self)
        let biasValues = bias.map { UnsafePointer($0.kernelPointer(as: Float.self)) }
        if let biasValues {
            // C starts as the bias in every row; the GEMM then accumulates (beta = 1).
            for row in 0..<(batch * m) { (cBase + row * n).update(from: biasValues, count: n) }
        } else if k == 0 {
            cBase.initialize(repeating: 0, count: batch * m * n)
        }
        if k == 0 { return result }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        // Every product above the direct loop runs on all threads, even W5's 1×512·512×256:
        // alone it is faster on one thread (2.1 against 2.5 µs), but inside the model
        // each core then keeps only its half of every weight matrix in its L2, and the
        // one-sample forward pass fell from 16.4 to 12.8 µs when small products went
        // back to two threads.
        let work = m * n * k
        let threads = Parallel.threadCount
        for entry in 0..<batch {
            let aMatrix = UnsafePointer(aBase + entry * batchStrideA)
            let bMatrix = UnsafePointer(bBase + entry * batchStrideB)
            let cMatrix = cBase + entry * m * n
            if work <= Self.directLoopMaxWork {
                Self.smallProduct(aMatrix, lda, transposeA, bMatrix, ldb, transposeB, cMatrix, m: m, n: n, k: k,
                                  accumulate: biasValues != nil)
            } else {
                OneDNN.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                             a: aMatrix, lda: lda, b: bMatrix, ldb: ldb, beta: biasValues != nil ? 1 : 0,
                             c: cMatrix, ldc: n, threads: threads)
            }
        }
        return result
    }

    /// Up to this many rows a float32 product runs on `synapse_dense_rows` (where the
    /// CPU has AVX-512) instead of the GEMM: one sample's Dense layer.
    ///
    /// Measured by `synapse-microbench --only predict` (W5's one-sample pass,
    /// 784·512, 512·256 and 256·10, 2 threads): 11.2–13.0 µs against 15.2–15.7 µs
    /// through oneDNN's sgemm. Split by output columns instead of along k it took
    /// 16.9–18.4 µs: each thread then reads every weight row in pieces, where along k
    /// it streams one contiguous half of the matrix.
    static let denseRowsMaxRows = 1

    /// Whether this CPU runs `synapse_dense_rows` (it has AVX-512).
    static let denseRowsAvailable = synapse_dense_rows_available() != 0

    /// `x · w + bias` for a few rows of float32 `x` [m, k] and `w` [k, n], split
    /// along k into one part per thread when the product is large enough: part 0
    /// writes the result with the bias, the others their own partial results, which
    /// are then added in order (so the result depends only on the thread count).
    func denseRows(_ x: TensorStorage, _ w: TensorStorage, bias: TensorStorage?, m: Int, n: Int, k: Int)
        -> TensorStorage {
        let result = allocate(byteCount: m * n * 4)
        let xPointer = UnsafePointer(x.kernelPointer(as: Float.self))
        let wPointer = UnsafePointer(w.kernelPointer(as: Float.self))
        let biasPointer = bias.map { UnsafePointer($0.kernelPointer(as: Float.self)) }
        let yPointer = result.kernelPointer(as: Float.self)
        let parts = m * n * k >= Self.denseRowsParallelWork ? Swift.min(Parallel.threadCount, k) : 1
        if parts == 1 {
            synapse_dense_rows(xPointer, k, m, k, wPointer, n, biasPointer, yPointer)
            return result
        }
        let partLength = (k + parts - 1) / parts
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (parts - 1) * m * n) { partials in
            let partialBase = partials.baseAddress!
            Parallel.forChunks(parts, parallel: true) { part in
                let start = part * partLength
                let length = Swift.max(0, Swift.min(k, start + partLength) - start)
                let output = part == 0 ? yPointer : partialBase + (part - 1) * m * n
                synapse_dense_rows(xPointer + start, k, m, length, wPointer + start * n, n,
                                   part == 0 ? biasPointer : nil, output)
            }
            synapse_dense_combine(yPointer, partialBase, parts - 1, m * n, 0, m * n, 0)
        }
        return result
    }

    /// From this many multiply-adds (m·n·k) `denseRows` splits the product between
    /// the threads (W5's 256·10 stays on one).
    static let denseRowsParallelWork = 32_768

    /// Direct triple loop for tiny products (the XOR network's 4×2 · 2×4); with
    /// `accumulate` it adds to what `c` holds (the bias).
    @inline(__always)
    private static func smallProduct(_ a: UnsafePointer<Float>, _ lda: Int, _ transposeA: Bool,
                                     _ b: UnsafePointer<Float>, _ ldb: Int, _ transposeB: Bool,
                                     _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool) {
        for row in 0..<m {
            for column in 0..<n {
                var sum: Float = accumulate ? c[row * n + column] : 0
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
