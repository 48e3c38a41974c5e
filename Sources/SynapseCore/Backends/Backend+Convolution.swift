/// The convolution family composed from im2col, col2im and the GEMM: the default of
/// every backend (the CPU's included), which one with a convolution primitive of
/// its own (cuDNN, oneDNN) overrides.
///
/// With the patch matrix `P = im2col(x)` `[batch·outH·outW, windowH·windowW·channels]`
/// and the kernel `K` `[windowH·windowW·channels, outChannels]`:
/// `y = P·K`, `dx = col2im(dy·Kᵀ)`, `dK = Pᵀ·dy`. A 1×1 window with stride 1 needs no
/// patches: the image itself is `P`.
extension Backend {
    /// `y = im2col(x) · K + b` (see ``Backend/conv2D(_:_:bias:geometry:outChannels:)``);
    /// keeps the patch matrix for the kernel gradient.
    ///
    /// - Parameters:
    ///   - x: float32 `geometry.inputShape`.
    ///   - kernel: float32 `[patchSize, outChannels]`.
    ///   - bias: float32 `[outChannels]`, or `nil`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    /// - Returns: `[patchCount, outChannels]` and the patch matrix (`nil` for a pointwise window).
    public func conv2D(_ x: TensorStorage, _ kernel: TensorStorage, bias: TensorStorage?, geometry: WindowGeometry,
                       outChannels: Int) -> (output: TensorStorage, saved: TensorStorage?) {
        im2colConv2D(x, kernel, bias: bias, geometry: geometry, outChannels: outChannels)
    }

    /// The im2col + GEMM convolution that ``conv2D(_:_:bias:geometry:outChannels:)`` defaults
    /// to, for a backend that keeps it for some geometries.
    ///
    /// - Parameters:
    ///   - x: float32 `geometry.inputShape`.
    ///   - kernel: float32 `[patchSize, outChannels]`.
    ///   - bias: float32 `[outChannels]`, or `nil`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    /// - Returns: `[patchCount, outChannels]` and the patch matrix (`nil` for a pointwise window).
    public func im2colConv2D(_ x: TensorStorage, _ kernel: TensorStorage, bias: TensorStorage?,
                             geometry: WindowGeometry,
                             outChannels: Int) -> (output: TensorStorage, saved: TensorStorage?) {
        let columns = geometry.isPointwise ? x : im2col(x, geometry: geometry)
        let output = matmul(columns, kernel, bias: bias, dtype: .float32, batch: 1, m: geometry.patchCount, n: outChannels, k: geometry.patchSize,
                            transposeA: false, transposeB: false, batchStrideA: 0, batchStrideB: 0)
        return (output, geometry.isPointwise ? nil : columns)
    }

    /// `dx = col2im(dy · Kᵀ)`.
    ///
    /// - Parameters:
    ///   - gradient: float32 `[patchCount, outChannels]`.
    ///   - kernel: float32 `[patchSize, outChannels]`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    /// - Returns: float32 `geometry.inputShape`.
    public func conv2DInputGradient(_ gradient: TensorStorage, _ kernel: TensorStorage, geometry: WindowGeometry,
                                    outChannels: Int) -> TensorStorage {
        im2colConv2DInputGradient(gradient, kernel, geometry: geometry, outChannels: outChannels)
    }

    /// `dx = col2im(dy · Kᵀ)`, the default of ``conv2DInputGradient(_:_:geometry:outChannels:)``.
    ///
    /// - Parameters:
    ///   - gradient: float32 `[patchCount, outChannels]`.
    ///   - kernel: float32 `[patchSize, outChannels]`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    /// - Returns: float32 `geometry.inputShape`.
    public func im2colConv2DInputGradient(_ gradient: TensorStorage, _ kernel: TensorStorage,
                                          geometry: WindowGeometry, outChannels: Int) -> TensorStorage {
        let columns = matmul(gradient, kernel, batch: 1, m: geometry.patchCount, n: geometry.patchSize, k: outChannels,
                             transposeA: false, transposeB: true, batchStrideA: 0, batchStrideB: 0)
        return geometry.isPointwise ? columns : col2im(columns, geometry: geometry)
    }

    /// `dK = im2col(x)ᵀ · dy`, reusing the forward's patch matrix when given.
    ///
    /// - Parameters:
    ///   - x: float32 `geometry.inputShape`.
    ///   - gradient: float32 `[patchCount, outChannels]`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    ///   - saved: the patch matrix ``conv2D(_:_:bias:geometry:outChannels:)`` returned, or `nil`.
    /// - Returns: float32 `[patchSize, outChannels]`.
    public func conv2DKernelGradient(_ x: TensorStorage, _ gradient: TensorStorage, geometry: WindowGeometry,
                                     outChannels: Int, saved: TensorStorage?) -> TensorStorage {
        im2colConv2DKernelGradient(x, gradient, geometry: geometry, outChannels: outChannels, saved: saved)
    }

    /// `dK = im2col(x)ᵀ · dy`, the default of
    /// ``conv2DKernelGradient(_:_:geometry:outChannels:saved:)``.
    ///
    /// - Parameters:
    ///   - x: float32 `geometry.inputShape`.
    ///   - gradient: float32 `[patchCount, outChannels]`.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    ///   - saved: the patch matrix ``im2colConv2D(_:_:bias:geometry:outChannels:)`` returned, or `nil`.
    /// - Returns: float32 `[patchSize, outChannels]`.
    public func im2colConv2DKernelGradient(_ x: TensorStorage, _ gradient: TensorStorage, geometry: WindowGeometry,
                                           outChannels: Int, saved: TensorStorage?) -> TensorStorage {
        let columns = saved ?? (geometry.isPointwise ? x : im2col(x, geometry: geometry))
        return matmul(columns, gradient, batch: 1, m: geometry.patchSize, n: outChannels, k: geometry.patchCount,
                      transposeA: true, transposeB: false, batchStrideA: 0, batchStrideB: 0)
    }
}
