/// Keras padding modes for convolution and pooling layers: `.valid` or `.same`.
public typealias Padding = WindowGeometry.Padding

/// 2-D convolution over NHWC images: `y = activation(conv(x, kernel) + bias)`.
///
/// The initializers take Keras' argument names and defaults: strides and
/// dilation `(1, 1)`, `.valid` padding, `.linear` activation, a bias, a
/// `.glorotUniform()` kernel and `.zeros` bias, and no regularizers.
///
/// - Shapes: `[batch, H, W, inChannels] → [batch, outH, outW, filters]`.
/// - Weights: `kernel` `[kh, kw, in, filters]` (Keras layout; PyTorch's
///   `Conv2d.weight` is `[filters, in, kh, kw]`), `bias` `[filters]`.
///
/// ```swift
/// Conv2D(32, kernelSize: (3, 3), activation: .relu)
/// ```
public final class Conv2D: Layer {
    /// Output channels (number of kernels).
    public let filters: Int
    /// Window size (rows, columns), or steps for 1-D layers.
    public let kernelSize: (Int, Int)
    /// Step between windows.
    public let strides: (Int, Int)
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding
    /// Spacing between the window's taps.
    public let dilationRate: (Int, Int)
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial kernel.
    public let kernelInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// Penalty on the kernel added to the training loss, if any.
    public let kernelRegularizer: (any Regularizer)?
    /// Penalty on the bias added to the training loss, if any.
    public let biasRegularizer: (any Regularizer)?
    /// The weights (set when the layer is built).
    public private(set) var kernel: Parameter!
    /// The bias, when ``useBias`` (set when the layer is built).
    public private(set) var bias: Parameter?

    /// A 2-D convolution layer.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window (rows, columns).
    ///   - strides: step between windows (default (1, 1)).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - dilationRate: spacing between taps (default (1, 1)).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - kernelInitializer: draws the initial kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial bias (default zeros).
    ///   - kernelRegularizer: penalty on the kernel added to the training loss (default `nil`, none).
    ///   - biasRegularizer: penalty on the bias added to the training loss (default `nil`, none).
    ///   - name: the layer's name (default: unique within its model).
    public init(_ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                dilationRate: (Int, Int) = (1, 1), activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil, name: String? = nil) {
        require(filters > 0, "Conv2D: filters must be positive, got \(filters)")
        require(kernelSize.0 > 0 && kernelSize.1 > 0, "Conv2D: kernelSize must be positive, got \(kernelSize)")
        require(strides.0 > 0 && strides.1 > 0, "Conv2D: strides must be positive, got \(strides)")
        require(dilationRate.0 > 0 && dilationRate.1 > 0, "Conv2D: dilationRate must be positive, got \(dilationRate)")
        require(strides == (1, 1) || dilationRate == (1, 1), "Conv2D: strides > 1 with dilationRate > 1 is not supported (as Keras)")
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        require(padding != .causal, "Conv2D: causal padding is for Conv1D; use .valid or .same")
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    /// Square windows: `Conv2D(32, kernelSize: 3)`.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window size, used for both rows and columns.
    ///   - strides: step between windows, in both directions (default 1).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - dilationRate: spacing between taps, in both directions (default 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - kernelInitializer: draws the initial kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial bias (default zeros).
    ///   - kernelRegularizer: penalty on the kernel added to the training loss (default `nil`, none).
    ///   - biasRegularizer: penalty on the bias added to the training loss (default `nil`, none).
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                            dilationRate: Int = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                            kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                            kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
                            name: String? = nil) {
        self.init(filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
                  dilationRate: (dilationRate, dilationRate), activation: activation, useBias: useBias,
                  kernelInitializer: kernelInitializer, biasInitializer: biasInitializer,
                  kernelRegularizer: kernelRegularizer, biasRegularizer: biasRegularizer, name: name)
    }

