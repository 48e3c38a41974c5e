/// Flattens each sample to one dimension: `[batch, d1, d2, ...] → [batch, d1·d2·…]`.
public final class Flatten: Layer {
    public override init(name: String? = nil) { super.init(name: name) }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        input.reshaped(to: [input.shape.first ?? 1, -1])
    }
}

/// Reshapes each sample to `targetShape` (which may contain one -1):
/// `[batch, ...] → [batch] + targetShape`.
public final class Reshape: Layer {
    /// The per-sample shape of the output; one entry may be -1 (inferred).
    public let targetShape: [Int]
    /// - Parameters:
    ///   - targetShape: the per-sample output shape, batch left out; at most one -1.
    ///   - name: a fixed name; by default "reshape", made unique by the model.
    public init(_ targetShape: [Int], name: String? = nil) {
        self.targetShape = targetShape
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        input.reshaped(to: [input.shape.first ?? 1] + targetShape)
    }
}

/// Declares the per-sample input shape of a model (Keras' `Input` / `InputLayer`),
/// so the model builds and can print its summary before seeing data. In the
/// functional API it is the start of the graph: layers are called on it.
///
/// ```swift
/// let model = Sequential {
///     Input(shape: [784])
///     Dense(10, activation: .softmax)
/// }
/// // functional
/// let inputs = Input(shape: [784])
/// let outputs = Dense(10, activation: .softmax)(inputs)
/// let same = Model(inputs: inputs, outputs: outputs)
/// ```
public final class Input: Layer {
    /// Per-sample shape, without the batch dimension.
    public let shape: [Int]
    /// Element type of the inputs (int32 for token ids).
    public let dtype: DType
    /// The node that starts a functional graph at this input, while a graph holds it.
    weak var symbolicNode: LayerNode?

    /// - Parameters:
    ///   - shape: per-sample shape, without the batch dimension; every size positive.
    ///   - dtype: element type of the inputs (default float32; int32 for token ids).
    ///   - name: a fixed name; by default "input", made unique by the model.
    public init(shape: [Int], dtype: DType = .float32, name: String? = nil) {
        require(shape.allSatisfy { $0 > 0 }, "Input: dimensions must be positive, got \(Shape.describe(shape))")
        self.shape = shape
        self.dtype = dtype
        super.init(name: name)
    }
    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(Array(input.shape.dropFirst()) == shape,
                "\(name): expected inputs of per-sample shape \(Shape.describe(shape)), got \(Shape.describe(Array(input.shape.dropFirst())))")
        return input
    }
}
