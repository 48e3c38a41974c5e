/// Depthwise 2-D convolution over NHWC images (Keras' `DepthwiseConv2D`): each input
/// channel is convolved with its own `depthMultiplier` kernels, and channels never mix.
///
/// Output channel `c · depthMultiplier + m` is input channel `c` convolved with
/// `depthwise_kernel[:, :, c, m]` (TensorFlow's and Keras' order), plus its bias.
///
/// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C · depthMultiplier]`, with
///   `outH`, `outW` as ``Conv2D``'s for the same window, strides, padding and dilation.
/// - Weights: `depthwise_kernel` `[kh, kw, C, depthMultiplier]` (Keras layout, tf.keras'
///   name; Keras 3 calls the same variable `kernel`; PyTorch's `Conv2d(groups: C).weight`
///   is `[C · depthMultiplier, 1, kh, kw]`), `bias` `[C · depthMultiplier]`.
///
/// Differences from Keras: strides above 1 together with a dilation above 1 are
/// accepted (Keras' PyTorch and JAX back ends accept them too; TensorFlow's does not).
///
/// ```swift
/// DepthwiseConv2D(kernelSize: 3, padding: .same, activation: .relu)
/// ```
public final class DepthwiseConv2D: Layer {
    /// Window size (rows, columns).
    public let kernelSize: (Int, Int)
    /// Step between windows.
    public let strides: (Int, Int)
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding
    /// Kernels per input channel (output channels = input channels × this).
    public let depthMultiplier: Int
    /// Spacing between the window's taps.
    public let dilationRate: (Int, Int)
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial depthwise kernel.
    public let depthwiseInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// Penalty on the depthwise kernel added to the training loss, if any.
    public let depthwiseRegularizer: (any Regularizer)?
    /// Penalty on the bias added to the training loss, if any.
    public let biasRegularizer: (any Regularizer)?
    /// The kernels, `[kh, kw, C, depthMultiplier]` (set when the layer is built).
    public private(set) var depthwiseKernel: Parameter!
    /// The bias, `[C · depthMultiplier]`, when ``useBias`` (set when the layer is built).
    public private(set) var bias: Parameter?

