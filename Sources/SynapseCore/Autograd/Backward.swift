import Synchronization

/// The reverse-mode engine: orders the graph, runs each node's backward rule once
/// with the sum of the gradients that reached it, and frees the graph.
enum AutogradEngine {
    /// Backpropagates `seed` from `root`.
    ///
    /// - Parameters:
    ///   - accumulateIntoLeaves: add leaf gradients to their `grad` (as `backward()`),
    ///     or leave `grad` untouched (as `valueAndGradient`).
    ///   - wanted: leaves whose gradients to return.
    /// - Returns: the gradient of each wanted leaf (zeros where none flowed).
    static func run(root: AutogradNode, seed: Tensor, accumulateIntoLeaves: Bool, wanted: [AutogradNode]) -> [Tensor] {
        let order = topologicalOrder(from: root)
        // Gradients waiting to be consumed live on the nodes themselves: no hashing
        // per edge, which is most of the cost of tiny graphs (the XOR step).
        root.pendingGradient = seed
        var collected: [ObjectIdentifier: Tensor] = [:]
        let wantedIDs = wanted.isEmpty ? [] : Set(wanted.map(ObjectIdentifier.init))

        withoutGradient {
            // Reverse topological order: every consumer runs before its producers.
            for node in order.reversed() {
                guard let gradient = node.pendingGradient else { continue }
                node.pendingGradient = nil
                if node.isLeaf {
                    if !wantedIDs.isEmpty, wantedIDs.contains(ObjectIdentifier(node)) { collected[ObjectIdentifier(node)] = gradient }
                    if accumulateIntoLeaves {
                        node.grad = node.grad.map { $0 + gradient } ?? gradient
                    }
                    continue
                }
                guard let rule = node.rule else {
                    fatalError("backward: the graph through '\(node.op)' was already freed by an earlier backward()")
                }
                let inputGradients = rule(gradient)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let input, let inputGradient else { continue }
                    require(inputGradient.shape == input.shape,
                            "backward: '\(node.op)' produced a gradient of shape \(Shape.describe(inputGradient.shape)) for an input of shape \(Shape.describe(input.shape))")
                    input.pendingGradient = input.pendingGradient.map { $0 + inputGradient } ?? inputGradient
                }
                // Free the saved tensors as soon as the rule ran.
                node.rule = nil
                node.inputs = []
            }
        }
        return wanted.map { leaf in
            collected[ObjectIdentifier(leaf)] ?? Tensor.zeros(leaf.shape)
        }
    }

    private static let traversalCounter = Atomic<UInt64>(0)

    /// Depth-first post-order of the nodes reachable from `root` (iterative, so deep
    /// graphs such as long unrolled sequences cannot overflow the stack). Nodes are
    /// marked with a per-traversal number instead of being put in a set.
    private static func topologicalOrder(from root: AutogradNode) -> [AutogradNode] {
        let mark = traversalCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var order: [AutogradNode] = []
        var stack: [(node: AutogradNode, nextInput: Int)] = [(root, 0)]
        root.visitMark = mark
        while !stack.isEmpty {
            let (node, nextInput) = stack[stack.count - 1]
            if nextInput < node.inputs.count {
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
    /// one and adds it to the leaves' ``grad``; then frees the graph.
    ///
    /// - Parameter seed: the gradient of some scalar with respect to this tensor;
    ///   defaults to 1 and may be omitted only for one-element tensors (a loss).
    public func backward(_ seed: Tensor? = nil) {
        guard let node else {
            fatalError("backward: this tensor does not require grad; mark its inputs with requiresGrad = true")
        }
        let seedTensor: Tensor
        if let seed {
            require(seed.shape == shape, "backward: seed gradient of shape \(Shape.describe(seed.shape)) does not match tensor shape \(Shape.describe(shape))")
            seedTensor = seed.detached()
        } else {
            require(scalarCount == 1, "backward: a seed gradient is needed for a non-scalar tensor of shape \(Shape.describe(shape))")
            seedTensor = Tensor.ones(shape)
        }
        _ = AutogradEngine.run(root: node, seed: seedTensor, accumulateIntoLeaves: true, wanted: [])
    }
}
