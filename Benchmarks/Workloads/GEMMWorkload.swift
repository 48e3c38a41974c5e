// The GEMM ceiling: the kernel library's sgemm on 2048³, the rate W1 is compared with.
import Synapse

/// Times `KernelLibrary.sgemm` (oneDNN's `dnnl_sgemm`) on 2048 × 2048 × 2048
/// float32 and reports seconds per call and GFLOP/s.
func gemmCeiling(_ settings: BenchSettings) {
    let size = 2048
    var generator = RandomGenerator(seed: 7)
    let a = Tensor.randomUniform([size, size], generator: &generator)
    let b = Tensor.randomUniform([size, size], generator: &generator)
    let c = TensorStorage(byteCount: size * size * 4)
    let times = a.withUnsafePointer(as: Float.self) { pa in
        b.withUnsafePointer(as: Float.self) { pb in
            timed(BenchSettings(repeats: max(settings.repeats, 5), warmup: 2)) {
                KernelLibrary.sgemm(transposeA: false, transposeB: false, m: size, n: size, k: size, alpha: 1,
                                    a: pa, lda: size, b: pb, ldb: size, beta: 0,
                                    c: c.pointer(as: Float.self), ldc: size)
            }
        }
    }
    let flops = 2.0 * Double(size * size * size)
    let median = times.sorted()[times.count / 2]
    let info = SystemInfo.current
    report("gemm", unit: "seconds/call", samples: times,
           extra: ["gflops_per_second": flops / median / 1e9, "size": size,
                   "library": "\(info.kernelLibrary), \(info.instructionSet)"])
}
