/// The base class of layers that take several tensors (merges, attention): built
/// from the per-sample shapes of all inputs, called with an array.
///
/// Subclass it, create parameters in ``build(inputShapes:)`` and compute in
/// ``forward(_:training:)-([Tensor],_)``. In the functional API such a layer is
/// called on an array of symbolic tensors: `Add()([x, shortcut])`.
///
/// ```swift
/// let sum = Add()([Tensor.ones([2, 3]), Tensor.ones([2, 3])])   // [2, 3] of 2
/// ```
///
/// Called with one tensor (as in a `Sequential`), it receives an array of one.
open class MultiInputLayer: Layer {
    /// The per-sample shapes of the inputs seen at build time.
    public private(set) var inputShapes: [[Int]]?

    /// Creates parameters once the inputs' per-sample shapes are known. Called once,
    /// before the first forward pass. Validate the shapes here with `require`.
    ///
    /// - Parameter inputShapes: one per-sample shape per input, batch dimension left out.
    open func build(inputShapes: [[Int]]) {}

    /// Computes the output for a batch of each input.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, `[batch, ...]` each, in the order of the call.
    ///   - training: `true` inside training steps.
    open func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        fatalError("\(type(of: self)) must override forward(_:training:) taking [Tensor]")
    }

    /// Computes the output when some inputs carry time-step masks (bool
    /// `[batch, time]`, `false` at padded steps; `nil` for an input without one).
    /// The default ignores the masks.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input.
    ///   - masks: one mask or `nil` per input.
    ///   - training: `true` inside training steps.
    open func forward(_ inputs: [Tensor], masks: [Tensor?], training: Bool) -> Tensor {
        forward(inputs, training: training)
    }

    /// The mask of the output given the inputs' masks (Keras' `compute_mask`). The
    /// default combines the masks that exist with a logical and (a missing mask
    /// counts as all steps present), and keeps the result only while the output
    /// still has the masks' `[batch, time]` leading dimensions and a feature axis.
    ///
    /// - Parameters:
    ///   - inputs: the batches the layer was called with.
    ///   - output: its output.
    ///   - masks: one mask or `nil` per input.
    open func computeMask(inputs: [Tensor], output: Tensor, masks: [Tensor?]) -> Tensor? {
        let present = masks.compactMap { $0 }
        guard var combined = present.first else { return nil }
        for mask in present.dropFirst() { combined = Tensor.where(combined, mask, combined) }
        return computeMask(input: inputs[0], output: output, mask: combined)
    }

    /// Builds on first use, then runs ``forward(_:training:)-([Tensor],_)``.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, `[batch, ...]`; all on one device.
    ///   - training: `true` inside training steps; `false` (the default) for inference.
    public final func callAsFunction(_ inputs: [Tensor], training: Bool = false) -> Tensor {
        callAsFunction(inputs, masks: inputs.map { _ in nil }, training: training)
    }

    /// Builds on first use, then runs ``forward(_:masks:training:)``.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input.
    ///   - masks: one mask (bool `[batch, time]`) or `nil` per input.
    ///   - training: `true` inside training steps.
    public final func callAsFunction(_ inputs: [Tensor], masks: [Tensor?], training: Bool = false) -> Tensor {
        require(!inputs.isEmpty, "\(name): called with no inputs")
        require(masks.count == inputs.count, "\(name): \(inputs.count) inputs but \(masks.count) masks")
        for input in inputs {
            require(input.rank >= 1 && input.shape[0] == inputs[0].shape[0],
                    "\(name): inputs of shapes \(inputs.map { Shape.describe($0.shape) }.joined(separator: ", ")) must share the batch dimension")
        }
        let shapes = inputs.map { Array($0.shape.dropFirst()) }
        do {
            _ = try outputShape(forInputShapes: shapes)
        } catch {
            fatalError("\(error)")
        }
        if !isBuilt {
            withDevice(inputs[0].device) { buildIfNeeded(inputShapes: inputs.map { Array($0.shape.dropFirst()) }) }
        }
        let output = masks.allSatisfy({ $0 == nil }) ? forward(inputs, training: training)
                                                     : forward(inputs, masks: masks, training: training)
        if outputShape == nil { recordOutputShape(Array(output.shape.dropFirst())) }
        return output
    }

    /// Builds the layer for the inputs' per-sample shapes if it is not built yet.
    ///
    /// - Parameter inputShapes: one per-sample shape per input.
    public func buildIfNeeded(inputShapes: [[Int]]) {
        guard !isBuilt else { return }
        self.inputShapes = inputShapes
        buildIfNeeded(inputShape: inputShapes[0])
    }

    /// Builds from the shapes given to ``buildIfNeeded(inputShapes:)``, or from one
    /// shape when the layer is called with a single tensor.
    ///
    /// - Parameter inputShape: the per-sample shape of the first input; used alone
    ///   when the layer is built from a single tensor.
    public final override func build(inputShape: [Int]) {
        if inputShapes == nil { inputShapes = [inputShape] }
        build(inputShapes: inputShapes!)
    }

    /// A single tensor is an array of one input.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, ...]`.
    ///   - training: `true` inside training steps.
    /// - Returns: the output of ``forward(_:training:)-([Tensor],_)`` on `[input]`.
    public final override func forward(_ input: Tensor, training: Bool) -> Tensor {
        self([input], training: training)
    }

    /// A single masked tensor is an array of one input with its mask.
    ///
    /// - Parameters:
    ///   - input: a batch, `[batch, time, ...]`.
    ///   - mask: bool `[batch, time]`, `false` at padded steps.
    ///   - training: `true` inside training steps.
    /// - Returns: the output of ``forward(_:masks:training:)`` on `[input]` and `[mask]`.
    public final override func forward(_ input: Tensor, mask: Tensor, training: Bool) -> Tensor {
        self([input], masks: [mask], training: training)
    }

    /// The output's per-sample shape for the inputs' per-sample shapes, computed
    /// without building or running anything, or `nil` when the layer cannot tell
    /// (the functional API then runs one zero sample through it). Every call checks
    /// the inputs with it before ``forward(_:training:)-([Tensor],_)`` runs.
    ///
    /// - Parameter inputShapes: one per-sample shape per input.
    /// - Throws: ``InputShapeError`` naming the layer and the shapes when the layer
    ///   cannot take inputs of these shapes.
    open func outputShape(forInputShapes inputShapes: [[Int]]) throws -> [Int]? { nil }

    /// An ``InputShapeError`` naming this layer, its type and the input shapes.
    ///
    /// - Parameters:
    ///   - inputShapes: the per-sample shapes that were refused.
    ///   - reason: what is wrong with them.
    public func shapeError(_ inputShapes: [[Int]], _ reason: String) -> InputShapeError {
        InputShapeError(layer: name, type: String(describing: type(of: self)), inputShapes: inputShapes, reason: reason)
    }
}

/// Why a layer cannot take inputs of some shapes (thrown by
/// ``MultiInputLayer/outputShape(forInputShapes:)``; a call with such inputs stops
/// the program with this message, as every shape error does).
public struct InputShapeError: Error, CustomStringConvertible, Equatable {
    /// The layer's name.
    public let layer: String
    /// The layer's type ("Concatenate").
    public let type: String
    /// The per-sample input shapes that were refused.
    public let inputShapes: [[Int]]
    /// What is wrong with them.
    public let reason: String

    /// "concatenate (Concatenate): inputs of per-sample shapes [3] and [2, 4] ...: reason".
    public var description: String {
        "\(layer) (\(type)): inputs of per-sample shapes \(inputShapes.map(Shape.describe).joined(separator: ", ")): \(reason)"
    }
}
