#if canImport(Glibc)
import Glibc
#endif
import CKernels

/// Whether kernels flush denormal floats to zero.
///
/// Numbers below 2⁻¹²⁶ ≈ 1.2 · 10⁻³⁸ (denormals) take a slow microcode path on x86:
/// an operation on one costs tens to hundreds of cycles instead of one. Training
/// makes them routinely — Adam's first moment of a weight whose gradient stays zero
/// (a dead ReLU unit's) decays by β₁ per step and is denormal after about 840 steps.
/// With IEEE denormals the W1 benchmark epoch took 0.72 s instead of 0.45 s. So, as
/// TensorFlow and XLA do, Synapse computes with flush-to-zero and
/// denormals-are-zero (MXCSR FTZ/DAZ; FPCR.FZ on ARM). Values that small are far
/// below every tolerance that matters in float32 training.
///
/// Where the mode applies:
/// - the kernel team's worker threads, always;
/// - the calling thread during a matrix product or a parallel kernel, and during
///   anything run in the CPU backend's execution context
///   (``withExecutionContext(on:_:)``, which `Model`'s `fit`, `evaluate` and `predict` use);
///   the thread's own mode is restored afterwards, so code outside keeps IEEE
///   arithmetic (a JSON parser still reads `1e-40` as a denormal).
///
/// `SYNAPSE_FLUSH_DENORMALS=0` keeps IEEE denormals everywhere (PyTorch's default,
/// `torch.set_flush_denormal(False)`).
public enum FloatingPointMode {
    /// Whether denormals are flushed (from `SYNAPSE_FLUSH_DENORMALS`, default on).
    public static let flushesDenormals: Bool = {
        guard let text = getenv("SYNAPSE_FLUSH_DENORMALS").map({ String(cString: $0) }) else { return true }
        return !["0", "false", "no", "off"].contains(text.lowercased())
    }()

    /// Runs `body` with denormals flushed on the calling thread (when
    /// ``flushesDenormals``), then restores the thread's previous mode.
    ///
    /// The CPU backend's execution context; code outside the backend enters it
    /// through ``withExecutionContext(on:_:)``.
    @inline(__always)
    static func withFlushedDenormals<Result>(_ body: () throws -> Result) rethrows -> Result {
        guard flushesDenormals else { return try body() }
        let saved = synapse_enter_flush_denormals()
        defer { synapse_restore_float_control(saved) }
        return try body()
    }

    /// Whether the calling thread flushes denormals right now.
    public static var isFlushingOnCurrentThread: Bool { synapse_flush_denormals_enabled() != 0 }

    /// Puts a kernel-team worker thread (never the caller) into the mode for good.
    @inline(__always)
    static func enterOnWorkerThread() {
        if flushesDenormals { _ = synapse_enter_flush_denormals() }
    }
}
