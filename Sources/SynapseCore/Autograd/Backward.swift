import Synchronization

/// The reverse-mode engine: orders the graph, runs each node's backward rule once
/// with the sum of the gradients that reached it, and frees the graph (unless the
/// backward pass is itself recorded, for gradients of gradients).
enum AutogradEngine {
    /// Backpropagates `seed` from `root`.
    ///
    /// - Parameters:
    ///   - accumulateIntoLeaves: add leaf gradients to their `grad` (as `backward()`),
    ///     or leave `grad` untouched (as `valueAndGradient`).
    ///   - wanted: nodes whose gradients to return. They bound the traversal:
    ///     nothing behind a wanted node is visited.
    ///   - createGraph: record the backward pass (its ops join the graph, so the
    ///     gradients can be differentiated again) and keep the graph; otherwise the
    ///     rules run without recording and the graph is freed as it is consumed.
    /// - Returns: the gradient of each wanted node (zeros where none flowed).
    static func run(root: AutogradNode, seed: Tensor, accumulateIntoLeaves: Bool, wanted: [AutogradNode],
                    createGraph: Bool) -> [Tensor] {
        let wantedIDs = Set(wanted.map(ObjectIdentifier.init))
        let order = topologicalOrder(from: root, boundary: wantedIDs)
        // Gradients waiting to be consumed live on the nodes themselves: no hashing
        // per edge, which is most of the cost of tiny graphs (the XOR step).
        root.pendingGradient = seed
        var collected: [ObjectIdentifier: Tensor] = [:]

        GradientMode.$recording.withValue(createGraph) {
            // Reverse topological order: every consumer runs before its producers.
            for node in order.reversed() {
                guard let gradient = node.pendingGradient else { continue }
                node.pendingGradient = nil
                let id = ObjectIdentifier(node)
                if !wantedIDs.isEmpty, wantedIDs.contains(id) {
                    collected[id] = gradient
                    if node.isLeaf, accumulateIntoLeaves { accumulate(gradient, into: node) }
                    continue
                }
                if node.isLeaf {
                    if accumulateIntoLeaves { accumulate(gradient, into: node) }
                    continue
                }
                let inputGradients = node.inputGradients(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let input, let inputGradient else { continue }
                    require(inputGradient.shape == input.shape,
                            "backward: '\(node.op)' produced a gradient of shape \(Shape.describe(inputGradient.shape)) for an input of shape \(Shape.describe(input.shape))")
                    input.pendingGradient = input.pendingGradient.map { $0 + inputGradient } ?? inputGradient
                }
                // Free the saved tensors as soon as the rule ran, unless the
                // recorded backward pass still refers to them.
                if !createGraph { node.free() }
            }
        }
        return wanted.map { node in
            collected[ObjectIdentifier(node)] ?? Tensor.zeros(node.shape, dtype: node.dtype, device: node.device)
        }
    }

    /// Adds a leaf's gradient for this pass to its ``AutogradNode/grad`` (reverse
    /// topological order reaches a leaf once, after all its consumers, so the sum is
    /// final here) and tells its hook.
    private static func accumulate(_ gradient: Tensor, into leaf: AutogradNode) {
        let total = leaf.grad.map { $0 + gradient } ?? gradient
        leaf.grad = total
        leaf.accumulationHook?(total)
    }

    private static let traversalCounter = Atomic<UInt64>(0)

    /// Depth-first post-order of the nodes reachable from `root` (iterative, so deep
    /// graphs such as long unrolled sequences cannot overflow the stack), not
    /// descending past `boundary` nodes. Nodes are marked with a per-traversal
    /// number instead of being put in a set.
    private static func topologicalOrder(from root: AutogradNode, boundary: Set<ObjectIdentifier>) -> [AutogradNode] {
        let mark = traversalCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var order: [AutogradNode] = []
        var stack: [(node: AutogradNode, nextInput: Int)] = [(root, 0)]
        root.visitMark = mark
        while !stack.isEmpty {
            let (node, nextInput) = stack[stack.count - 1]
            let stops = !boundary.isEmpty && boundary.contains(ObjectIdentifier(node))
            if !stops, nextInput < node.inputs.count {
                stack[stack.count - 1].nextInput += 1
                if let input = node.inputs[nextInput], input.visitMark != mark {
                    input.visitMark = mark
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
                stack.removeLast()
            }
        }
        return order
    }
}

extension Tensor {
    /// Computes the gradient of this tensor with respect to every leaf that requires
    /// one and adds it to the leaves' ``grad``.
    ///
    /// With `createGraph: true` the backward pass is recorded, as PyTorch's
    /// `backward(create_graph=True)`: the leaves' ``grad`` are then tensors of the
    /// graph and can be differentiated again (a Hessian-vector product, a gradient
    /// penalty), and the graph is kept. A leaf's recorded gradient refers back to the
    /// leaf; ``zeroGrad()`` releases it.
    ///
    /// ```swift
    /// var x = Tensor([1, 2, 3]).requiringGrad()
    /// (x * x * x).sum().backward(createGraph: true)   // x.grad = 3x², recorded
    /// let g = x.grad!
    /// x.zeroGrad()
    /// g.sum().backward()                              // x.grad = 6x
    /// ```
    ///
    /// - Parameters:
    ///   - seed: the gradient of some scalar with respect to this tensor; defaults to
    ///     1 and may be omitted only for one-element tensors (a loss).
    ///   - createGraph: record the backward pass and keep the graph (default `false`:
    ///     the graph is freed as the pass consumes it).
    public func backward(_ seed: Tensor? = nil, createGraph: Bool = false) {
        guard let node else {
            fatalError("backward: this tensor does not require grad; mark its inputs with requiresGrad = true")
        }
        let seedTensor: Tensor
        if let seed {
            require(seed.shape == shape, "backward: seed gradient of shape \(Shape.describe(seed.shape)) does not match tensor shape \(Shape.describe(shape))")
            require(seed.device == device, "backward: the seed gradient is on \(seed.device), the tensor on \(device)")
            seedTensor = createGraph ? seed : seed.detached()
        } else {
            require(scalarCount == 1, "backward: a seed gradient is needed for a non-scalar tensor of shape \(Shape.describe(shape))")
            seedTensor = Tensor.ones(shape, dtype: dtype, device: device)
        }
        _ = AutogradEngine.run(root: node, seed: seedTensor, accumulateIntoLeaves: true, wanted: [],
                               createGraph: createGraph)
    }
}
