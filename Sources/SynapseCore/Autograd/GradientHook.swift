extension Tensor {
    /// The same values, with `hook` called with this tensor's gradient every time a
    /// backward pass goes through it (PyTorch's `Tensor.register_hook`, without the
    /// option to change the gradient, which flows on unchanged).
    ///
    /// Unlike ``gradients(of:withRespectTo:createGraph:)``, a hook does not stop the
    /// backward pass: tensors further back in the graph get their gradients too, so
    /// one backward pass can report the gradients of many intermediate results —
    /// what differentially private training needs at every layer's output.
    ///
    /// A tensor that takes no part in the graph (its inputs need no gradient) still
    /// gets its hook called: the result is then a node of its own, and gradients
    /// stop there.
    ///
    /// ```swift
    /// var seen: Tensor?
    /// let hidden = x.matmul(w).withGradientHook { seen = $0 }
    /// hidden.relu().sum().backward()      // `seen` holds d(sum)/d(hidden)
    /// ```
    ///
    /// - Parameter hook: receives the gradient, of this tensor's shape; called during
    ///   the backward pass, on the thread that runs it. Nothing is recorded when
    ///   gradients are off (inside ``withoutGradient(_:)``).
    /// - Returns: this tensor's values, as a new node of the graph.
    public func withGradientHook(_ hook: @escaping (Tensor) -> Void) -> Tensor {
        guard GradientMode.recording else { return self }
        var output = self
        output.node = AutogradNode(op: "gradientHook", of: self, inputs: [node], rule: .plain { gradient in
            hook(gradient)
            return [gradient]
        })
        return output
    }
}