    public override func build(inputShape: [Int]) {
        require(inputShape.count == 3, "\(name): expected NHWC inputs [batch, H, W, C], got per-sample shape \(Shape.describe(inputShape))")
        kernel = Parameter(kernelInitializer([kernelSize.0, kernelSize.1, inputShape[2], filters]), name: "kernel",
                           regularizer: kernelRegularizer)
        if useBias { bias = Parameter(biasInitializer([filters]), name: "bias", regularizer: biasRegularizer) }
    }

    public override var ownParameters: [Parameter] { [kernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let output = input.conv2D(kernel.value, bias: bias?.value, strides: strides, padding: padding,
                                  dilation: dilationRate)
        return activation(PerSampleGradientTape.record(self, input: input, output: output))
    }
}

/// 1-D convolution over sequences `[batch, steps, channels]` (Keras' `Conv1D`).
///
/// With `padding: .causal` the sequence is padded at its start only, so output
/// step `t` depends on input steps up to `t` and never later ones (autoregressive
/// models; stack dilations 1, 2, 4, … for WaveNet's receptive fields).
///
/// - Shapes: `[batch, steps, in] → [batch, outSteps, filters]`.
/// - Weights: `kernel` `[kernelSize, in, filters]`, `bias` `[filters]`.
public final class Conv1D: Layer {
    /// Output channels (number of kernels).
    public let filters: Int
    /// Window size (rows, columns), or steps for 1-D layers.
    public let kernelSize: Int
    /// Step between windows.
    public let strides: Int
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding
    /// Spacing between the window's taps.
    public let dilationRate: Int
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial kernel.
    public let kernelInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// The weights (set when the layer is built).
    public private(set) var kernel: Parameter!
    /// The bias, when ``useBias`` (set when the layer is built).
    public private(set) var bias: Parameter?

    /// A 1-D convolution layer over `[batch, steps, channels]`.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window length in steps.
    ///   - strides: step between windows (default 1).
    ///   - padding: `.valid` (default), `.same` or `.causal`.
    ///   - dilationRate: spacing between taps (default 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - kernelInitializer: draws the initial kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial bias (default zeros).
    ///   - name: the layer's name (default: unique within its model).
    public init(_ filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, dilationRate: Int = 1,
                activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                name: String? = nil) {
        require(filters > 0 && kernelSize > 0 && strides > 0 && dilationRate > 0,
                "Conv1D: filters (\(filters)), kernelSize (\(kernelSize)), strides (\(strides)) and dilationRate (\(dilationRate)) must be positive")
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(name: name)
    }

    public override func build(inputShape: [Int]) {
        require(inputShape.count == 2, "\(name): expected inputs [batch, steps, channels], got per-sample shape \(Shape.describe(inputShape))")
        kernel = Parameter(kernelInitializer([kernelSize, inputShape[1], filters]), name: "kernel")
        if useBias { bias = Parameter(biasInitializer([filters]), name: "bias") }
    }

    public override var ownParameters: [Parameter] { [kernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        // A sequence is an image one row high.
        let image = input.unsqueezed(axis: 1)
        let kernel2D = kernel.value.unsqueezed(axis: 0)
        let output = image.conv2D(kernel2D, bias: bias?.value, strides: (1, strides), padding: padding,
                                  dilation: (1, dilationRate))
        return activation(PerSampleGradientTape.record(self, input: image, output: output).squeezed(axis: 1))
    }
}

/// Transposed 2-D convolution, the upsampling layer of decoders (Keras' `Conv2DTranspose`).
///
/// - Shapes: `[batch, H, W, in] → [batch, outH, outW, filters]` with
///   `out = in · stride` for "same" and `(in − 1) · stride + max(kernel, stride)` for "valid"
///   (the kernel's span `(k − 1)·dilation + 1` in place of `k` when dilated); with
///   `outputPadding`, `(in − 1)·stride + span − 2·pad + outputPadding` (`pad = span / 2`
///   for "same", 0 for "valid"), as Keras.
/// - Weights: `kernel` `[kh, kw, filters, in]` (Keras layout; PyTorch's
///   `ConvTranspose2d.weight` is `[in, filters, kh, kw]`), `bias` `[filters]`.
public final class Conv2DTranspose: Layer {
    /// Output channels (number of kernels).
    public let filters: Int
    /// Window size (rows, columns), or steps for 1-D layers.
    public let kernelSize: (Int, Int)
    /// Step between windows.
    public let strides: (Int, Int)
    /// `.valid` (no padding) or `.same` (output size = input × stride).
    public let padding: Padding
    /// Rows and columns added at the output's end (each below its stride), or `nil`.
    public let outputPadding: (Int, Int)?
    /// Spacing between the window's taps.
    public let dilationRate: (Int, Int)
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial kernel.
    public let kernelInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// The weights (set when the layer is built).
    public private(set) var kernel: Parameter!
    /// The bias, when ``useBias`` (set when the layer is built).
    public private(set) var bias: Parameter?

