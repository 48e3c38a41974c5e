/// Two small elementwise kernels that prove the CUDA path end to end: NVRTC compiles
/// them, the driver loads and runs them, and the results are checked on the host.
///
/// `synapse-cuda-check` runs them on a GPU; the unit tests compile them for `sm_90`
/// on machines without one, so a source error is caught without a GPU.
///
/// Both take `(const float* x, float* y, …, unsigned long long n)` and use a
/// grid-stride loop, so any grid size covers any `n`.
public enum CUDASelfTestKernels {
    /// The name NVRTC reports in its messages.
    public static let programName = "synapse_self_test.cu"

    /// `y[i] = fmaf(a, x[i], b)`; arguments `(x, y, a, b, n)`. A single rounding, so
    /// the host's `b.addingProduct(a, x)` matches it exactly.
    public static let affineKernel = "synapse_affine"

    /// `y[i] = expf(x[i])`; arguments `(x, y, n)`. CUDA's `expf` is within 2 ulp
    /// (CUDA C Programming Guide, mathematical functions), glibc's within 1.
    public static let expKernel = "synapse_exp"

    /// The CUDA C++ source of both kernels.
    public static let source = """
    extern "C" __global__ void synapse_affine(const float* __restrict__ x, float* __restrict__ y,
                                              float a, float b, unsigned long long n) {
        const unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
        for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
            y[i] = fmaf(a, x[i], b);
        }
    }

    extern "C" __global__ void synapse_exp(const float* __restrict__ x, float* __restrict__ y,
                                           unsigned long long n) {
        const unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
        for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
            y[i] = expf(x[i]);
        }
    }
    """
}
