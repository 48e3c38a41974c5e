/// Depthwise separable 2-D convolution over NHWC images (Keras' `SeparableConv2D`):
/// a depthwise convolution (each channel with its own `depthMultiplier` kernels, see
/// ``DepthwiseConv2D``) followed by a pointwise 1×1 convolution that mixes the
/// channels, then the bias and the activation. It needs far fewer weights and
/// multiplications than a ``Conv2D`` of the same window (MobileNet, Xception).
///
/// - Shapes: `[batch, H, W, C] → [batch, outH, outW, filters]`, with `outH`, `outW`
///   as ``Conv2D``'s for the same window, strides, padding and dilation.
/// - Weights (Keras layouts): `depthwise_kernel` `[kh, kw, C, depthMultiplier]`,
///   `pointwise_kernel` `[1, 1, C · depthMultiplier, filters]`, `bias` `[filters]`.
///
/// Differences from Keras: strides above 1 together with a dilation above 1 are
/// accepted (as Keras' PyTorch and JAX back ends).
///
/// ```swift
/// SeparableConv2D(64, kernelSize: 3, padding: .same, activation: .relu)
/// ```
public final class SeparableConv2D: Layer {
    /// Output channels (number of pointwise kernels).
    public let filters: Int
    /// Window size (rows, columns) of the depthwise step.
    public let kernelSize: (Int, Int)
    /// Step between windows.
    public let strides: (Int, Int)
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding
    /// Depthwise kernels per input channel.
    public let depthMultiplier: Int
    /// Spacing between the window's taps.
    public let dilationRate: (Int, Int)
    /// Applied to the output.
    public let activation: ActivationFunction
    /// Whether the layer adds a bias.
    public let useBias: Bool
    /// Draws the initial depthwise kernel.
    public let depthwiseInitializer: any Initializer
    /// Draws the initial pointwise kernel.
    public let pointwiseInitializer: any Initializer
    /// Draws the initial bias.
    public let biasInitializer: any Initializer
    /// Penalty on the depthwise kernel added to the training loss, if any.
    public let depthwiseRegularizer: (any Regularizer)?
    /// Penalty on the pointwise kernel added to the training loss, if any.
    public let pointwiseRegularizer: (any Regularizer)?
    /// Penalty on the bias added to the training loss, if any.
    public let biasRegularizer: (any Regularizer)?
    /// The depthwise kernels, `[kh, kw, C, depthMultiplier]` (set when the layer is built).
    public private(set) var depthwiseKernel: Parameter!
    /// The pointwise kernel, `[1, 1, C · depthMultiplier, filters]` (set when the layer is built).
    public private(set) var pointwiseKernel: Parameter!
    /// The bias, `[filters]`, when ``useBias`` (set when the layer is built).
    public private(set) var bias: Parameter?

    /// A depthwise separable 2-D convolution layer.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: depthwise window (rows, columns).
    ///   - strides: step between windows (default (1, 1)).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - depthMultiplier: depthwise kernels per input channel (default 1).
    ///   - dilationRate: spacing between taps (default (1, 1)).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - depthwiseInitializer: default Glorot uniform (Keras' default).
    ///   - pointwiseInitializer: default Glorot uniform (Keras' default).
    ///   - biasInitializer: default zeros.
    ///   - depthwiseRegularizer: penalty on the depthwise kernel (default none).
    ///   - pointwiseRegularizer: penalty on the pointwise kernel (default none).
    ///   - biasRegularizer: penalty on the bias (default none).
    ///   - name: the layer's name (default: unique within its model).
    public init(_ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                depthMultiplier: Int = 1, dilationRate: (Int, Int) = (1, 1), activation: ActivationFunction = .linear,
                useBias: Bool = true, depthwiseInitializer: any Initializer = .glorotUniform(),
                pointwiseInitializer: any Initializer = .glorotUniform(), biasInitializer: any Initializer = .zeros,
                depthwiseRegularizer: (any Regularizer)? = nil, pointwiseRegularizer: (any Regularizer)? = nil,
                biasRegularizer: (any Regularizer)? = nil, name: String? = nil) {
        require(filters > 0, "SeparableConv2D: filters must be positive, got \(filters)")
        require(kernelSize.0 > 0 && kernelSize.1 > 0, "SeparableConv2D: kernelSize must be positive, got \(kernelSize)")
        require(strides.0 > 0 && strides.1 > 0, "SeparableConv2D: strides must be positive, got \(strides)")
        require(dilationRate.0 > 0 && dilationRate.1 > 0, "SeparableConv2D: dilationRate must be positive, got \(dilationRate)")
        require(depthMultiplier > 0, "SeparableConv2D: depthMultiplier must be positive, got \(depthMultiplier)")
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        require(padding != .causal, "SeparableConv2D: causal padding is for Conv1D; use .valid or .same")
        self.depthMultiplier = depthMultiplier
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.pointwiseInitializer = pointwiseInitializer
        self.biasInitializer = biasInitializer
        self.depthwiseRegularizer = depthwiseRegularizer
        self.pointwiseRegularizer = pointwiseRegularizer
        self.biasRegularizer = biasRegularizer
        super.init(name: name)
    }

    /// Square windows: `SeparableConv2D(64, kernelSize: 3)`.
    ///
    /// - Parameters:
    ///   - filters: output channels.
    ///   - kernelSize: depthwise window rows and columns.
    ///   - strides: step between windows in both directions (default 1).
    ///   - padding: `.valid` (default) or `.same`.
    ///   - depthMultiplier: depthwise kernels per input channel (default 1).
    ///   - dilationRate: spacing between taps in both directions (default 1).
    ///   - activation: applied to the output (default `.linear`).
    ///   - useBias: add a bias (default `true`).
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
                            depthMultiplier: Int = 1, dilationRate: Int = 1, activation: ActivationFunction = .linear,
                            useBias: Bool = true, name: String? = nil) {
        self.init(filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
                  depthMultiplier: depthMultiplier, dilationRate: (dilationRate, dilationRate), activation: activation,
                  useBias: useBias, name: name)
    }

    public override func build(inputShape: [Int]) {
        require(inputShape.count == 3, "\(name): expected NHWC inputs [batch, H, W, C], got per-sample shape \(Shape.describe(inputShape))")
        let channels = inputShape[2]
        depthwiseKernel = Parameter(depthwiseInitializer([kernelSize.0, kernelSize.1, channels, depthMultiplier]),
                                    name: "depthwise_kernel", regularizer: depthwiseRegularizer)
        pointwiseKernel = Parameter(pointwiseInitializer([1, 1, channels * depthMultiplier, filters]),
                                    name: "pointwise_kernel", regularizer: pointwiseRegularizer)
        if useBias { bias = Parameter(biasInitializer([filters]), name: "bias", regularizer: biasRegularizer) }
    }

    public override var ownParameters: [Parameter] { [depthwiseKernel, pointwiseKernel, bias].compactMap { $0 } }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        let depthwise = input.depthwiseConv2D(depthwiseKernel.value, strides: strides, padding: padding, dilation: dilationRate)
        // The 1×1 convolution is one GEMM over all pixels: [N·outH·outW, C·m] · [C·m, filters].
        let mixing = pointwiseKernel.value.reshaped(to: [pointwiseKernel.shape[2], filters])
        var output = depthwise.matmul(mixing)
        if let bias { output = output + bias.value }
        return activation(output)
    }
}
