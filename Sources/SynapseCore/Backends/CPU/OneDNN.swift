import CDNNL
import CKernels

/// The one file that talks to oneDNN and to the GNU OpenMP runtime it threads on.
///
/// oneDNN runs its kernels on libgomp's thread team. Synapse's own parallel kernels
/// run on the very same team through `GOMP_parallel`, so the process has one pool
/// of worker threads, sized from one setting, and a kernel of ours never competes
/// with oneDNN's idle-spinning workers for the cores (the OpenMP wait policy only
/// decides how long *our own* pool spins between kernels).
enum OneDNN {
    /// `C = alpha · op(A) · op(B) + beta · C`, row-major, with `op` transposing when asked.
    ///
    /// - Parameters: as BLAS `sgemm`, row-major: `A` is `m×k` (or `k×m` when
    ///   `transposeA`), `B` is `k×n` (or `n×k`), `C` is `m×n`; leading dimensions in elements.
    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      alpha: Float, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        // The thread count is an OpenMP per-thread setting: apply it on the calling
        // thread so a model called from any thread uses the configured count.
        omp_set_num_threads(Int32(threads))
        let status = FloatingPointMode.withFlushedDenormals {
            dnnl_sgemm(transposeA ? 0x54 : 0x4E, transposeB ? 0x54 : 0x4E,
                       dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha,
                       a, dnnl_dim_t(lda), b, dnnl_dim_t(ldb), beta, c, dnnl_dim_t(ldc))
        }
        if status != dnnl_success {
            fatalError("matmul: oneDNN sgemm failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
        }
    }

    /// Runs `body(threadIndex, threadCount)` on `threads` threads of the OpenMP team
    /// (the calling thread is thread 0). Inside an enclosing parallel region the
    /// team has one thread, so parallel kernels never nest.
    static func parallel(threads: Int, _ body: (Int, Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let job = Unmanaged.passRetained(ParallelJob(body))
            GOMP_parallel({ context in
                // No retain of the job here: every thread would write its reference
                // count, and that cache line bouncing between the cores cost W5's
                // one-sample pass about a microsecond (the caller holds the job).
                Unmanaged<ParallelJob>.fromOpaque(context!)._withUnsafeGuaranteedRef { job in
                    let thread = Int(omp_get_thread_num())
                    if thread == 0 {
                        // The calling thread: flush for this kernel only.
                        FloatingPointMode.withFlushedDenormals { job.body(0, Int(omp_get_num_threads())) }
                    } else {
                        FloatingPointMode.enterOnWorkerThread()
                        job.body(thread, Int(omp_get_num_threads()))
                    }
                }
            }, job.toOpaque(), UInt32(threads), 0)
            job.release()
        }
    }

    /// Number of processors OpenMP sees.
    static var processorCount: Int { Int(omp_get_num_procs()) }

    /// oneDNN's version, e.g. "2.6.3".
    static var version: String {
        guard let version = dnnl_version()?.pointee else { return "unknown" }
        return "\(version.major).\(version.minor).\(version.patch)"
    }

    /// The instruction set oneDNN's JIT picked for this CPU.
    static var instructionSet: String {
        switch dnnl_get_effective_cpu_isa() {
        case dnnl_cpu_isa_sse41: "SSE4.1"
        case dnnl_cpu_isa_avx: "AVX"
        case dnnl_cpu_isa_avx2: "AVX2"
        case dnnl_cpu_isa_avx2_vnni: "AVX2 VNNI"
        case dnnl_cpu_isa_avx512_mic, dnnl_cpu_isa_avx512_mic_4ops: "AVX-512 (MIC)"
        case dnnl_cpu_isa_avx512_core: "AVX-512"
        case dnnl_cpu_isa_avx512_core_vnni: "AVX-512 VNNI"
        case dnnl_cpu_isa_avx512_core_bf16: "AVX-512 BF16"
        case dnnl_cpu_isa_avx512_core_amx: "AVX-512 AMX"
        default: "generic"
        }
    }

    /// The threading runtime oneDNN was built with.
    static var threadingRuntime: String {
        guard let version = dnnl_version()?.pointee else { return "unknown" }
        switch version.cpu_runtime {
        case UInt32(DNNL_RUNTIME_OMP): return "OpenMP"
        case UInt32(DNNL_RUNTIME_TBB): return "TBB"
        case UInt32(DNNL_RUNTIME_SEQ): return "sequential"
        case UInt32(DNNL_RUNTIME_THREADPOOL): return "threadpool"
        default: return "unknown"
        }
    }
}

private final class ParallelJob {
    let body: (Int, Int) -> Void
    init(_ body: @escaping (Int, Int) -> Void) { self.body = body }
}
