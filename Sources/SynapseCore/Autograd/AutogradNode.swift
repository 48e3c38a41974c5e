/// One vertex of the autograd graph.
///
/// A leaf node belongs to a tensor the user marked with `requiresGrad`; it collects
/// the accumulated gradient. An interior node belongs to an op's result; it keeps
/// the nodes of the op's inputs and the op's backward rule (vector-Jacobian
/// product), which maps the gradient of the result to one gradient per input.
/// The rule and the input links are dropped after `backward()`, which frees the
/// tensors the op saved.
@usableFromInline
final class AutogradNode: @unchecked Sendable {
    /// Maps the gradient of the node's tensor to the gradients of the op's inputs
    /// (one per input, `nil` where an input needs none).
    typealias BackwardRule = (Tensor) -> [Tensor?]
    /// A rule that also reads the op's output, handed to it attached to this node
    /// so that a recorded backward pass (``Tensor/backward(_:createGraph:)``)
    /// differentiates through it too.
    typealias OutputBackwardRule = (_ gradient: Tensor, _ output: Tensor) -> [Tensor?]

    /// How this node's gradient reaches its inputs.
    enum Rule {
        case plain(BackwardRule)
        case readingOutput(OutputBackwardRule)
    }

    /// Name of the op, for error messages and debugging.
    let op: String
    /// Shape of the tensor this node stands for; gradients must have this shape.
    let shape: [Int]
    /// Element type and device of that tensor (zero gradients are made to match).
    let dtype: DType
    let device: Device
    /// Input nodes, aligned with the rule's outputs; `nil` for inputs that do not require grad.
    @exclusivity(unchecked)
    var inputs: [AutogradNode?]
    /// The backward rule; `nil` for leaves and after the graph was freed.
    @exclusivity(unchecked)
    var rule: Rule?
    /// The op's output, kept for rules that read it (not captured by the rule
    /// itself, which would make a cycle through this node).
    @exclusivity(unchecked)
    var savedOutput: TensorStorage?
    /// Accumulated gradient (leaves only).
    @exclusivity(unchecked)
    var grad: Tensor?
    /// Called with ``grad`` each time a backward pass finishes adding to it (leaves
    /// only): the moment the leaf's gradient for that pass is final.
    @exclusivity(unchecked)
    var accumulationHook: ((Tensor) -> Void)?
    /// The sum of the gradients that reached this node during the current backward pass.
    @exclusivity(unchecked)
    var pendingGradient: Tensor?
    /// The number of the last graph traversal that visited this node.
    @exclusivity(unchecked)
    var visitMark: UInt64 = 0

    let isLeaf: Bool

    /// A leaf.
    init(leafShape shape: [Int], dtype: DType, device: Device) {
        self.op = "leaf"
        self.shape = shape
        self.dtype = dtype
        self.device = device
        self.inputs = []
        self.rule = nil
        self.isLeaf = true
    }

    /// An interior node.
    init(op: String, of result: Tensor, inputs: [AutogradNode?], rule: Rule, savingOutput: Bool = false) {
        self.op = op
        self.shape = result.shape
        self.dtype = result.dtype
        self.device = result.device
        self.inputs = inputs
        self.rule = rule
        self.savedOutput = savingOutput ? result.storage : nil
        self.isLeaf = false
    }

    /// Runs the rule: the gradients of the inputs from the gradient of this node.
    func inputGradients(_ gradient: Tensor) -> [Tensor?] {
        switch rule {
        case .plain(let rule):
            return rule(gradient)
        case .readingOutput(let rule):
            guard let savedOutput else { fatalError("backward: '\(op)' lost its saved output") }
            var output = Tensor(storage: savedOutput, shape: shape, dtype: dtype)
            output.node = self
            return rule(gradient, output)
        case nil:
            fatalError("backward: the graph through '\(op)' was already freed by an earlier backward(); pass createGraph: true to keep it")
        }
    }

    /// Drops the rule and the links to the inputs, freeing what the op saved.
    func free() {
        rule = nil
        savedOutput = nil
        inputs = []
    }

    /// Frees the chain of input nodes iteratively. Released the default way, a
    /// graph that never ran `backward()` (an unrolled sequence evaluated with
    /// recording on) would free one node per nested call and overflow the stack.
    deinit {
        guard !inputs.isEmpty else { return }
        // Rules may capture input tensors; the inputs array still holds their
        // nodes, so dropping a rule never frees a node here.
        rule = nil
        savedOutput = nil
        var pending = inputs.compactMap { $0 }
        inputs = []
        while var node = pending.popLast() {
            // Only a node nobody else holds is freed when `node` goes out of scope:
            // detach its inputs first, so its own deinit has nothing to recurse into.
            if isKnownUniquelyReferenced(&node) {
                node.rule = nil
                node.savedOutput = nil
                pending.append(contentsOf: node.inputs.compactMap { $0 })
                node.inputs = []
            }
        }
    }
}

extension Tensor {
    /// Whether an op on these operands must record itself: recording is on and
    /// one of them takes part in gradient computation. Ops check this before they
    /// build their backward rule, so inference allocates nothing for the tape.
    @inline(__always)
    static func needsRecording(_ first: Tensor, _ second: Tensor? = nil, _ third: Tensor? = nil) -> Bool {
        (first.node != nil || second?.node != nil || third?.node != nil) && GradientMode.recording
    }

