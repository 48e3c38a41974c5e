/// The geometry of a sliding-window op over NHWC images: convolution, pooling and
/// their adjoints. Sizes are in pixels; padding is what is added before the first
/// row/column (the rest of the padding goes after, as TensorFlow's "same").
public struct WindowGeometry: Sendable, Hashable {
    /// Images in the batch.
    public var batch: Int
    /// The input's height and width in pixels, and its channels.
    public var inputHeight: Int, inputWidth: Int, channels: Int
    /// The output's height and width in pixels (one per window position).
    public var outputHeight: Int, outputWidth: Int
    /// The window's height and width in taps.
    public var windowHeight: Int, windowWidth: Int
    /// The step between window positions, in pixels.
    public var strideHeight: Int, strideWidth: Int
    /// The spacing between a window's taps (1: adjacent pixels).
    public var dilationHeight: Int, dilationWidth: Int
    /// The padding before the first row and the first column.
    public var padTop: Int, padLeft: Int

    /// Keras padding modes.
    public enum Padding: String, Sendable, Hashable, Codable {
        /// No padding: windows stay inside the image.
        case valid
        /// Pad so that `output = ceil(input / stride)`; extra padding goes after (bottom/right).
        case same
        /// Pad before only, by the window's span less one (`(k − 1)·dilation`), so an
        /// output step sees its own and earlier input steps, never later ones (Keras'
        /// `Conv1D(padding="causal")`, WaveNet's convolutions): `output = ceil(input / stride)`.
        case causal
    }

    /// Computes output size and padding for an input of `[batch, height, width, channels]`.
    ///
    /// - Parameters:
    ///   - inputShape: `[batch, height, width, channels]` (must have four dimensions).
    ///   - window: the window's `(height, width)` in taps.
    ///   - strides: the `(height, width)` step between window positions.
    ///   - dilation: the `(height, width)` spacing between taps; default `(1, 1)`.
    ///   - padding: ``Padding/valid``, ``Padding/same`` or ``Padding/causal``.
    ///
    /// - Returns: `nil` when the window does not fit ("valid" padding on a too small input).
    public init?(inputShape: [Int], window: (Int, Int), strides: (Int, Int), dilation: (Int, Int) = (1, 1),
                 padding: Padding) {
        precondition(inputShape.count == 4)
        batch = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = inputShape[2]
        channels = inputShape[3]
        (windowHeight, windowWidth) = window
        (strideHeight, strideWidth) = strides
        (dilationHeight, dilationWidth) = dilation
        let effectiveHeight = (windowHeight - 1) * dilationHeight + 1
        let effectiveWidth = (windowWidth - 1) * dilationWidth + 1
        switch padding {
        case .valid:
            guard inputHeight >= effectiveHeight, inputWidth >= effectiveWidth else { return nil }
            outputHeight = (inputHeight - effectiveHeight) / strideHeight + 1
            outputWidth = (inputWidth - effectiveWidth) / strideWidth + 1
            padTop = 0
            padLeft = 0
        case .same:
            outputHeight = (inputHeight + strideHeight - 1) / strideHeight
            outputWidth = (inputWidth + strideWidth - 1) / strideWidth
            padTop = Swift.max((outputHeight - 1) * strideHeight + effectiveHeight - inputHeight, 0) / 2
            padLeft = Swift.max((outputWidth - 1) * strideWidth + effectiveWidth - inputWidth, 0) / 2
        case .causal:
            outputHeight = (inputHeight + strideHeight - 1) / strideHeight
            outputWidth = (inputWidth + strideWidth - 1) / strideWidth
            padTop = effectiveHeight - 1
            padLeft = effectiveWidth - 1
        }
    }

    /// Geometry with every field given (adjoint ops such as transposed convolution).
    ///
    /// - Parameters:
    ///   - batch: images in the batch.
    ///   - inputHeight: the input's height in pixels.
    ///   - inputWidth: the input's width in pixels.
    ///   - channels: the input's channels.
    ///   - outputHeight: the output's height (window positions down).
    ///   - outputWidth: the output's width (window positions across).
    ///   - windowHeight: the window's height in taps.
    ///   - windowWidth: the window's width in taps.
    ///   - strideHeight: the vertical step between window positions.
    ///   - strideWidth: the horizontal step between window positions.
    ///   - dilationHeight: the vertical spacing between taps; default 1.
    ///   - dilationWidth: the horizontal spacing between taps; default 1.
    ///   - padTop: padding rows before the first input row.
    ///   - padLeft: padding columns before the first input column.
    public init(batch: Int, inputHeight: Int, inputWidth: Int, channels: Int, outputHeight: Int, outputWidth: Int,
                windowHeight: Int, windowWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int = 1, dilationWidth: Int = 1, padTop: Int, padLeft: Int) {
        (self.batch, self.inputHeight, self.inputWidth, self.channels) = (batch, inputHeight, inputWidth, channels)
        (self.outputHeight, self.outputWidth) = (outputHeight, outputWidth)
        (self.windowHeight, self.windowWidth, self.strideHeight, self.strideWidth) = (windowHeight, windowWidth, strideHeight, strideWidth)
        (self.dilationHeight, self.dilationWidth, self.padTop, self.padLeft) = (dilationHeight, dilationWidth, padTop, padLeft)
    }

    /// Rows of the im2col matrix: one per output pixel.
    public var patchCount: Int { batch * outputHeight * outputWidth }
    /// Columns of the im2col matrix: one per (window row, window column, channel).
    public var patchSize: Int { windowHeight * windowWidth * channels }
    /// A 1×1 window with stride 1 and no padding: every patch is one pixel, so the
    /// image is its own patch matrix.
    public var isPointwise: Bool {
        windowHeight == 1 && windowWidth == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0 && padLeft == 0
            && outputHeight == inputHeight && outputWidth == inputWidth
    }
    /// The input batch's shape, `[batch, inputHeight, inputWidth, channels]`.
    public var inputShape: [Int] { [batch, inputHeight, inputWidth, channels] }
    /// The output batch's shape, `[batch, outputHeight, outputWidth, channels]` (as
    /// pooling makes it; a convolution's output has its own channel count).
    public var outputShape: [Int] { [batch, outputHeight, outputWidth, channels] }
}