    /// A transposed 2-D convolution layer.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window (rows, columns).
    ///   - strides: upsampling factor (default (1, 1)).
    ///   - padding: `.valid` (default) or `.same` (output = input × stride).
    ///   - outputPadding: rows and columns added at the output's end, each smaller than
    ///     its stride; `nil` (the default) for the sizes above.
    ///   - dilationRate: spacing between the window's taps (default (1, 1); as Keras, not
    ///     with strides above 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - kernelInitializer: draws the initial kernel (default Glorot uniform).
    ///   - biasInitializer: draws the initial bias (default zeros).
    ///   - name: the layer's name (default: unique within its model).
    public init(_ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                outputPadding: (Int, Int)? = nil, dilationRate: (Int, Int) = (1, 1),
                activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                name: String? = nil) {
        require(filters > 0 && kernelSize.0 > 0 && kernelSize.1 > 0 && strides.0 > 0 && strides.1 > 0,
                "Conv2DTranspose: filters (\(filters)), kernelSize \(kernelSize) and strides \(strides) must be positive")
        require(dilationRate.0 > 0 && dilationRate.1 > 0 && (dilationRate == (1, 1) || strides == (1, 1)),
                "Conv2DTranspose: dilationRate \(dilationRate) must be positive, and strides \(strides) 1 when dilated (as Keras)")
        if let outputPadding {
            require(outputPadding.0 >= 0 && outputPadding.1 >= 0
                        && outputPadding.0 < Swift.max(strides.0, dilationRate.0) && outputPadding.1 < Swift.max(strides.1, dilationRate.1),
                    "Conv2DTranspose: outputPadding \(outputPadding) must be non-negative and smaller than the strides \(strides)")
        }
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.outputPadding = outputPadding
        self.dilationRate = dilationRate
        self.padding = padding
        require(padding != .causal, "Conv2DTranspose: causal padding is for Conv1D; use .valid or .same")
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        super.init(name: name)
    }

    /// Square windows: `Conv2DTranspose(32, kernelSize: 3, strides: 2, padding: .same)`.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: window size (rows and columns).
    ///   - strides: upsampling factor (default 1).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - outputPadding: extra rows and columns at the end, below the stride, or `nil` (default).
    ///   - dilationRate: spacing between taps (default 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                            outputPadding: Int? = nil, dilationRate: Int = 1,
                            activation: ActivationFunction = .linear, useBias: Bool = true, name: String? = nil) {
        self.init(filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
                  outputPadding: outputPadding.map { ($0, $0) }, dilationRate: (dilationRate, dilationRate),
                  activation: activation, useBias: useBias, name: name)
    }

    public override func build(inputShape: [Int]) {
        require(inputShape.count == 3, "\(name): expected NHWC inputs [batch, H, W, C], got per-sample shape \(Shape.describe(inputShape))")
        kernel = Parameter(kernelInitializer([kernelSize.0, kernelSize.1, filters, inputShape[2]]), name: "kernel")
        if useBias { bias = Parameter(biasInitializer([filters]), name: "bias") }
    }

    public override var ownParameters: [Parameter] { [kernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        var output = input.conv2DTranspose(kernel.value, strides: strides, padding: padding, dilation: dilationRate,
                                           outputPadding: outputPadding)
        if let bias { output = output + bias.value }
        return activation(output)
    }
}