    /// A depthwise 2-D convolution layer.
    ///
    /// - Parameters:
    ///   - kernelSize: window (rows, columns).
    ///   - strides: step between windows (default (1, 1)).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - depthMultiplier: kernels per input channel (default 1).
    ///   - dilationRate: spacing between taps (default (1, 1)).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - depthwiseInitializer: default Glorot uniform (Keras' default).
    ///   - biasInitializer: default zeros.
    ///   - depthwiseRegularizer: penalty on the kernel added to the loss (default none).
    ///   - biasRegularizer: penalty on the bias added to the loss (default none).
    ///   - name: the layer's name (default: unique within its model).
    public init(kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                depthMultiplier: Int = 1, dilationRate: (Int, Int) = (1, 1), activation: ActivationFunction = .linear,
                useBias: Bool = true, depthwiseInitializer: any Initializer = .glorotUniform(),
                biasInitializer: any Initializer = .zeros, depthwiseRegularizer: (any Regularizer)? = nil,
                biasRegularizer: (any Regularizer)? = nil, name: String? = nil) {
        require(kernelSize.0 > 0 && kernelSize.1 > 0, "DepthwiseConv2D: kernelSize must be positive, got \(kernelSize)")
        require(strides.0 > 0 && strides.1 > 0, "DepthwiseConv2D: strides must be positive, got \(strides)")
        require(dilationRate.0 > 0 && dilationRate.1 > 0, "DepthwiseConv2D: dilationRate must be positive, got \(dilationRate)")
        require(depthMultiplier > 0, "DepthwiseConv2D: depthMultiplier must be positive, got \(depthMultiplier)")
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        require(padding != .causal, "DepthwiseConv2D: causal padding is for Conv1D; use .valid or .same")
        self.depthMultiplier = depthMultiplier
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    /// Square windows: `DepthwiseConv2D(kernelSize: 3)`.
    ///
    /// - Parameters:
    ///   - kernelSize: window rows and columns.
    ///   - strides: step between windows in both directions (default 1).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - depthMultiplier: kernels per input channel (default 1).
    ///   - dilationRate: spacing between taps in both directions (default 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - depthwiseInitializer: draws the initial depthwise kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial bias (default zeros).
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(kernelSize: Int, strides: Int = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
                            dilationRate: Int = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                            depthwiseInitializer: any Initializer = .glorotUniform(),
                            biasInitializer: any Initializer = .zeros, name: String? = nil) {
        self.init(kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
                  depthMultiplier: depthMultiplier, dilationRate: (dilationRate, dilationRate), activation: activation,
                  useBias: useBias, depthwiseInitializer: depthwiseInitializer, biasInitializer: biasInitializer, name: name)
    }

    public override func build(inputShape: [Int]) {
        require(inputShape.count == 3, "\(name): expected NHWC inputs [batch, H, W, C], got per-sample shape \(Shape.describe(inputShape))")
        let channels = inputShape[2]
        depthwiseKernel = Parameter(depthwiseInitializer([kernelSize.0, kernelSize.1, channels, depthMultiplier]),
                                    name: "depthwise_kernel", regularizer: depthwiseRegularizer)
        if useBias {
            bias = Parameter(biasInitializer([channels * depthMultiplier]), name: "bias", regularizer: biasRegularizer)
        }
    }

    public override var ownParameters: [Parameter] { [depthwiseKernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        var output = input.depthwiseConv2D(depthwiseKernel.value, strides: strides, padding: padding, dilation: dilationRate)
        if let bias { output = output + bias.value }
        return activation(output)
    }
}

/// The depthwise convolution behind ``DepthwiseConv2D``, as a differentiable
/// ``/SynapseCore/Tensor`` operation.
extension Tensor {
    /// Depthwise 2-D convolution (cross-correlation) of an NHWC batch: each channel
    /// with its own kernels, as TensorFlow's `depthwise_conv2d`.
    ///
    /// Composed of differentiable tensor ops — zero padding, one strided window slice
    /// per kernel tap, a broadcast product with that tap's per-channel weights, and a
    /// sum over the taps — so gradients of any order, every dtype the ops take
    /// (float32, float64) and every device come from those ops. The work is
    /// `kh · kw` whole-batch slices and products, with no loop over samples or channels.
    ///
    /// - Parameters:
    ///   - kernel: `[kh, kw, C, multiplier]` (Keras' depthwise layout).
    ///   - strides: step between windows (rows, columns), default (1, 1).
    ///   - padding: `.valid` (default) or `.same` (output = ceil(input / stride), the odd
    ///     pixel of padding at the bottom/right, as TensorFlow).
    ///   - dilation: spacing between taps, default (1, 1).
    /// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C · multiplier]`; output
    ///   channel `c · multiplier + m` comes from input channel `c` and kernel `[:, :, c, m]`.
    public func depthwiseConv2D(_ kernel: Tensor, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                                dilation: (Int, Int) = (1, 1)) -> Tensor {
        require(rank == 4, "depthwiseConv2D: expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        require(kernel.rank == 4 && kernel.shape[2] == shape[3],
                "depthwiseConv2D: kernel of shape \(Shape.describe(kernel.shape)) does not fit input of shape \(Shape.describe(shape)) (expected [kh, kw, \(shape[3]), multiplier])")
        require(strides.0 > 0 && strides.1 > 0 && dilation.0 > 0 && dilation.1 > 0,
                "depthwiseConv2D: strides \(strides) and dilation \(dilation) must be positive")
        let (windowHeight, windowWidth, multiplier) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
        guard let geometry = WindowGeometry(inputShape: shape, window: (windowHeight, windowWidth), strides: strides,
                                            dilation: dilation, padding: padding) else {
            fatalError("depthwiseConv2D: a \(windowHeight)×\(windowWidth) window (dilation \(dilation)) does not fit input of shape \(Shape.describe(shape)) with 'valid' padding")
        }
        require(geometry.outputHeight > 0 && geometry.outputWidth > 0,
                "depthwiseConv2D: input of shape \(Shape.describe(shape)) gives an empty output")
        let (batch, channels) = (shape[0], shape[3])
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        // The rows and columns the windows reach, padding included.
        let spanHeight = (outputHeight - 1) * strides.0 + (windowHeight - 1) * dilation.0 + 1
        let spanWidth = (outputWidth - 1) * strides.1 + (windowWidth - 1) * dilation.1 + 1
        let padded = zeroPadded(top: geometry.padTop, bottom: Swift.max(spanHeight - shape[1] - geometry.padTop, 0),
                                left: geometry.padLeft, right: Swift.max(spanWidth - shape[2] - geometry.padLeft, 0))
        var output: Tensor?
        for row in 0..<windowHeight {
            for column in 0..<windowWidth {
                let (top, left) = (row * dilation.0, column * dilation.1)
                // The input pixel under tap (row, column) of every window: [batch, outH, outW, C].
                let window = padded.slice([
                    .wholeAxis,
                    .range(start: top, end: top + (outputHeight - 1) * strides.0 + 1, step: strides.0),
                    .range(start: left, end: left + (outputWidth - 1) * strides.1 + 1, step: strides.1),
                    .wholeAxis,
                ])
                let tap = kernel.slice([.index(row), .index(column)])   // [C, multiplier]
                let term = multiplier == 1
                    ? window * tap.reshaped(to: [channels])
                    : (window.unsqueezed(axis: 4) * tap).reshaped(to: [batch, outputHeight, outputWidth, channels * multiplier])
                output = output.map { $0 + term } ?? term
            }
        }
        return output!
    }

    /// Zero rows and columns added around an NHWC batch (same dtype and device).
    private func zeroPadded(top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        func pad(_ x: Tensor, axis: Int, before: Int, after: Int) -> Tensor {
            guard before > 0 || after > 0 else { return x }
            var pieces: [Tensor] = []
            var zerosShape = x.shape
            if before > 0 { zerosShape[axis] = before; pieces.append(.zeros(zerosShape, dtype: x.dtype, device: x.device)) }
            pieces.append(x)
            if after > 0 { zerosShape[axis] = after; pieces.append(.zeros(zerosShape, dtype: x.dtype, device: x.device)) }
            return Tensor.concatenate(pieces, axis: axis)
        }
        return pad(pad(self, axis: 1, before: top, after: bottom), axis: 2, before: left, after: right)
    }
}
