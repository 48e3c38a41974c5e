/// 2-D convolution and transposed convolution on NHWC images.
///
/// Three primitives, each a backend kernel (``Backend/conv2D(_:_:bias:geometry:outChannels:)``
/// and its two gradients; the default composes im2col and the GEMM, a GPU backend
/// uses its own convolution): the convolution `y = conv(x, K)`, its input gradient
/// `conv_x(g, K)` (the transposed convolution) and its kernel gradient `conv_K(x, g)`.
/// All three are partial derivatives of one trilinear form `⟨conv(x, K), g⟩`, so
/// each one's vector-Jacobian product is written with the other two and the family
/// can be differentiated any number of times:
///
///     conv(x, K):    dx = conv_x(dy, K),   dK = conv_K(x, dy)
///     conv_x(g, K):  dg = conv(dz, K),     dK = conv_K(dz, g)
///     conv_K(x, g):  dx = conv_x(g, dV),   dg = conv(x, dV)
extension Tensor {
    /// The im2col matrix of an NHWC batch: one row per output pixel holding its
    /// window, `[batch·outH·outW, windowH·windowW·channels]`. Differentiable.
    ///
    /// - Parameter geometry: the window, strides, dilation and padding; this float32
    ///   tensor's shape must be `geometry.inputShape`.
    /// - Returns: `[geometry.patchCount, geometry.patchSize]`, zeros where a window covers padding.
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
    ///
    /// - Parameter geometry: the window, strides, dilation and padding; this float32
    ///   tensor's shape must be `[geometry.patchCount, geometry.patchSize]`.
    /// - Returns: `geometry.inputShape`, overlapping windows' contributions summed.
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

    /// 2-D convolution (cross-correlation, as every framework) of an NHWC batch,
    /// plus a bias per output channel when given (added in the convolution's own
    /// output pass, as PyTorch's `conv2d(x, w, b)`).
    ///
    /// - Parameters:
    ///   - kernel: `[windowH, windowW, inChannels, outChannels]` (Keras layout; PyTorch's
    ///     `Conv2d.weight` is `[out, in, windowH, windowW]`).
    ///   - bias: `[outChannels]`, or `nil` (default) for none.
    ///   - strides: step between windows (rows, columns).
    ///   - padding: `.valid` (none) or `.same` (output = ceil(input / stride)).
    ///   - dilation: spacing between window taps.
    /// - Shapes: `[batch, H, W, inChannels] → [batch, outH, outW, outChannels]`.
    public func conv2D(_ kernel: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
                       padding: WindowGeometry.Padding = .valid, dilation: (Int, Int) = (1, 1)) -> Tensor {
        require(rank == 4, "conv2D: expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        require(kernel.rank == 4 && kernel.shape[2] == shape[3],
                "conv2D: kernel of shape \(Shape.describe(kernel.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [kh, kw, \(shape[3]), out])")
        require(strides.0 > 0 && strides.1 > 0 && dilation.0 > 0 && dilation.1 > 0,
                "conv2D: strides \(strides) and dilation \(dilation) must be positive")
        guard let geometry = WindowGeometry(inputShape: shape, window: (kernel.shape[0], kernel.shape[1]),
                                            strides: strides, dilation: dilation, padding: padding) else {
            fatalError("conv2D: a \(kernel.shape[0])×\(kernel.shape[1]) window (dilation \(dilation)) does not fit input of shape \(Shape.describe(shape)) with 'valid' padding")
        }
        Tensor.requireSameDTypeAndDevice("conv2D", self, kernel)
        requireDType(.float32, "conv2D")
        guard let bias else { return Tensor.convolution(self, kernel, geometry: geometry) }
        require(bias.rank == 1 && bias.shape[0] == kernel.shape[3],
                "conv2D: bias of shape \(Shape.describe(bias.shape)) does not fit kernel of shape \(Shape.describe(kernel.shape)) (expected [\(kernel.shape[3])])")
        Tensor.requireSameDTypeAndDevice("conv2D", self, bias)
        return Tensor.convolution(self, kernel, bias: bias, geometry: geometry)
    }

