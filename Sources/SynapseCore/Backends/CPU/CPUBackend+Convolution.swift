#if canImport(Glibc)
import Glibc
#endif

/// Convolutions on the CPU: per direction and geometry, oneDNN's convolution
/// primitive or the backend's default, im2col + GEMM, whichever was measured faster.
///
/// `synapse-microbench --only conv` (2 threads, 2026-12-07) on the layers of W2,
/// `fashion-cnn` and W7's ResNet, in µs, im2col / oneDNN:
///
/// | layer | forward | input gradient | kernel gradient |
/// | --- | --- | --- | --- |
/// | 64×28×28×1 → 32 (W2 conv1) | 930 / 177 | 900 / 860 | 270 / 205 |
/// | 64×13×13×32 → 64 (W2 conv2) | 863 / 1280 | 920 / 810 | 867 / 680 |
/// | 64×5×5×64 → 64 (W2 conv3) | 129 / 216 | 144 / 132 | 144 / 292 |
/// | 128×28×28×32 → 32, stride 2 (W7) | 1800 / 2300 | 2270 / 1080 | 1490 / 1440 |
/// | 128×7×7×64 → 64 (W7) | 1420 / 1840 | 1600 / 1070 | 1330 / 1040 |
/// | 128×4×4×128 → 128 (W7) | 1480 / 1980 | 1680 / 1030 | 1650 / 1610 |
///
/// So: the forward pass goes to oneDNN only for images of one to four channels
/// (a first layer, where im2col's product has an inner dimension of 9-36 and runs at
/// a tenth of the GEMM's speed); the input gradient always (it saves col2im's
/// scattered sums); the kernel gradient where each image has at least 36 output
/// pixels (below, the per-image work is too small for oneDNN's kernel and the
/// GEMM on the saved patch matrix wins). The rule is fixed, not timed at run time,
/// so a seeded run computes the same numbers every time.
extension CPUBackend {
    /// Which convolution kernels run: `SYNAPSE_CONVOLUTION=im2col` keeps every
    /// geometry on im2col + GEMM, `onednn` sends every one oneDNN serves to its
    /// primitives; unset (`auto`), the measured rule above.
    enum ConvolutionKernels: String { case auto, im2col, onednn }

    static let convolutionKernels: ConvolutionKernels = {
        guard let text = getenv("SYNAPSE_CONVOLUTION").map({ String(cString: $0) }) else { return .auto }
        return ConvolutionKernels(rawValue: text) ?? .auto
    }()

    /// Whether a geometry's convolution in `direction` goes to oneDNN's primitive.
    ///
    /// - Parameters:
    ///   - direction: forward, input gradient or kernel gradient.
    ///   - geometry: the forward convolution's windows.
    /// - Returns: `true` for oneDNN, `false` for im2col + GEMM.
    static func usesConvolutionPrimitive(_ direction: OneDNNConvolution.Direction,
                                         _ geometry: WindowGeometry) -> Bool {
        switch convolutionKernels {
        case .im2col: return false
        case .onednn: return true
        case .auto:
            switch direction {
            case .forward: return geometry.channels <= 4
            case .inputGradient: return true
            case .kernelGradient: return geometry.outputHeight * geometry.outputWidth >= 36
            }
        }
    }

    func conv2D(_ x: TensorStorage, _ kernel: TensorStorage, bias: TensorStorage?, geometry: WindowGeometry,
                outChannels: Int) -> (output: TensorStorage, saved: TensorStorage?) {
        if Self.usesConvolutionPrimitive(.forward, geometry) {
            let output = allocate(byteCount: geometry.patchCount * outChannels * 4)
            if OneDNNConvolution.forward(x.kernelPointer(as: Float.self), kernel.kernelPointer(as: Float.self),
                                         bias: bias.map { UnsafePointer($0.kernelPointer(as: Float.self)) },
                                         into: output.kernelPointer(as: Float.self), geometry: geometry,
                                         outChannels: outChannels) {
                return (output, nil)
            }
        }
        let (output, patches) = im2colConv2D(x, kernel, bias: bias, geometry: geometry, outChannels: outChannels)
        // The patch matrix is kept only for a kernel gradient that will use it.
        return (output, Self.usesConvolutionPrimitive(.kernelGradient, geometry) ? nil : patches)
    }

    func conv2DInputGradient(_ gradient: TensorStorage, _ kernel: TensorStorage, geometry: WindowGeometry,
                             outChannels: Int) -> TensorStorage {
        if Self.usesConvolutionPrimitive(.inputGradient, geometry) {
            let output = allocate(byteCount: geometry.batch * geometry.inputHeight * geometry.inputWidth
                                      * geometry.channels * 4)
            if OneDNNConvolution.inputGradient(gradient.kernelPointer(as: Float.self),
                                               kernel.kernelPointer(as: Float.self),
                                               into: output.kernelPointer(as: Float.self), geometry: geometry,
                                               outChannels: outChannels) {
                return output
            }
        }
        return im2colConv2DInputGradient(gradient, kernel, geometry: geometry, outChannels: outChannels)
    }

    func conv2DKernelGradient(_ x: TensorStorage, _ gradient: TensorStorage, geometry: WindowGeometry,
                              outChannels: Int, saved: TensorStorage?) -> TensorStorage {
        if saved == nil, Self.usesConvolutionPrimitive(.kernelGradient, geometry) {
            let output = allocate(byteCount: geometry.patchSize * outChannels * 4)
            if OneDNNConvolution.kernelGradient(x.kernelPointer(as: Float.self), gradient.kernelPointer(as: Float.self),
                                                into: output.kernelPointer(as: Float.self), geometry: geometry,
                                                outChannels: outChannels) {
                return output
            }
        }
        return im2colConv2DKernelGradient(x, gradient, geometry: geometry, outChannels: outChannels, saved: saved)
    }
}
