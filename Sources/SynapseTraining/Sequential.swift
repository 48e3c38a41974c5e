/// A model that is a plain stack of layers, each feeding the next (Keras' `Sequential`).
///
/// Layers get unique names within the model ("dense", "dense_1", ...) unless they
/// were named explicitly, so parameter names such as `dense_1.kernel` are stable.
///
/// ```swift
/// let model = Sequential {
///     Input(shape: [8])
///     Dense(10, activation: .relu)
///     Dense(1, activation: .sigmoid)
/// }
/// // or
/// let other = Sequential()
/// other.add(Dense(10, activation: .relu))
/// other.add(Dense(1))
/// ```
open class Sequential: Model {
    /// The layers, in order.
    private var stack: [Layer] = []

    /// The layers, in order (the ``/SynapseNN/Input`` declaration included when there is one).
    public override var layers: [Layer] { stack }

    /// A model from the layers listed in a builder block.
    ///
    /// - Parameters:
    ///   - name: the model's name (default `nil`: "sequential", or a subclass's name in snake case).
    ///   - content: the layers, one per line; `if`, `if`-`else` and `for` work inside
    ///     (see ``LayerBuilder``).
    public init(name: String? = nil, @LayerBuilder _ content: () -> [Layer]) {
        super.init(name: name)
        for layer in content() { add(layer) }
    }

    /// A model from an array of layers (possibly empty; add more with ``add(_:)``).
    ///
    /// - Parameters:
    ///   - layers: the layers in order (default none).
    ///   - name: the model's name (default `nil`: "sequential", or a subclass's name in snake case).
    public init(_ layers: [Layer] = [], name: String? = nil) {
        super.init(name: name)
        for layer in layers { add(layer) }
    }

    /// Appends a layer. A model that starts with an ``/SynapseNN/Input`` builds as soon as it is
    /// compiled or summarised.
    ///
    /// An unnamed layer is renamed to be unique within the model ("dense_1"). Adding a
    /// layer twice, a second layer with the same explicit name, or any layer to a
    /// built model stops the program.
    ///
    /// - Parameter layer: the layer to append.
    public func add(_ layer: Layer) {
        require(!layers.contains { $0 === layer }, "Sequential.add: layer '\(layer.name)' is already in the model")
        if !layer.hasExplicitName {
            let base = layer.name
            let taken = Set(layers.map(\.name))
            var candidate = base
            var suffix = 1
            while taken.contains(candidate) {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            layer.name = candidate
        }
        require(!layers.contains { $0.name == layer.name }, "Sequential.add: a layer named '\(layer.name)' is already in the model")
        require(!isBuilt, "Sequential.add: cannot add '\(layer.name)' to a model that is already built")
        stack.append(layer)
    }

    /// Builds from the leading ``/SynapseNN/Input`` declaration, if there is one.
    public override func buildFromDeclaredInput() {
        if !isBuilt, let input = layers.first as? Input { buildIfNeeded(inputShape: input.shape) }
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { layers }

    /// Builds every layer by running one zero sample through the stack (no gradient),
    /// which also records each layer's output shape for ``Model/summary()``.
    ///
    /// - Parameter inputShape: the shape of one sample, without the batch axis.
    public override func build(inputShape: [Int]) {
        let dtype = (layers.first as? Input)?.dtype ?? .float32
        let probe = Tensor.zeros([1] + inputShape, dtype: dtype)
        _ = withoutGradient { forward(probe, training: false) }
    }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        forwardWithMask(input, mask: nil, training: training).output
    }

    public override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        forwardWithMask(input, mask: mask, training: training).output
    }

    /// Threads masks through the layers, so the default train and test steps leave
    /// padded steps out of the loss. Builds the model from the batch's shape first
    /// if needed.
    ///
    /// - Parameters:
    ///   - x: a batch, `[batch, ...]`.
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: the output, `[batch, ...output]`, and its time-step mask (bool
    ///   `[batch, time]`) or `nil`.
    public override func forwardWithOutputMask(_ x: Tensor, training: Bool) -> (output: Tensor, mask: Tensor?) {
        if !isBuilt { buildIfNeeded(inputShape: Array(x.shape.dropFirst())) }
        let result = forwardWithMask(x, training: training)
        if outputShape == nil { recordOutputShape(Array(result.output.shape.dropFirst())) }
        return result
    }

    /// Runs the stack and threads the time-step mask from layer to layer
    /// (``/SynapseNN/Layer/computeMask(input:output:mask:)``): `Embedding(maskZero: true)` or
    /// `Masking` create it, recurrent layers skip masked steps. Returns the output
    /// and its mask (bool `[batch, time]`, `false` at padded steps; `nil` when no
    /// mask reaches the output), so a loss can leave padded steps out.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, ...]`.
    ///   - mask: the input's time-step mask, bool `[batch, time]` (default `nil`: none).
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: the output, `[batch, ...output]`, and the mask that reaches it, or `nil`.
    public func forwardWithMask(_ input: Tensor, mask: Tensor? = nil, training: Bool) -> (output: Tensor, mask: Tensor?) {
        if !training, mask == nil, let output = denseChainForward(input) { return (output, nil) }
        var output = input
        var mask = mask
        for layer in layers {
            let next = layer(output, mask: mask, training: training)
            mask = layer.computeMask(input: output, output: next, mask: mask)
            output = next
        }
        return (output, mask)
    }
}

/// Builds arrays of layers from a block, for ``Sequential/init(name:_:)``.
@resultBuilder
public enum LayerBuilder {
    /// One layer written in the block.
    ///
    /// - Parameter layer: the layer.
    /// - Returns: a one-element list.
    public static func buildExpression(_ layer: Layer) -> [Layer] { [layer] }
    /// A list of layers written in the block, spliced in order.
    ///
    /// - Parameter layers: the layers.
    /// - Returns: the same list.
    public static func buildExpression(_ layers: [Layer]) -> [Layer] { layers }
    /// The block's lines, concatenated in order.
    ///
    /// - Parameter parts: each line's layers.
    /// - Returns: all the layers.
    public static func buildBlock(_ parts: [Layer]...) -> [Layer] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    ///
    /// - Parameter part: the branch's layers, or `nil` when the condition is false.
    /// - Returns: the layers, or none.
    public static func buildOptional(_ part: [Layer]?) -> [Layer] { part ?? [] }
    /// The first branch of an `if`-`else`.
    ///
    /// - Parameter first: the branch's layers.
    /// - Returns: the same layers.
    public static func buildEither(first: [Layer]) -> [Layer] { first }
    /// The second branch of an `if`-`else`.
    ///
    /// - Parameter second: the branch's layers.
    /// - Returns: the same layers.
    public static func buildEither(second: [Layer]) -> [Layer] { second }
    /// A `for` loop.
    ///
    /// - Parameter parts: each iteration's layers.
    /// - Returns: all the layers, in iteration order.
    public static func buildArray(_ parts: [[Layer]]) -> [Layer] { parts.flatMap { $0 } }
}
