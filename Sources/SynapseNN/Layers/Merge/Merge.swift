/// The base class of the elementwise merge layers (``Add``, ``Subtract``,
/// ``Multiply``, ``Average``, ``Maximum``, ``Minimum``): inputs whose per-sample
/// shapes broadcast together are combined element by element (Keras' `Merge`).
///
/// - Shapes: `[batch, ...a], [batch, ...b], ... → [batch, ...broadcast(a, b, ...)]`.
open class Merge: MultiInputLayer {
    /// Fewest inputs the layer takes (2 for ``Subtract``, 1 for the others).
    open class var minimumInputCount: Int { 1 }
    /// Most inputs the layer takes (2 for ``Subtract``).
    open class var maximumInputCount: Int { Int.max }

    /// Combines two batches (already checked to broadcast together).
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input.
    open func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        fatalError("\(type(of: self)) must override combine(_:_:)")
    }

    /// The folded result of ``combine(_:_:)`` over all inputs; subclasses that
    /// finish differently (``Average``) override it.
    ///
    /// - Parameter inputs: one batch per input.
    open func merge(_ inputs: [Tensor]) -> Tensor {
        inputs.dropFirst().reduce(inputs[0], combine)
    }

    /// A merge layer has no weights of its own.
    public override var ownParameters: [Parameter] { [] }
    /// A merge layer has no sublayers.
    public override var sublayers: [Layer] { [] }

    /// The merged batch (the shapes were checked by the call).
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, `[batch, ...]` each, broadcastable together.
    ///   - training: unused.
    /// - Returns: the result of ``merge(_:)``, `[batch, ...broadcast shape]`.
    public override func forward(_ inputs: [Tensor], training: Bool) -> Tensor { merge(inputs) }

    /// The broadcast of the input shapes.
    ///
    /// - Parameter inputShapes: one per-sample shape per input (batch left out).
    /// - Returns: the shape all inputs broadcast to.
    /// - Throws: ``InputShapeError`` for a wrong number of inputs or shapes that do
    ///   not broadcast together.
    public override func outputShape(forInputShapes inputShapes: [[Int]]) throws -> [Int]? {
        guard (Self.minimumInputCount...Self.maximumInputCount).contains(inputShapes.count) else {
            let expected = Self.maximumInputCount == Int.max ? "at least \(Self.minimumInputCount)" : "exactly \(Self.maximumInputCount)"
            throw shapeError(inputShapes, "takes \(expected) inputs, got \(inputShapes.count)")
        }
        var result = inputShapes[0]
        for shape in inputShapes.dropFirst() {
            guard let broadcast = Shape.broadcast(result, shape) else { throw shapeError(inputShapes, "cannot be broadcast together") }
            result = broadcast
        }
        return result
    }
}

/// Adds its inputs element by element (Keras' `Add`): the residual connection.
///
/// ```swift
/// let y = Add()([x, shortcut])
/// ```
public final class Add: Merge {
    /// - Parameter name: a fixed name; by default "add", made unique by the model.
    public override init(name: String? = nil) { super.init(name: name) }
    /// `lhs + rhs`.
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `lhs + rhs`, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { lhs + rhs }
}

/// Subtracts its second input from its first (Keras' `Subtract`); exactly two inputs.
public final class Subtract: Merge {
    /// Two inputs.
    public override class var minimumInputCount: Int { 2 }
    /// Two inputs.
    public override class var maximumInputCount: Int { 2 }
    /// - Parameter name: a fixed name; by default "subtract".
    public override init(name: String? = nil) { super.init(name: name) }
    /// `lhs - rhs`.
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `lhs - rhs`, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { lhs - rhs }
}

/// Multiplies its inputs element by element (Keras' `Multiply`): gates, attention weights.
public final class Multiply: Merge {
    /// - Parameter name: a fixed name; by default "multiply".
    public override init(name: String? = nil) { super.init(name: name) }
    /// `lhs * rhs`.
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `lhs * rhs`, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { lhs * rhs }
}

/// Averages its inputs element by element (Keras' `Average`).
public final class Average: Merge {
    /// - Parameter name: a fixed name; by default "average".
    public override init(name: String? = nil) { super.init(name: name) }
    /// `lhs + rhs` (the sum is divided by the input count at the end).
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `lhs + rhs`, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { lhs + rhs }
    /// The sum of the inputs divided by their number.
    ///
    /// - Parameter inputs: one batch per input, broadcastable together.
    /// - Returns: the element-wise mean, of the broadcast shape.
    public override func merge(_ inputs: [Tensor]) -> Tensor {
        super.merge(inputs) * (1 / Float(inputs.count))
    }
}

/// The element-wise maximum of its inputs (Keras' `Maximum`); the gradient goes to
/// the larger input (the first one on ties).
public final class Maximum: Merge {
    /// - Parameter name: a fixed name; by default "maximum".
    public override init(name: String? = nil) { super.init(name: name) }
    /// `max(lhs, rhs)`.
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `max(lhs, rhs)` element by element, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { Tensor.maximum(lhs, rhs) }
}

/// The element-wise minimum of its inputs (Keras' `Minimum`); the gradient goes to
/// the smaller input (the first one on ties).
public final class Minimum: Merge {
    /// - Parameter name: a fixed name; by default "minimum".
    public override init(name: String? = nil) { super.init(name: name) }
    /// `min(lhs, rhs)`.
    ///
    /// - Parameters:
    ///   - lhs: the running result.
    ///   - rhs: the next input, broadcastable with `lhs`.
    /// - Returns: `min(lhs, rhs)` element by element, of the broadcast shape.
    public override func combine(_ lhs: Tensor, _ rhs: Tensor) -> Tensor { Tensor.minimum(lhs, rhs) }
}
