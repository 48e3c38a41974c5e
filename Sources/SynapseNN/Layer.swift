/// The base class of every layer and model: a callable with parameters, built
/// lazily from the shape of its first input (as Keras).
///
/// Subclass it to write a custom layer: create parameters in ``build(inputShape:)``
/// and compute the output in ``forward(_:training:)``. Parameters stored in
/// properties (also inside optionals and arrays of layers) are found by reflection
/// once and cached; built-in layers list theirs explicitly for speed.
///
/// ```swift
/// final class Scale: Layer {
///     var factor: Parameter!
///     override func build(inputShape: [Int]) {
///         factor = Parameter(Tensor.ones([inputShape.last!]), name: "factor")
///     }
///     override func forward(_ input: Tensor, training: Bool) -> Tensor {
///         input * factor.value
///     }
/// }
/// let y = Scale()(Tensor.ones([4, 3]))
/// ```
///
/// Shapes given to ``build(inputShape:)`` and reported by ``inputShape`` and
/// ``outputShape`` are per sample: the batch dimension is left out.
open class Layer {
    /// Unique name within its model, e.g. "dense_1"; prefixes its parameters' names.
    public var name: String
    /// Whether the name was given by the user (a model never renames those).
    public let hasExplicitName: Bool
    /// Freezes (or unfreezes) every parameter of this layer and its sublayers.
    ///
    /// The flag propagates to the sublayers (as Keras' `trainable`), so a sublayer
    /// that builds lazily after its container was frozen creates frozen parameters.
    public var isTrainable: Bool = true {
        didSet {
            for parameter in ownParameters { parameter.isTrainable = isTrainable }
            for layer in sublayers { layer.isTrainable = isTrainable }
        }
    }
    /// Whether ``build(inputShape:)`` ran.
    public private(set) var isBuilt = false
    /// Per-sample input shape seen at build time.
    public private(set) var inputShape: [Int]?
    /// Per-sample output shape of the last call.
    public private(set) var outputShape: [Int]?

    private var cachedReflection: (parameters: [Parameter], sublayers: [Layer])?

    /// - Parameter name: a fixed name; by default the type's name in snake case
    ///   ("dense"), made unique by the enclosing model ("dense_1").
    public init(name: String? = nil) {
        self.name = name ?? Self.defaultName(for: Self.self)
        self.hasExplicitName = name != nil
    }

    /// Creates parameters once the per-sample input shape is known. Called once,
    /// before the first ``forward(_:training:)``.
    ///
    /// The default creates nothing; override it to create parameters.
    ///
    /// - Parameter inputShape: The per-sample input shape, without the batch
    ///   dimension (e.g. `[features]` for a batch `[batch, features]`).
    open func build(inputShape: [Int]) {}

    /// Computes the output for a batch. `training` switches dropout, batch
    /// statistics and other train-only behaviour on.
    ///
    /// Subclasses must override it; the base class stops with a message.
    ///
    /// - Parameters:
    ///   - input: A batch, `[batch, ...]`.
    ///   - training: Whether dropout, batch statistics and other train-only behaviour are active.
    /// - Returns: The layer's output, `[batch, ...]`.
    open func forward(_ input: Tensor, training: Bool) -> Tensor {
        fatalError("\(type(of: self)) must override forward(_:training:)")
    }

    /// Builds on first use, then runs ``forward(_:training:)``.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, ...]`.
    ///   - training: `true` inside training steps; `false` (the default) for inference.
    public final func callAsFunction(_ input: Tensor, training: Bool = false) -> Tensor {
        if !isBuilt { build(for: input) }
        let output = forward(input, training: training)
        if outputShape == nil { outputShape = Array(output.shape.dropFirst()) }
        return output
    }

    // MARK: Masks

