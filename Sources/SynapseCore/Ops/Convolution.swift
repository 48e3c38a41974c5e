/// 2-D convolution and transposed convolution on NHWC images, through im2col and
/// the GEMM.
///
/// The convolution is composed of two differentiable steps: ``patches(_:)``
/// (im2col, whose backward is col2im) and a matrix product with the kernel seen as
/// `[windowH·windowW·inChannels, outChannels]`. Both backward passes are therefore
/// GEMMs too: `dKernel = patchesᵀ · dY`, `dPatches = dY · kernelᵀ`, then col2im.
extension Tensor {
    /// The im2col matrix of an NHWC batch: one row per output pixel holding its
    /// window, `[batch·outH·outW, windowH·windowW·channels]`. Differentiable.
    public func patches(_ geometry: WindowGeometry) -> Tensor {
        requireDType(.float32, "patches")
        require(shape == geometry.inputShape, "patches: input shape \(Shape.describe(shape)) does not match the geometry's \(Shape.describe(geometry.inputShape))")
        let storage = backend.im2col(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: [geometry.patchCount, geometry.patchSize], dtype: .float32)
        return Tensor.record(result, op: "patches", input: self) { gradient in
            [gradient.foldingPatches(geometry)]
        }
    }

    /// col2im: sums the rows of a patch matrix back into an NHWC batch of
    /// `geometry.inputShape` (the adjoint of ``patches(_:)``). Differentiable.
    public func foldingPatches(_ geometry: WindowGeometry) -> Tensor {
        requireDType(.float32, "foldingPatches")
        require(shape == [geometry.patchCount, geometry.patchSize],
                "foldingPatches: expected shape \(Shape.describe([geometry.patchCount, geometry.patchSize])), got \(Shape.describe(shape))")
        let storage = backend.col2im(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)
        return Tensor.record(result, op: "foldPatches", input: self) { gradient in
            [gradient.patches(geometry)]
        }
    }

    /// 2-D convolution (cross-correlation, as every framework) of an NHWC batch.
    ///
    /// - Parameters:
    ///   - kernel: `[windowH, windowW, inChannels, outChannels]` (Keras layout; PyTorch's
    ///     `Conv2d.weight` is `[out, in, windowH, windowW]`).
    ///   - strides: step between windows (rows, columns).
    ///   - padding: `.valid` (none) or `.same` (output = ceil(input / stride)).
    ///   - dilation: spacing between window taps.
    /// - Shapes: `[batch, H, W, inChannels] → [batch, outH, outW, outChannels]`.
    public func conv2D(_ kernel: Tensor, strides: (Int, Int) = (1, 1), padding: WindowGeometry.Padding = .valid,
                       dilation: (Int, Int) = (1, 1)) -> Tensor {
        require(rank == 4, "conv2D: expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        require(kernel.rank == 4 && kernel.shape[2] == shape[3],
                "conv2D: kernel of shape \(Shape.describe(kernel.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [kh, kw, \(shape[3]), out])")
        require(strides.0 > 0 && strides.1 > 0 && dilation.0 > 0 && dilation.1 > 0,
                "conv2D: strides \(strides) and dilation \(dilation) must be positive")
        guard let geometry = WindowGeometry(inputShape: shape, window: (kernel.shape[0], kernel.shape[1]),
                                            strides: strides, dilation: dilation, padding: padding) else {
            fatalError("conv2D: a \(kernel.shape[0])×\(kernel.shape[1]) window (dilation \(dilation)) does not fit input of shape \(Shape.describe(shape)) with 'valid' padding")
        }
        let outChannels = kernel.shape[3]
        let pointwise = geometry.windowHeight == 1 && geometry.windowWidth == 1 && strides == (1, 1)
        // A 1×1 convolution with stride 1 needs no patches: the image is the patch matrix.
        let columns = pointwise ? reshaped(to: [-1, shape[3]]) : patches(geometry)
        let output = columns.matmul(kernel.reshaped(to: [geometry.patchSize, outChannels]))
        return output.reshaped(to: [geometry.batch, geometry.outputHeight, geometry.outputWidth, outChannels])
    }

    /// Transposed 2-D convolution (the adjoint of ``conv2D(_:strides:padding:dilation:)``),
    /// used to upsample in decoders.
    ///
    /// - Parameters:
    ///   - kernel: `[windowH, windowW, outChannels, inChannels]` (Keras layout).
    /// - Shapes: `[batch, H, W, inChannels] → [batch, outH, outW, outChannels]` with
    ///   `out = (in − 1)·stride + max(window, stride)` for "valid" (Keras' size; the rows a
    ///   window smaller than the stride does not reach are zero) and `in·stride` for "same".
    public func conv2DTranspose(_ kernel: Tensor, strides: (Int, Int) = (1, 1),
                                padding: WindowGeometry.Padding = .valid) -> Tensor {
        require(rank == 4, "conv2DTranspose: expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        require(kernel.rank == 4 && kernel.shape[3] == shape[3],
                "conv2DTranspose: kernel of shape \(Shape.describe(kernel.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [kh, kw, out, \(shape[3])])")
        let (windowHeight, windowWidth, outChannels) = (kernel.shape[0], kernel.shape[1], kernel.shape[2])
        let (height, width) = (shape[1], shape[2])
        // Keras: a window smaller than the stride still yields `stride` rows per input row ("valid").
        let outputHeight = padding == .same ? height * strides.0 : (height - 1) * strides.0 + Swift.max(windowHeight, strides.0)
        let outputWidth = padding == .same ? width * strides.1 : (width - 1) * strides.1 + Swift.max(windowWidth, strides.1)
        // The forward convolution whose input is our output and whose output is our input.
        let geometry = WindowGeometry(
            batch: shape[0], inputHeight: outputHeight, inputWidth: outputWidth, channels: outChannels,
            outputHeight: height, outputWidth: width, windowHeight: windowHeight, windowWidth: windowWidth,
            strideHeight: strides.0, strideWidth: strides.1,
            padTop: padding == .same ? Swift.max(windowHeight - strides.0, 0) / 2 : 0,
            padLeft: padding == .same ? Swift.max(windowWidth - strides.1, 0) / 2 : 0)
        let columns = reshaped(to: [-1, shape[3]])
            .matmul(kernel.reshaped(to: [geometry.patchSize, shape[3]]), transposeB: true)
        return columns.foldingPatches(geometry)
    }
}
