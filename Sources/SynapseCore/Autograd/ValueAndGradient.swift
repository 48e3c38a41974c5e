/// How deeply the current task is inside functions being differentiated by
/// ``valueAndGradient(at:createGraph:of:)``: an inner call records its backward
/// pass by default, so the outer one differentiates through it (nesting just works,
/// as in JAX).
enum DifferentiationScope {
    @TaskLocal static var depth = 0
}

/// Evaluates `function` at `inputs` and returns its value together with the
/// gradient with respect to each input, without touching any tensor's ``Tensor/grad``.
///
/// The call is pure: it neither reads nor changes gradients accumulated elsewhere.
/// Calls nest: inside another `valueAndGradient` (or ``gradient(of:at:createGraph:)-(([Tensor])->Tensor,_,_)``)
/// the inner backward pass is recorded, so the outer gradient is exact, and inputs
/// that belong to the outer computation stay connected to it.
///
/// ```swift
/// let (loss, grads) = valueAndGradient(at: [w, b]) { p in
///     ((x.matmul(p[0]) + p[1] - y).square()).mean()
/// }
/// ```
///
/// A Hessian-vector product, by differentiating a gradient once more:
///
/// ```swift
/// let (_, hv) = valueAndGradient(at: x) { x in
///     let (_, g) = valueAndGradient(at: x) { f($0) }   // recorded: nested
///     return (g * v).sum()
/// }
/// ```
///
/// - Parameters:
///   - inputs: floating-point tensors to differentiate with respect to.
///   - createGraph: record the backward pass, so the returned gradients (and value)
///     can be differentiated again. `nil` (the default) records it when this call is
///     nested inside another differentiation and gradients are being recorded.
///   - function: must return a one-element tensor.
/// - Returns: the value, and one gradient per input with the input's shape.
public func valueAndGradient(at inputs: [Tensor], createGraph: Bool? = nil,
                             of function: ([Tensor]) -> Tensor) -> (value: Tensor, gradients: [Tensor]) {
    let recordsGraph = createGraph ?? (DifferentiationScope.depth > 0 && GradientMode.recording)
    let leaves = withGradient { inputs.map { differentiationInput($0, connected: recordsGraph) } }
    let value = DifferentiationScope.$depth.withValue(DifferentiationScope.depth + 1) {
        withGradient { function(leaves) }
    }
    require(value.scalarCount == 1, "valueAndGradient: the function must return one element, got shape \(Shape.describe(value.shape))")
    guard let root = value.node else {
        return (value, leaves.map { Tensor.zeros($0.shape, dtype: $0.dtype, device: $0.device) })
    }
    let gradients = AutogradEngine.run(root: root, seed: Tensor.ones(value.shape, dtype: value.dtype, device: value.device),
                                       accumulateIntoLeaves: false, wanted: leaves.compactMap(\.node),
                                       createGraph: recordsGraph)
    return (recordsGraph ? value : value.detached(), gradients)
}

/// Single-input form of ``valueAndGradient(at:createGraph:of:)-(_,_,([Tensor])->Tensor)``.
///
/// - Parameters:
///   - input: the floating-point tensor to differentiate with respect to.
///   - createGraph: see the array form.
///   - function: must return a one-element tensor.
/// - Returns: the value and the gradient, of `input`'s shape.
public func valueAndGradient(at input: Tensor, createGraph: Bool? = nil,
                             of function: (Tensor) -> Tensor) -> (value: Tensor, gradient: Tensor) {
    let (value, gradients) = valueAndGradient(at: [input], createGraph: createGraph) { function($0[0]) }
    return (value, gradients[0])
}

/// The gradient of `function` at `inputs` (the functional form of autograd, as
/// JAX's `grad` and PyTorch's `torch.func.grad`).
///
/// With `createGraph: true` (or nested inside another differentiation) the result is
/// itself differentiable, which is how second derivatives are written. A gradient
/// penalty (WGAN-GP's `(‖∇ₓD(x)‖ − 1)²`, differentiated with respect to D's weights):
///
/// ```swift
/// let gradientOfCritic = gradient(of: { critic($0).sum() }, at: [mixed], createGraph: true)[0]
/// let norms = gradientOfCritic.square().sum(alongAxes: [1, 2, 3]).sqrt()
/// let penalty = (norms - 1).square().mean()
/// penalty.backward()                       // reaches the critic's parameters
/// ```
///
/// - Parameters:
///   - function: maps the inputs to a one-element tensor.
///   - inputs: floating-point tensors to differentiate with respect to.
///   - createGraph: record the backward pass (see ``valueAndGradient(at:createGraph:of:)-(_,_,([Tensor])->Tensor)``).
/// - Returns: one gradient per input, with the input's shape.
public func gradient(of function: ([Tensor]) -> Tensor, at inputs: [Tensor], createGraph: Bool? = nil) -> [Tensor] {
    valueAndGradient(at: inputs, createGraph: createGraph, of: function).gradients
}

/// Single-input form of ``gradient(of:at:createGraph:)-(([Tensor])->Tensor,_,_)``.
///
/// - Parameters:
///   - function: maps the input to a one-element tensor.
///   - input: the floating-point tensor to differentiate with respect to.
///   - createGraph: record the backward pass.
/// - Returns: the gradient, of `input`'s shape.
public func gradient(of function: (Tensor) -> Tensor, at input: Tensor, createGraph: Bool? = nil) -> Tensor {
    valueAndGradient(at: [input], createGraph: createGraph) { function($0[0]) }.gradients[0]
}

/// Gradients of a one-element `output` with respect to tensors of its graph (as
/// PyTorch's `torch.autograd.grad`), without touching any ``Tensor/grad``.
///
/// `inputs` may be leaves (model parameters) or intermediate results (an
/// activation, for Grad-CAM); the backward pass stops at them.
///
/// - Parameters:
///   - output: a one-element tensor of the graph.
///   - inputs: tensors that take part in computing `output`; one that does not gets zeros.
///   - createGraph: record the backward pass and keep the graph (default `false`:
///     the graph is freed).
/// - Returns: one gradient per input, with the input's shape.
public func gradients(of output: Tensor, withRespectTo inputs: [Tensor], createGraph: Bool = false) -> [Tensor] {
    require(output.scalarCount == 1, "gradients: output must have one element, got shape \(Shape.describe(output.shape))")
    let nodes = inputs.map { input -> AutogradNode in
        guard let node = input.node else {
            fatalError("gradients: every input must take part in the graph (require grad, or be computed from tensors that do)")
        }
        return node
    }
    guard let root = output.node else {
        return inputs.map { Tensor.zeros($0.shape, dtype: $0.dtype, device: $0.device) }
    }
    return AutogradEngine.run(root: root, seed: Tensor.ones(output.shape, dtype: output.dtype, device: output.device),
                              accumulateIntoLeaves: false, wanted: nodes, createGraph: createGraph)
}

/// The tensor a differentiated function sees for one input: a fresh leaf, or, when
/// the backward pass is recorded and the input belongs to an outer graph, an
/// identity step on top of it (the inner pass stops there; the outer one goes on).
private func differentiationInput(_ input: Tensor, connected: Bool) -> Tensor {
    require(input.dtype.isFloatingPoint, "valueAndGradient: inputs must be float32 or float64, got \(input.dtype)")
    guard connected, input.node != nil else { return input.detached().requiringGrad() }
    return Tensor.record(input.detached(), op: "differentiationInput", input: input) { gradient in [gradient] }
}
