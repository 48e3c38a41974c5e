/// Calling layers on symbolic tensors: the functional API's recording step.
extension Layer {
    /// Records a call of this layer on a symbolic tensor and returns its symbolic
    /// output. The layer is built for the input's shape (its weights are created
    /// now), and the output shape comes from the layer's shape inference
    /// (``ConfigurableLayer/inferShapes(inputShape:)``) without computing anything;
    /// layers that cannot infer (custom layers) run one zero sample instead.
    ///
    /// Calling the same layer again records another node with the same weights (a
    /// shared layer).
    ///
    /// - Parameter input: a ``SymbolicTensor`` or an ``Input``.
    /// - Returns: the symbolic output, `[batch, ...]` as the layer computes it.
    public func callAsFunction(_ input: some SymbolicTensorConvertible) -> SymbolicTensor {
        recordCall([input.symbolicTensor], takesList: false)[0]
    }

    /// Records a call on symbolic inputs and returns the node's symbolic outputs
    /// (one for every layer but nested multi-output models).
    ///
    /// - Parameters:
    ///   - inputs: the symbolic inputs, in call order.
    ///   - takesList: whether the layer receives an array (``MultiInputLayer``).
    package func recordCall(_ inputs: [SymbolicTensor], takesList: Bool) -> [SymbolicTensor] {
        let spec = symbolicOutputSpec(for: inputs)
        if outputShape == nil { recordOutputShape(spec.shape) }
        return LayerNode(layer: self, inputs: inputs, outputSpecs: [spec], takesList: takesList).makeOutputs()
    }

    /// Builds the layer for `inputs` and infers its output's per-sample shape and dtype.
    private func symbolicOutputSpec(for inputs: [SymbolicTensor]) -> (shape: [Int], dtype: DType) {
        let shapes = inputs.map(\.shape)
        // A layer built before for other shapes (a shared layer called on a new
        // shape) is probed, so a mismatch with its weights stops here, named by the op.
        let builtShapes = isBuilt ? ((self as? MultiInputLayer)?.inputShapes ?? inputShape.map { [$0] }) : nil
        let builtForOtherShapes = builtShapes.map { $0 != shapes } ?? false
        if let multi = self as? MultiInputLayer {
            let shape: [Int]?
            do {
                shape = try multi.outputShape(forInputShapes: shapes)
            } catch {
                fatalError("\(error)")
            }
            if !builtForOtherShapes { multi.buildIfNeeded(inputShapes: shapes) }
            if let shape, !builtForOtherShapes { return (shape, inputs[0].dtype) }
        } else if let configurable = self as? any ConfigurableLayer, !builtForOtherShapes {
            let inferred: InferredShapes?
            do {
                inferred = try configurable.inferShapes(inputShape: shapes[0])
            } catch {
                fatalError("\(error)")
            }
            buildIfNeeded(inputShape: shapes[0])
            if let inferred { return (inferred.output, inferred.preservesDType ? inputs[0].dtype : .float32) }
        }
        return probe(inputs)
    }

    /// Runs one zero sample through the layer (no gradient, inference mode) to
    /// learn its output shape and dtype.
    private func probe(_ inputs: [SymbolicTensor]) -> (shape: [Int], dtype: DType) {
        let device = firstParameter?.value.device ?? .current
        let samples = inputs.map { Tensor.zeros([1] + $0.shape, dtype: $0.dtype, device: device) }
        let output = withDevice(device) {
            withoutGradient {
                if let multi = self as? MultiInputLayer { return multi(samples, training: false) }
                return self(samples[0], training: false)
            }
        }
        return (Array(output.shape.dropFirst()), output.dtype)
    }
}

extension MultiInputLayer {
    /// Records a call of this layer on several symbolic tensors and returns its
    /// symbolic output (see ``Layer/callAsFunction(_:)-(SymbolicTensorConvertible)``).
    ///
    /// ```swift
    /// let y = Add()([x, shortcut])
    /// ```
    ///
    /// - Parameter inputs: ``SymbolicTensor``s or ``Input``s, in the order the layer
    ///   takes them.
    /// - Returns: the symbolic output.
    public func callAsFunction(_ inputs: [any SymbolicTensorConvertible]) -> SymbolicTensor {
        require(!inputs.isEmpty, "\(name): called with no inputs")
        return recordCall(inputs.map(\.symbolicTensor), takesList: true)[0]
    }
}

extension Input: SymbolicTensorConvertible {
    /// The symbolic tensor this input declares: layers called on the `Input` are
    /// called on it. Every tensor it returns stands for the same graph input while
    /// a graph holds one of them.
    public var symbolicTensor: SymbolicTensor {
        if let node = symbolicNode { return SymbolicTensor(shape: shape, dtype: dtype, node: node, outputIndex: 0) }
        let node = LayerNode(layer: self, inputs: [], outputSpecs: [(shape, dtype)], takesList: false)
        symbolicNode = node
        if outputShape == nil { recordOutputShape(shape) }
        if !isBuilt { buildIfNeeded(inputShape: shape) }
        return node.makeOutputs()[0]
    }
}