    /// Computes the output for a batch whose time steps carry a mask (Keras' `mask`
    /// argument): bool `[batch, time]`, `false` at padded steps. Recurrent layers
    /// skip masked steps; the default ignores the mask and calls
    /// ``forward(_:training:)``.
    ///
    /// - Parameters:
    ///   - input: A batch of sequences, `[batch, time, ...]`.
    ///   - mask: Bool `[batch, time]`, `false` at padded steps.
    ///   - training: Whether dropout, batch statistics and other train-only behaviour are active.
    /// - Returns: The layer's output, `[batch, ...]`.
    open func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        forward(input, training: training)
    }

    /// The mask of this layer's output (Keras' `compute_mask`), given its input, its
    /// output and the input's mask. ``Embedding`` (with `maskZero`) and ``Masking``
    /// create masks, recurrent layers without `returnSequences` consume them.
    ///
    /// The default passes `mask` through when the output still has the mask's
    /// `[batch, time]` leading dimensions and a feature axis after them (Dense,
    /// Dropout, Activation on sequences), and drops it otherwise (Flatten, pooling).
    ///
    /// - Parameters:
    ///   - input: The batch the layer was called on, `[batch, time, ...]`.
    ///   - output: The layer's output for `input`.
    ///   - mask: The input's mask, bool `[batch, time]`, or `nil` when it has none.
    /// - Returns: The output's mask, bool `[batch, time]`, or `nil` when the output has none.
    open func computeMask(input: Tensor, output: Tensor, mask: Tensor?) -> Tensor? {
        guard let mask, output.rank > mask.rank, Array(output.shape.prefix(mask.rank)) == mask.shape else { return nil }
        return mask
    }

    /// Builds on first use, then runs ``forward(_:mask:training:)`` (or
    /// ``forward(_:training:)`` when `mask` is `nil`).
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, time, ...]`.
    ///   - mask: bool `[batch, time]`, `false` at padded steps, or `nil`.
    ///   - training: `true` inside training steps.
    public final func callAsFunction(_ input: Tensor, mask: Tensor?, training: Bool = false) -> Tensor {
        guard let mask else { return self(input, training: training) }
        if !isBuilt { build(for: input) }
        let output = forward(input, mask: mask, training: training)
        if outputShape == nil { outputShape = Array(output.shape.dropFirst()) }
        return output
    }

    /// Builds for a first batch: the weights go to the batch's device.
    private func build(for input: Tensor) {
        withDevice(input.device) { buildIfNeeded(inputShape: Array(input.shape.dropFirst())) }
    }

    /// Moves every parameter (this layer's and its sublayers') to `device`, as
    /// PyTorch's `module.to(device)`. Gradients are cleared; an optimizer's state
    /// follows its parameters at the next step.
    ///
    /// - Parameter device: the target device; must be available.
    public func move(to device: Device) {
        for parameter in parameters { parameter.move(to: device) }
    }

    /// Builds the layer for a per-sample input shape if it is not built yet.
    ///
    /// Calls ``build(inputShape:)``, records ``inputShape``, sets ``isBuilt``, and
    /// freezes the new parameters when the layer is not trainable. Does nothing when
    /// the layer is already built.
    ///
    /// - Parameter inputShape: The per-sample input shape, without the batch dimension.
    public func buildIfNeeded(inputShape: [Int]) {
        guard !isBuilt else { return }
        build(inputShape: inputShape)
        self.inputShape = inputShape
        isBuilt = true
        cachedReflection = nil
        if !isTrainable { for parameter in parameters { parameter.isTrainable = false } }
    }

    /// Records the per-sample output shape (models that build layers without calling them).
    ///
    /// - Parameter shape: The per-sample output shape, without the batch dimension;
    ///   stored in ``outputShape``.
    public func recordOutputShape(_ shape: [Int]) { outputShape = shape }

    // MARK: Parameters

    /// This layer's own parameters (not its sublayers'). Defaults to reflection over
    /// stored properties; built-in layers override it.
    open var ownParameters: [Parameter] { reflection.parameters }

    /// Directly nested layers. Defaults to reflection over stored properties.
    open var sublayers: [Layer] { reflection.sublayers }

    /// All parameters, this layer's first, then each sublayer's in order.
    public var parameters: [Parameter] {
        ownParameters + sublayers.flatMap(\.parameters)
    }

    /// The first of ``parameters``, found without collecting them all (the device
    /// a model computes on is read from it on every call).
    public var firstParameter: Parameter? {
        if let own = ownParameters.first { return own }
        for layer in sublayers {
            if let first = layer.firstParameter { return first }
        }
        return nil
    }

    /// Parameters an optimizer should update.
    public var trainableParameters: [Parameter] { parameters.filter(\.isTrainable) }

    /// Parameters with hierarchical names: "dense_1.kernel", "lstm.cell.bias", ...
    public var namedParameters: [(name: String, parameter: Parameter)] {
        ownParameters.map { ("\(name).\($0.name)", $0) }
            + sublayers.flatMap { layer in layer.namedParameters.map { ("\(name).\($0.name)", $0.parameter) } }
    }

    /// Number of scalars in all parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Number of scalars in trainable parameters.
    public var trainableParameterCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }

    /// The sum of the regularization penalties of all parameters (Keras' `losses`),
    /// or `nil` when no parameter has a regularizer.
    public func regularizationLoss() -> Tensor? {
        let penalties = parameters.compactMap { parameter in parameter.regularizer.map { $0(parameter.value) } }
        guard var total = penalties.first else { return nil }
        for penalty in penalties.dropFirst() { total = total + penalty }
        return total
    }

    /// Clears the gradients of every parameter.
    public func zeroGrad() {
        for parameter in parameters { parameter.zeroGrad() }
    }

    private var reflection: (parameters: [Parameter], sublayers: [Layer]) {
        if let cachedReflection { return cachedReflection }
        var parameters: [Parameter] = []
        var layers: [Layer] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            for child in current.children {
                collect(child.value, into: &parameters, &layers)
            }
            mirror = current.superclassMirror
        }
        let result = (parameters, layers)
        if isBuilt { cachedReflection = result }
        return result
    }

    private func collect(_ value: Any, into parameters: inout [Parameter], _ layers: inout [Layer]) {
        switch value {
        case let parameter as Parameter: parameters.append(parameter)
        case let layer as Layer: layers.append(layer)
        case let list as [Layer]: layers.append(contentsOf: list)
        case let list as [Parameter]: parameters.append(contentsOf: list)
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first {
                collect(wrapped.value, into: &parameters, &layers)
            }
        }
    }

    /// "Conv2DTranspose" → "conv2d_transpose", "Dense" → "dense", "SimpleRNN" →
    /// "simple_rnn" (Keras' `to_snake_case`: a word starts at an uppercase letter
    /// after a lowercase one, or at one followed by a lowercase letter).
    static func defaultName(for type: Layer.Type) -> String {
        let characters = Array(String(describing: type))
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLowercase = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || (nextIsLowercase && previous != "_") { result.append("_") }
            }
            result.append(Character(character.lowercased()))
        }
        return result
    }
}
