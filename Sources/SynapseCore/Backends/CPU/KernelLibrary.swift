/// Direct access to the kernel library under the CPU backend, for benchmarks that
/// compare Synapse's ops with the raw library call on the same buffers.
public enum KernelLibrary {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C` through oneDNN's `dnnl_sgemm`,
    /// on the configured number of threads (see ``Parallel``).
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        OneDNN.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: Parallel.threadCount)
    }
}
