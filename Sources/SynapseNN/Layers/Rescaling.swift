/// Multiplies inputs by `scale` and adds `offset` (Keras' `Rescaling`), so a model
/// carries its own input normalisation and accepts raw data when saved and served.
///
/// ```swift
/// // Standardise MNIST pixels in [0, 1] with the training set's mean and deviation.
/// let model = Sequential {
///     Input(shape: [784])
///     Rescaling(scale: 1 / 0.3081, offset: -0.1307 / 0.3081)
///     Dense(10, activation: .softmax)
/// }
/// ```
///
/// Shapes: any input `[batch, ...]`, output of the same shape. No parameters.
public final class Rescaling: Layer {
    /// Factor applied first.
    public let scale: Float
    /// Added after scaling.
    public let offset: Float

    /// - Parameters:
    ///   - scale: finite factor, e.g. `1 / 255`.
    ///   - offset: finite value added after scaling (default 0).
    ///   - name: layer name (default: generated, such as "rescaling_1").
    public init(scale: Float, offset: Float = 0, name: String? = nil) {
        require(scale.isFinite && offset.isFinite, "Rescaling: scale and offset must be finite, got scale \(scale), offset \(offset)")
        self.scale = scale
        self.offset = offset
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.dtype == .float32, "\(name): Rescaling expects float32 inputs, got \(input.dtype)")
        let scaled = scale == 1 ? input : input * scale
        return offset == 0 ? scaled : scaled + offset
    }
}

extension Rescaling: ConfigurableLayer {
    /// `scale` and `offset` (Keras keys).
    public var config: LayerConfig {
        var config = baseConfig()
        config["scale"] = .double(Double(scale))
        config["offset"] = .double(Double(offset))
        return config
    }

    /// Rebuilds a `Rescaling` from ``config``.
    ///
    /// - Parameter config: the layer's config: `scale` (required), `offset` (default 0)
    ///   and `name`, as ``config`` writes them.
    /// - Throws: ``ModelFileError`` when `scale` is missing, `scale` or `offset` is not a
    ///   finite number, or `name` is not a valid layer name.
    public convenience init(config: LayerConfig) throws {
        self.init(scale: try config.float("scale"), offset: try config.float("offset", default: 0), name: try config.name())
    }

    /// The input shape, unchanged.
    ///
    /// - Parameter inputShape: the per-sample input shape, without the batch dimension.
    /// - Returns: `inputShape` as the output shape, with no parameters.
    /// - Throws: never: every shape is accepted.
    public func inferShapes(inputShape: [Int]) throws -> InferredShapes? {
        InferredShapes(output: inputShape)
    }
}
