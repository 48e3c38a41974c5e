/// Repeats rows and columns (nearest-neighbour upsampling, Keras' `UpSampling2D`).
///
/// - Shapes: `[batch, H, W, C] → [batch, H·size.0, W·size.1, C]`.
public final class UpSampling2D: Layer {
    /// The upsampling factors (rows, columns): each pixel is repeated `size.0` times
    /// down and `size.1` times across.
    public let size: (Int, Int)
    /// Creates a nearest-neighbour upsampling layer.
    ///
    /// - Parameters:
    ///   - size: the upsampling factors (rows, columns), positive (default (2, 2)).
    ///   - name: the layer's name (default: unique within its model).
    public init(size: (Int, Int) = (2, 2), name: String? = nil) {
        require(size.0 > 0 && size.1 > 0, "UpSampling2D: size must be positive, got \(size)")
        self.size = size
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        // Broadcasting a size-1 axis repeats it; the gradient sums the copies back.
        return input.reshaped(to: [n, h, 1, w, 1, c])
            .broadcast(to: [n, h, size.0, w, size.1, c])
            .reshaped(to: [n, h * size.0, w * size.1, c])
    }
}

/// Adds rows and columns of zeros around each image (Keras' `ZeroPadding2D`).
///
/// - Shapes: `[batch, H, W, C] → [batch, H + top + bottom, W + left + right, C]`.
public final class ZeroPadding2D: Layer {
    /// The zeros added, as ((top, bottom), (left, right)).
    public let padding: ((Int, Int), (Int, Int))
    /// Creates a zero-padding layer.
    ///
    /// - Parameters:
    ///   - padding: the rows and columns of zeros to add, ((top, bottom), (left, right)),
    ///     each non-negative (default ((1, 1), (1, 1)), one pixel all round).
    ///   - name: the layer's name (default: unique within its model).
    public init(padding: ((Int, Int), (Int, Int)) = ((1, 1), (1, 1)), name: String? = nil) {
        require([padding.0.0, padding.0.1, padding.1.0, padding.1.1].allSatisfy { $0 >= 0 },
                "ZeroPadding2D: padding must be non-negative, got \(padding)")
        self.padding = padding
        super.init(name: name)
    }
    /// The same padding on every side: `ZeroPadding2D(2)`.
    ///
    /// - Parameters:
    ///   - padding: the rows and columns of zeros added on each of the four sides (non-negative).
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ padding: Int, name: String? = nil) {
        self.init(padding: ((padding, padding), (padding, padding)), name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        func pad(_ x: Tensor, axis: Int, before: Int, after: Int) -> Tensor {
            var pieces: [Tensor] = []
            var zerosShape = x.shape
            if before > 0 { zerosShape[axis] = before; pieces.append(.zeros(zerosShape)) }
            pieces.append(x)
            if after > 0 { zerosShape[axis] = after; pieces.append(.zeros(zerosShape)) }
            return pieces.count == 1 ? x : Tensor.concatenate(pieces, axis: axis)
        }
        let rows = pad(input, axis: 1, before: padding.0.0, after: padding.0.1)
        return pad(rows, axis: 2, before: padding.1.0, after: padding.1.1)
    }
}

/// Drops whole channels (feature maps) during training (Keras' `SpatialDropout2D`),
/// which regularises convolutional features better than per-pixel dropout.
/// Kept channels are scaled by `1 / (1 - rate)`; the identity at inference.
public final class SpatialDropout2D: Layer {
    /// The fraction of channels zeroed per sample during training, in `[0, 1)`.
    public let rate: Float
    private var generator: RandomGenerator?

    /// Creates a spatial dropout layer for NHWC inputs `[batch, H, W, C]`.
    ///
    /// - Parameters:
    ///   - rate: the fraction of channels to drop per sample, in `[0, 1)`; kept channels
    ///     are scaled by `1 / (1 - rate)`. 0 makes the layer the identity.
    ///   - seed: seeds the layer's own mask stream, for repeatable masks; `nil` (the
    ///     default) draws the masks from ``/SynapseCore/Random``.
    ///   - name: the layer's name (default: unique within its model).
    public init(_ rate: Float, seed: UInt64? = nil, name: String? = nil) {
        require(rate >= 0 && rate < 1, "SpatialDropout2D: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = seed.map { RandomGenerator(seed: $0) }
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard training, rate > 0 else { return input }
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        let maskShape = [input.shape[0], 1, 1, input.shape[3]]
        let noise: Tensor
        if generator != nil {
            noise = Tensor.randomUniform(maskShape, generator: &generator!, device: input.device)
        } else {
            noise = Tensor.randomUniform(maskShape, device: input.device)
        }
        let mask = (noise .>= rate).to(.float32)
        return input * (mask * (1 / (1 - rate)))
    }
}
