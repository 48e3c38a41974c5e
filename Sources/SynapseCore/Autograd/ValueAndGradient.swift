/// Evaluates `function` at `inputs` and returns its value together with the
/// gradient with respect to each input, without touching any tensor's ``Tensor/grad``.
///
/// The inputs are detached and made fresh leaves, so the call is pure: it neither
/// reads nor changes gradients accumulated elsewhere.
///
/// ```swift
/// let (loss, grads) = valueAndGradient(at: [w, b]) { p in
///     ((x.matmul(p[0]) + p[1] - y).square()).mean()
/// }
/// ```
///
/// - Parameters:
///   - inputs: float32 tensors to differentiate with respect to.
///   - function: must return a one-element tensor.
/// - Returns: the value, and one gradient per input with the input's shape.
public func valueAndGradient(at inputs: [Tensor], of function: ([Tensor]) -> Tensor) -> (value: Tensor, gradients: [Tensor]) {
    let leaves = withGradient { inputs.map { $0.detached().requiringGrad() } }
    let value = withGradient { function(leaves) }
    require(value.scalarCount == 1, "valueAndGradient: the function must return one element, got shape \(Shape.describe(value.shape))")
    guard let root = value.node else {
        return (value, leaves.map { Tensor.zeros($0.shape) })
    }
    let gradients = AutogradEngine.run(root: root, seed: Tensor.ones(value.shape), accumulateIntoLeaves: false,
                                       wanted: leaves.compactMap(\.node))
    return (value.detached(), gradients)
}

/// Single-input form of ``valueAndGradient(at:of:)-(_,([Tensor])->Tensor)``.
public func valueAndGradient(at input: Tensor, of function: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
    let (value, gradients) = valueAndGradient(at: [input]) { function($0[0]) }
    return (value, gradients[0])
}

/// Gradients of a scalar `output` with respect to `inputs` that are already leaves
/// in its graph (model parameters), without touching their ``Tensor/grad``. Frees the graph.
public func gradients(of output: Tensor, withRespectTo inputs: [Tensor]) -> [Tensor] {
    require(output.scalarCount == 1, "gradients: output must have one element, got shape \(Shape.describe(output.shape))")
    guard let root = output.node else { return inputs.map { Tensor.zeros($0.shape) } }
    let leaves = inputs.map { input -> AutogradNode in
        guard let node = input.node, node.isLeaf else {
            fatalError("gradients: every input must be a leaf that requires grad")
        }
        return node
    }
    return AutogradEngine.run(root: root, seed: Tensor.ones(output.shape), accumulateIntoLeaves: false, wanted: leaves)
}
