/// A cuBLAS handle bound to a context and a stream, with matrix products in
/// Synapse's row-major convention.
///
/// cuBLAS is column-major; a row-major `C = op(A)·op(B)` is computed as the
/// column-major `Cᵀ = op(B)ᵀ·op(A)ᵀ` by swapping the operands, so no matrix is ever
/// copied or transposed in memory. The math mode is `CUBLAS_DEFAULT_MATH`: full
/// float32, no TF32 (as PyTorch's default `allow_tf32 = False` for matmul).
public final class CUBLASHandle {
    /// The context it runs on.
    public let context: CUDAContext
    /// The stream its work is queued on (nil: the legacy default stream).
    public let stream: CUDAStream?
    private let api: CUBLASAPI
    private let handle: OpaquePointer

    /// cuBLAS' version, e.g. 13.1.0.
    public let version: CUDAVersion?

    /// Creates a handle on `context` (which must be current) queuing on `stream`.
    ///
    /// - Parameters:
    ///   - context: the device's context.
    ///   - stream: where products are queued; nil for the legacy default stream.
    /// - Throws: ``CUDAError``: cuBLAS not found (with the paths tried), or its status.
    public init(context: CUDAContext, stream: CUDAStream? = nil) throws {
        let library = try CUDALibraries.cublas.get()
        let api = library.api
        var handle: OpaquePointer?
        try api.check(api.cublasCreate(&handle), "cublasCreate_v2")
        guard let handle else { throw CUDAError.invalidArgument("cublasCreate_v2 returned no handle") }
        self.context = context
        self.stream = stream
        self.api = api
        self.handle = handle
        self.version = library.version
        try api.check(api.cublasSetStream(handle, stream?.handle), "cublasSetStream_v2")
        try api.check(api.cublasSetMathMode(handle, CUBLASAPI.defaultMath), "cublasSetMathMode")
    }

    deinit {
        _ = api.cublasDestroy(handle)
    }

    /// Queues `c = alpha · op(a) · op(b) + beta · c` for row-major float32 matrices.
    ///
    /// - Parameters:
    ///   - m: rows of `op(a)` and `c`.
    ///   - n: columns of `op(b)` and `c`.
    ///   - k: columns of `op(a)`, rows of `op(b)`.
    ///   - a: `[m, k]` row-major, or `[k, m]` when `transposeA`.
    ///   - transposeA: use `aᵀ`.
    ///   - b: `[k, n]` row-major, or `[n, k]` when `transposeB`.
    ///   - transposeB: use `bᵀ`.
    ///   - c: `[m, n]` row-major output.
    ///   - alpha: scale of the product.
    ///   - beta: scale of `c`'s previous contents (0: overwrite).
    /// - Throws: ``CUDAError/invalidArgument(_:)`` for sizes the buffers cannot hold;
    ///   cuBLAS' status otherwise.
    public func sgemm(m: Int, n: Int, k: Int,
                      a: CUDADeviceBuffer, transposeA: Bool = false,
                      b: CUDADeviceBuffer, transposeB: Bool = false,
                      c: CUDADeviceBuffer, alpha: Float = 1, beta: Float = 0) throws {
        try sgemmStridedBatched(m: m, n: n, k: k, batchCount: 1,
                                a: a, transposeA: transposeA, b: b, transposeB: transposeB, c: c,
                                alpha: alpha, beta: beta)
    }

    /// Queues `batchCount` products `cᵢ = alpha · op(aᵢ) · op(bᵢ) + beta · cᵢ` of
    /// row-major matrices packed one after another in each buffer.
    ///
    /// - Parameters:
    ///   - m: rows of each `op(aᵢ)` and `cᵢ`.
    ///   - n: columns of each `op(bᵢ)` and `cᵢ`.
    ///   - k: columns of `op(aᵢ)`, rows of `op(bᵢ)`.
    ///   - batchCount: products, at least 1.
    ///   - a: `batchCount` matrices `[m, k]` (`[k, m]` when `transposeA`), `m·k` apart.
    ///   - transposeA: use each `aᵢᵀ`.
    ///   - b: `batchCount` matrices `[k, n]` (`[n, k]` when `transposeB`), `k·n` apart.
    ///   - transposeB: use each `bᵢᵀ`.
    ///   - c: `batchCount` matrices `[m, n]`, `m·n` apart.
    ///   - alpha: scale of the products.
    ///   - beta: scale of `c`'s previous contents.
    /// - Throws: ``CUDAError/invalidArgument(_:)`` for sizes the buffers cannot hold;
    ///   cuBLAS' status otherwise.
    public func sgemmStridedBatched(m: Int, n: Int, k: Int, batchCount: Int,
                                    a: CUDADeviceBuffer, transposeA: Bool = false,
                                    b: CUDADeviceBuffer, transposeB: Bool = false,
                                    c: CUDADeviceBuffer, alpha: Float = 1, beta: Float = 0) throws {
        let limit = Int(Int32.max)
        guard m >= 1, n >= 1, k >= 1, batchCount >= 1, m <= limit, n <= limit, k <= limit, batchCount <= limit else {
            throw CUDAError.invalidArgument("sgemm: invalid sizes m=\(m) n=\(n) k=\(k) batch=\(batchCount)")
        }
        for (name, buffer, elements) in [("a", a, m * k), ("b", b, k * n), ("c", c, m * n)] {
            let (needed, overflow) = elements.multipliedReportingOverflow(by: batchCount * 4)
            guard !overflow, buffer.byteCount >= needed else {
                throw CUDAError.invalidArgument("sgemm: \(name) holds \(buffer.byteCount) bytes, the product m=\(m) n=\(n) k=\(k) batch=\(batchCount) needs \(elements) × \(batchCount) floats")
            }
        }
        var alpha = alpha
        var beta = beta
        let operationA = transposeA ? CUBLASAPI.transpose : CUBLASAPI.noTranspose
        let operationB = transposeB ? CUBLASAPI.transpose : CUBLASAPI.noTranspose
        let leadingA = Int32(transposeA ? m : k)
        let leadingB = Int32(transposeB ? k : n)
        let pointerA = UnsafeRawPointer(bitPattern: UInt(a.address))
        let pointerB = UnsafeRawPointer(bitPattern: UInt(b.address))
        let pointerC = UnsafeMutableRawPointer(bitPattern: UInt(c.address))
        // Column-major Cᵀ[n, m] = op(B)ᵀ · op(A)ᵀ: B first.
        if batchCount == 1 {
            try api.check(api.cublasSgemm(handle, operationB, operationA, Int32(n), Int32(m), Int32(k),
                                          &alpha, pointerB, leadingB, pointerA, leadingA,
                                          &beta, pointerC, Int32(n)), "cublasSgemm_v2(m=\(m), n=\(n), k=\(k))")
        } else {
            try api.check(api.cublasSgemmStridedBatched(handle, operationB, operationA, Int32(n), Int32(m), Int32(k),
                                                        &alpha, pointerB, leadingB, Int64(k * n),
                                                        pointerA, leadingA, Int64(m * k),
                                                        &beta, pointerC, Int32(n), Int64(m * n), Int32(batchCount)),
                          "cublasSgemmStridedBatched(m=\(m), n=\(n), k=\(k), batch=\(batchCount))")
        }
    }
}
