/// Direct access to the kernel library under the CPU backend, for benchmarks that
/// compare Synapse's ops with the raw library call on the same buffers.
public enum KernelLibrary {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C` through oneDNN's `dnnl_sgemm`,
    /// on the configured number of threads (see ``Parallel``).
    ///
    /// - Parameters:
    ///   - transposeA: read `A` transposed (`op(A) = Aᵀ`).
    ///   - transposeB: read `B` transposed (`op(B) = Bᵀ`).
    ///   - m: rows of `op(A)` and of `C`.
    ///   - n: columns of `op(B)` and of `C`.
    ///   - k: columns of `op(A)`, rows of `op(B)`.
    ///   - alpha: the factor of the product.
    ///   - a: the elements of `A`, row-major.
    ///   - lda: the row stride of `A` in elements.
    ///   - b: the elements of `B`, row-major.
    ///   - ldb: the row stride of `B` in elements.
    ///   - beta: the factor of the existing `C` (0 overwrites it).
    ///   - c: the `m×n` result, read (when `beta ≠ 0`) and written in place.
    ///   - ldc: the row stride of `C` in elements.
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        OneDNN.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: Parallel.threadCount)
    }
}