    /// Attaches an autograd node to `result` when recording is on and any input
    /// requires a gradient; otherwise returns `result` untouched.
    ///
    /// The rule may capture the inputs as they are (with their nodes): a recorded
    /// backward pass differentiates through them. It must not capture `result`
    /// (that would make a cycle); use the `savingOutput` form when it needs the output.
    @inline(__always)
    static func record(_ result: Tensor, op: String, inputs: [Tensor], rule: @escaping AutogradNode.BackwardRule) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradientMode.recording else { return result }
        var output = result
        output.node = AutogradNode(op: op, of: result, inputs: inputs.map(\.node), rule: .plain(rule))
        return output
    }

    /// Records `result` as the output of an op defined outside this module (the
    /// all-reduce of distributed training): `rule` maps the result's gradient to the
    /// input's. Nothing is recorded when `input` needs no gradient.
    ///
    /// - Parameters:
    ///   - result: the op's output.
    ///   - op: the op's name, for error messages.
    ///   - input: the op's input.
    ///   - rule: the vector-Jacobian product, written in differentiable tensor ops.
    /// - Returns: `result`, attached to the graph.
    package static func recordUnary(_ result: Tensor, op: String, input: Tensor,
                                    rule: @escaping (Tensor) -> Tensor) -> Tensor {
        record(result, op: op, input: input) { [rule($0)] }
    }

    /// One-input form of ``record(_:op:inputs:rule:)`` that allocates nothing when
    /// no gradient is needed.
    @inline(__always)
    static func record(_ result: Tensor, op: String, input: Tensor, rule: @escaping AutogradNode.BackwardRule) -> Tensor {
        guard let node = input.node, GradientMode.recording else { return result }
        var output = result
        output.node = AutogradNode(op: op, of: result, inputs: [node], rule: .plain(rule))
        return output
    }

    /// Two-input form of ``record(_:op:inputs:rule:)`` that allocates nothing when
    /// no gradient is needed.
    @inline(__always)
    static func record(_ result: Tensor, op: String, inputs first: Tensor, _ second: Tensor,
                       rule: @escaping AutogradNode.BackwardRule) -> Tensor {
        guard first.node != nil || second.node != nil, GradientMode.recording else { return result }
        var output = result
        output.node = AutogradNode(op: op, of: result, inputs: [first.node, second.node], rule: .plain(rule))
        return output
    }

    /// Records an op whose rule reads its output: the node keeps the output's
    /// storage and hands the rule the output attached to the node, so gradients of
    /// gradients flow through it.
    @inline(__always)
    static func record(_ result: Tensor, op: String, inputs: [Tensor], savingOutput: Bool,
                       rule: @escaping AutogradNode.OutputBackwardRule) -> Tensor {
        guard inputs.contains(where: { $0.node != nil }), GradientMode.recording else { return result }
        var output = result
        output.node = AutogradNode(op: op, of: result, inputs: inputs.map(\.node), rule: .readingOutput(rule),
                                   savingOutput: true)
        return output
    }

    /// Whether this tensor takes part in gradient computation (a leaf marked by the
    /// user, or the result of an op on such tensors).
    ///
    /// Setting it to `true` makes the tensor a fresh leaf whose gradient is
    /// accumulated in ``grad``. Only floating-point tensors can require gradients.
    public var requiresGrad: Bool {
        get { node != nil }
        set {
            if newValue {
                require(dtype.isFloatingPoint, "requiresGrad: only float32 and float64 tensors can require gradients, this one is \(dtype)")
                if node == nil || node?.isLeaf == false { node = AutogradNode(leafShape: shape, dtype: dtype, device: device) }
            } else {
                node = nil
            }
        }
    }

    /// A copy marked as a leaf that requires a gradient.
    public func requiringGrad() -> Tensor {
        var copy = self
        copy.requiresGrad = true
        return copy
    }

    /// Whether this tensor is a leaf of the graph (made by the user, not by an op).
    public var isLeaf: Bool { node?.isLeaf ?? true }

    /// The gradient accumulated by ``backward(_:createGraph:)`` for a leaf, or `nil` if none was
    /// computed yet (or this tensor is not a leaf).
    public var grad: Tensor? {
        node?.grad
    }

    /// Clears the accumulated gradient of a leaf (as PyTorch's `zero_grad` with
    /// `set_to_none=True`).
    public func zeroGrad() {
        node?.grad = nil
    }

    /// Calls `hook` with this leaf's accumulated gradient every time a backward pass
    /// has finished adding to it (PyTorch's `register_post_accumulate_grad_hook`):
    /// data-parallel training starts reducing a gradient as soon as it is final,
    /// while the backward pass goes on. `nil` removes the hook. The hook belongs to
    /// this leaf: a fresh leaf (``requiresGrad`` set again) has none.
    ///
    /// - Parameter hook: receives ``grad`` on the thread that runs the backward pass.
    package func setGradientAccumulatedHook(_ hook: ((Tensor) -> Void)?) {
        require(node?.isLeaf == true || hook == nil, "setGradientAccumulatedHook: only leaves that require grad accumulate a gradient")
        node?.accumulationHook = hook
    }

    /// Replaces the accumulated gradient of a leaf; used by optimizers' gradient
    /// clipping and by data-parallel all-reduce.
    ///
    /// - Parameter gradient: the new gradient, of this tensor's shape, or `nil` to clear it.
    public func setGrad(_ gradient: Tensor?) {
        require(node?.isLeaf == true, "setGrad: only leaves that require grad hold a gradient")
        if let gradient {
            require(gradient.shape == shape, "setGrad: gradient shape \(Shape.describe(gradient.shape)) does not match tensor shape \(Shape.describe(shape))")
        }
        node?.grad = gradient
    }

    /// The same values, cut from the graph: no gradient flows through the result.
    public func detached() -> Tensor {
        var copy = self
        copy.node = nil
        return copy
    }
}