    /// Transposed 2-D convolution (the adjoint of ``conv2D(_:bias:strides:padding:dilation:)``),
    /// used to upsample in decoders.
    ///
    /// - Parameters:
    ///   - kernel: `[windowH, windowW, outChannels, inChannels]` (Keras layout).
    ///   - strides: the upsampling factors (default (1, 1)).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - dilation: spacing between the window's taps (default (1, 1)).
    ///   - outputPadding: rows and columns added to the output's end, each smaller than
    ///     its stride (or dilation), to pick among the sizes a strided convolution maps
    ///     to the same input size; `nil` (the default) for Keras' sizes below.
    /// - Shapes: `[batch, H, W, inChannels] → [batch, outH, outW, outChannels]`, sizes
    ///   from ``conv2DTransposeOutputSize(input:window:stride:dilation:padding:outputPadding:)``.
    public func conv2DTranspose(_ kernel: Tensor, strides: (Int, Int) = (1, 1),
                                padding: WindowGeometry.Padding = .valid, dilation: (Int, Int) = (1, 1),
                                outputPadding: (Int, Int)? = nil) -> Tensor {
        require(rank == 4, "conv2DTranspose: expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        require(padding != .causal, "conv2DTranspose: causal padding is for convolutions; use .valid or .same")
        require(kernel.rank == 4 && kernel.shape[3] == shape[3],
                "conv2DTranspose: kernel of shape \(Shape.describe(kernel.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [kh, kw, out, \(shape[3])])")
        require(strides.0 > 0 && strides.1 > 0 && dilation.0 > 0 && dilation.1 > 0,
                "conv2DTranspose: strides \(strides) and dilation \(dilation) must be positive")
        if let outputPadding {
            require(outputPadding.0 >= 0 && outputPadding.1 >= 0
                        && outputPadding.0 < Swift.max(strides.0, dilation.0) && outputPadding.1 < Swift.max(strides.1, dilation.1),
                    "conv2DTranspose: outputPadding \(outputPadding) must be non-negative and smaller than the strides \(strides) or dilation \(dilation)")
        }
        let (windowHeight, windowWidth, outChannels) = (kernel.shape[0], kernel.shape[1], kernel.shape[2])
        let (height, width) = (shape[1], shape[2])
        let outputHeight = Self.conv2DTransposeOutputSize(input: height, window: windowHeight, stride: strides.0, dilation: dilation.0,
                                                          padding: padding, outputPadding: outputPadding?.0)
        let outputWidth = Self.conv2DTransposeOutputSize(input: width, window: windowWidth, stride: strides.1, dilation: dilation.1,
                                                         padding: padding, outputPadding: outputPadding?.1)
        require(outputHeight > 0 && outputWidth > 0,
                "conv2DTranspose: input of shape \(Shape.describe(shape)) gives an empty output of \(outputHeight)×\(outputWidth)")
        // The forward convolution whose input is our output and whose output is our
        // input; "same" pads it as TensorFlow pads that convolution (the smaller half first).
        func padBefore(_ input: Int, _ output: Int, _ window: Int, _ stride: Int, _ dilation: Int) -> Int {
            padding == .same ? Swift.max((input - 1) * stride + (window - 1) * dilation + 1 - output, 0) / 2 : 0
        }
        let geometry = WindowGeometry(
            batch: shape[0], inputHeight: outputHeight, inputWidth: outputWidth, channels: outChannels,
            outputHeight: height, outputWidth: width, windowHeight: windowHeight, windowWidth: windowWidth,
            strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
            padTop: padBefore(height, outputHeight, windowHeight, strides.0, dilation.0),
            padLeft: padBefore(width, outputWidth, windowWidth, strides.1, dilation.1))
        Tensor.requireSameDTypeAndDevice("conv2DTranspose", self, kernel)
        requireDType(.float32, "conv2DTranspose")
        return Tensor.convolutionInputGradient(self, kernel, geometry: geometry)
    }

    /// The output length of a transposed convolution along one axis, Keras' rule
    /// (`deconv_output_length`), with `k' = (window − 1)·dilation + 1`:
    /// without `outputPadding`, `input·stride + max(k' − stride, 0)` for "valid" and
    /// `input·stride` for "same"; with it, `(input − 1)·stride + k' − 2·pad + outputPadding`,
    /// `pad` being `k' / 2` for "same" and 0 for "valid".
    ///
    /// - Parameters:
    ///   - input: the input length.
    ///   - window: the kernel length.
    ///   - stride: the upsampling factor.
    ///   - dilation: spacing between taps.
    ///   - padding: `.valid` or `.same`.
    ///   - outputPadding: extra rows at the end, or `nil`.
    public static func conv2DTransposeOutputSize(input: Int, window: Int, stride: Int, dilation: Int,
                                                 padding: WindowGeometry.Padding, outputPadding: Int?) -> Int {
        let span = (window - 1) * dilation + 1
        guard let outputPadding else {
            return padding == .same ? input * stride : input * stride + Swift.max(span - stride, 0)
        }
        let pad = padding == .same ? span / 2 : 0
        return (input - 1) * stride + span - 2 * pad + outputPadding
    }

    /// `conv(x, K)`: `x` `geometry.inputShape`, `kernel` `[kh, kw, channels, out]` →
    /// `[batch, outH, outW, out]`.
    static func convolution(_ x: Tensor, _ kernel: Tensor, geometry: WindowGeometry) -> Tensor {
        let outChannels = kernel.shape[3]
        let (storage, saved) = x.backend.conv2D(x.storage, kernel.storage, bias: nil, geometry: geometry,
                                                outChannels: outChannels)
        let result = Tensor(storage: storage, shape: [geometry.batch, geometry.outputHeight, geometry.outputWidth, outChannels],
                            dtype: .float32)
        guard needsRecording(x, kernel) else { return result }
        let (needsInput, needsKernel) = (x.node != nil, kernel.node != nil)
        return record(result, op: "conv2D", inputs: x, kernel) { gradient in
            [needsInput ? convolutionInputGradient(gradient, kernel, geometry: geometry) : nil,
             needsKernel ? convolutionKernelGradient(x, gradient, geometry: geometry, kernelShape: kernel.shape,
                                                     saved: saved) : nil]
        }
    }

    /// `conv(x, K) + b` in one kernel: the bias's gradient is the output gradient
    /// summed over every pixel of every image.
    static func convolution(_ x: Tensor, _ kernel: Tensor, bias: Tensor, geometry: WindowGeometry) -> Tensor {
        let outChannels = kernel.shape[3]
        let (storage, saved) = x.backend.conv2D(x.storage, kernel.storage, bias: bias.storage, geometry: geometry,
                                                outChannels: outChannels)
        let result = Tensor(storage: storage, shape: [geometry.batch, geometry.outputHeight, geometry.outputWidth, outChannels],
                            dtype: .float32)
        guard needsRecording(x, kernel, bias) else { return result }
        let (needsInput, needsKernel, needsBias) = (x.node != nil, kernel.node != nil, bias.node != nil)
        return record(result, op: "conv2D_bias", inputs: [x, kernel, bias]) { gradient in
            [needsInput ? convolutionInputGradient(gradient, kernel, geometry: geometry) : nil,
             needsKernel ? convolutionKernelGradient(x, gradient, geometry: geometry, kernelShape: kernel.shape,
                                                     saved: saved) : nil,
             needsBias ? gradient.sum(alongAxes: [0, 1, 2]) : nil]
        }
    }

    /// `conv_x(g, K)`, the transposed convolution: `g` `[batch, outH, outW, out]`,
    /// `kernel` `[kh, kw, channels, out]` → `geometry.inputShape`.
    static func convolutionInputGradient(_ gradient: Tensor, _ kernel: Tensor, geometry: WindowGeometry) -> Tensor {
        let storage = gradient.backend.conv2DInputGradient(gradient.storage, kernel.storage, geometry: geometry,
                                                           outChannels: kernel.shape[3])
        let result = Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)
        guard needsRecording(gradient, kernel) else { return result }
        let (needsGradient, needsKernel) = (gradient.node != nil, kernel.node != nil)
        return record(result, op: "conv2DInputGradient", inputs: gradient, kernel) { upstream in
            [needsGradient ? convolution(upstream, kernel, geometry: geometry) : nil,
             needsKernel ? convolutionKernelGradient(upstream, gradient, geometry: geometry, kernelShape: kernel.shape,
                                                     saved: nil) : nil]
        }
    }

    /// `conv_K(x, g)`: `x` `geometry.inputShape`, `g` `[batch, outH, outW, out]` →
    /// `kernelShape` `[kh, kw, channels, out]`. `saved` is the forward's saved state
    /// for this `x`, if any.
    static func convolutionKernelGradient(_ x: Tensor, _ gradient: Tensor, geometry: WindowGeometry, kernelShape: [Int],
                                          saved: TensorStorage?) -> Tensor {
        let storage = x.backend.conv2DKernelGradient(x.storage, gradient.storage, geometry: geometry,
                                                     outChannels: kernelShape[3], saved: saved)
        let result = Tensor(storage: storage, shape: kernelShape, dtype: .float32)
        guard needsRecording(x, gradient) else { return result }
        let (needsInput, needsGradient) = (x.node != nil, gradient.node != nil)
        return record(result, op: "conv2DKernelGradient", inputs: x, gradient) { upstream in
            [needsInput ? convolutionInputGradient(gradient, upstream, geometry: geometry) : nil,
             needsGradient ? convolution(x, upstream, geometry: geometry) : nil]
        }
    }
}
