/// Max pooling over NHWC images (Keras' `MaxPooling2D`).
///
/// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C]`.
public final class MaxPooling2D: Layer {
    /// The pooling window (rows, columns).
    public let poolSize: (Int, Int)
    /// The step between windows (rows, columns); `nil` means the pool size.
    public let strides: (Int, Int)?
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding

    /// Creates a max pooling layer over NHWC images `[batch, H, W, C]`.
    ///
    /// - Parameters:
    ///   - poolSize: the window (rows, columns) (default (2, 2)).
    ///   - strides: the step between windows (rows, columns); `nil` (the default) uses `poolSize`.
    ///   - padding: `.valid` (default) or `.same`; `.causal` is refused.
    ///   - name: the layer's name (default: unique within its model).
    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil) {
        (self.poolSize, self.strides, self.padding) = (poolSize, strides, padding)
        require(padding != .causal, "MaxPooling2D: causal padding is for Conv1D; use .valid or .same")
        super.init(name: name)
    }

    /// Square pools: `MaxPooling2D(2)`.
    ///
    /// - Parameters:
    ///   - poolSize: the window size, used for both rows and columns.
    ///   - strides: the step between windows in both directions; `nil` (the default) uses `poolSize`.
    ///   - padding: `.valid` (default) or `.same`; `.causal` is refused.
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ poolSize: Int, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding, name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        input.maxPool2D(poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Average pooling over NHWC images (Keras' `AveragePooling2D`); padded positions
/// are not counted with `.same`.
public final class AveragePooling2D: Layer {
    /// The pooling window (rows, columns).
    public let poolSize: (Int, Int)
    /// The step between windows (rows, columns); `nil` means the pool size.
    public let strides: (Int, Int)?
    /// `.valid` (no padding) or `.same` (output size = ceil(input / stride)).
    public let padding: Padding

    /// Creates a average pooling layer over NHWC images `[batch, H, W, C]`.
    ///
    /// - Parameters:
    ///   - poolSize: the window (rows, columns) (default (2, 2)).
    ///   - strides: the step between windows (rows, columns); `nil` (the default) uses `poolSize`.
    ///   - padding: `.valid` (default) or `.same`; `.causal` is refused.
    ///   - name: the layer's name (default: unique within its model).
    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid, name: String? = nil) {
        (self.poolSize, self.strides, self.padding) = (poolSize, strides, padding)
        require(padding != .causal, "AveragePooling2D: causal padding is for Conv1D; use .valid or .same")
        super.init(name: name)
    }

    /// Square pools: `AveragePooling2D(2)`.
    ///
    /// - Parameters:
    ///   - poolSize: the window size, used for both rows and columns.
    ///   - strides: the step between windows in both directions; `nil` (the default) uses `poolSize`.
    ///   - padding: `.valid` (default) or `.same`; `.causal` is refused.
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ poolSize: Int, strides: Int? = nil, padding: Padding = .valid, name: String? = nil) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding, name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        input.averagePool2D(poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Mean over the spatial dimensions: `[batch, H, W, C] → [batch, C]` (or
/// `[batch, 1, 1, C]` with `keepDims`).
public final class GlobalAveragePooling2D: Layer {
    /// Whether the spatial axes are kept with size 1 (`[batch, 1, 1, C]`).
    public let keepDims: Bool
    /// Creates a global average pooling layer: the mean of each channel over `H` and `W`.
    ///
    /// - Parameters:
    ///   - keepDims: keep the spatial axes with size 1, `[batch, 1, 1, C]` (default `false`).
    ///   - name: the layer's name (default: unique within its model).
    public init(keepDims: Bool = false, name: String? = nil) {
        self.keepDims = keepDims
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        return input.mean(alongAxes: [1, 2], keepDims: keepDims)
    }
}

/// Maximum over the spatial dimensions: `[batch, H, W, C] → [batch, C]` (or
/// `[batch, 1, 1, C]` with `keepDims`).
public final class GlobalMaxPooling2D: Layer {
    /// Whether the spatial axes are kept with size 1 (`[batch, 1, 1, C]`).
    public let keepDims: Bool
    /// Creates a global max pooling layer: the maximum of each channel over `H` and `W`.
    ///
    /// - Parameters:
    ///   - keepDims: keep the spatial axes with size 1, `[batch, 1, 1, C]` (default `false`).
    ///   - name: the layer's name (default: unique within its model).
    public init(keepDims: Bool = false, name: String? = nil) {
        self.keepDims = keepDims
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        return input.max(alongAxes: [1, 2], keepDims: keepDims)
    }
}
