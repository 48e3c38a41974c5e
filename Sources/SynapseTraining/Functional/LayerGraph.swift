/// The graph of a functional model: its inputs and outputs and the layer calls
/// between them, in an order where every call comes after the calls it depends on.
///
/// Built by `Model(inputs:outputs:)` from the nodes that layer calls on symbolic
/// tensors recorded; run by the model's forward pass.
package struct LayerGraph {
    /// The model's symbolic inputs (each an ``Input``'s tensor), in order.
    package let inputs: [SymbolicTensor]
    /// The model's symbolic outputs, in order.
    package let outputs: [SymbolicTensor]
    /// The layer calls between inputs and outputs, dependencies first (input nodes excluded).
    package let nodes: [LayerNode]
    /// Every layer once, inputs first, then in the order of their first call.
    package let layers: [Layer]
    /// For each value a node produces, the index in ``nodes`` of its last consumer,
    /// so a forward pass in inference mode frees intermediate batches early.
    private let lastUse: [ValueKey: Int]

    /// One output of one node.
    struct ValueKey: Hashable {
        let node: ObjectIdentifier
        let output: Int
        init(_ tensor: SymbolicTensor) { (node, output) = (ObjectIdentifier(tensor.node), tensor.outputIndex) }
        init(_ node: LayerNode, _ output: Int) { (self.node, self.output) = (ObjectIdentifier(node), output) }
    }

    /// Collects the calls that lead from `inputs` to `outputs`.
    ///
    /// Stops the program with a message naming the model when an input does not
    /// come from an ``Input``, an input is listed twice, or an output depends on an
    /// ``Input`` that is not among `inputs` (a disconnected graph).
    init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], model: String) {
        require(!inputs.isEmpty && !outputs.isEmpty, "Model '\(model)': needs at least one input and one output")
        for input in inputs {
            require(input.layer is Input, "Model '\(model)': inputs must come from Input(shape:); \(input) comes from layer '\(input.layer.name)'")
        }
        let inputKeys = Set(inputs.map(ValueKey.init))
        require(inputKeys.count == inputs.count, "Model '\(model)': an input is listed twice")
        var visited = Set<ObjectIdentifier>()
        var reached: [LayerNode] = []
        var pending = outputs
        while let tensor = pending.popLast() {
            if inputKeys.contains(ValueKey(tensor)) { continue }
            let node = tensor.node
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            if let input = node.layer as? Input {
                fatalError("Model '\(model)': graph disconnected: the outputs depend on Input '\(input.name)' (shape \(Shape.describe(input.shape))), which is not among the model's inputs (\(inputs.map(\.layer.name).joined(separator: ", ")))")
            }
            reached.append(node)
            pending.append(contentsOf: node.inputs)
        }
        // A node is recorded after the nodes that made its inputs, so the order of
        // recording is an order of dependencies.
        let nodes = reached.sorted { $0.sequenceNumber < $1.sequenceNumber }
        var layers: [Layer] = inputs.map(\.layer)
        var seen = Set(layers.map(ObjectIdentifier.init))
        for node in nodes where seen.insert(ObjectIdentifier(node.layer)).inserted {
            layers.append(node.layer)
        }
        var lastUse: [ValueKey: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for input in node.inputs { lastUse[ValueKey(input)] = index }
        }
        for output in outputs { lastUse[ValueKey(output)] = Int.max }
        (self.inputs, self.outputs, self.nodes, self.layers, self.lastUse) = (inputs, outputs, nodes, layers, lastUse)
    }

    /// Each node's index among its layer's calls in this graph (Keras' node index
    /// within a model): 0 for a layer's first call, 1 for its second, ...; an
    /// input's node is 0.
    var nodeNumbering: [ObjectIdentifier: Int] {
        var numbering: [ObjectIdentifier: Int] = [:]
        for input in inputs { numbering[ObjectIdentifier(input.node)] = 0 }
        var calls: [ObjectIdentifier: Int] = [:]
        for node in nodes {
            let layer = ObjectIdentifier(node.layer)
            numbering[ObjectIdentifier(node)] = calls[layer, default: 0]
            calls[layer, default: 0] += 1
        }
        return numbering
    }

    /// How the layers connect, as a model file stores it.
    var topology: FunctionalTopology {
        let numbering = nodeNumbering
        func reference(_ tensor: SymbolicTensor) -> FunctionalTopology.TensorReference {
            FunctionalTopology.TensorReference(layer: tensor.layer.name, node: numbering[ObjectIdentifier(tensor.node)] ?? 0,
                                               output: tensor.outputIndex, shape: tensor.shape, dtype: tensor.dtype.rawValue)
        }
        var calls: [String: [FunctionalTopology.Call]] = [:]
        for node in nodes {
            calls[node.layer.name, default: []].append(FunctionalTopology.Call(inputs: node.inputs.map(reference), takesList: node.takesList))
        }
        return FunctionalTopology(calls: calls, inputs: inputs.map(reference), outputs: outputs.map(reference))
    }

    /// The index of the only output, or stops the program naming the model when
    /// there are several (call the model with an array instead).
    func singleOutput(model: String) -> Int {
        require(outputs.count == 1 && inputs.count == 1,
                "Model '\(model)' has \(inputs.count) inputs and \(outputs.count) outputs: call it with an array of inputs, model([a, b]), which returns an array of outputs")
        return 0
    }

    /// Runs the calls in order on real batches and returns each output with its
    /// time-step mask (bool `[batch, time]`, or `nil`).
    ///
    /// - Parameters:
    ///   - batches: one batch per input, `[batch] + input shape`.
    ///   - masks: one mask or `nil` per input.
    ///   - training: `true` inside training steps.
    ///   - model: the model's name, for messages.
    func run(_ batches: [Tensor], masks: [Tensor?], training: Bool, model: String) -> [(output: Tensor, mask: Tensor?)] {
        require(batches.count == inputs.count,
                "Model '\(model)': expects \(inputs.count) inputs (\(inputs.map(\.layer.name).joined(separator: ", "))), got \(batches.count)")
        var values: [ValueKey: (output: Tensor, mask: Tensor?)] = [:]
        for ((batch, mask), input) in zip(zip(batches, masks), inputs) {
            require(batch.rank >= 1 && Array(batch.shape.dropFirst()) == input.shape,
                    "Model '\(model)': input '\(input.layer.name)' expects batches of shape [batch, \(input.shape.map(String.init).joined(separator: ", "))], got \(Shape.describe(batch.shape))")
            require(batch.shape[0] == batches[0].shape[0],
                    "Model '\(model)': inputs have different batch sizes: \(batches.map { Shape.describe($0.shape) }.joined(separator: ", "))")
            values[ValueKey(input)] = (batch, mask)
        }
        let freesEarly = !training && !GradientMode.isEnabled
        for (index, node) in nodes.enumerated() {
            let arguments = node.inputs.map { values[ValueKey($0)]! }
            for (offset, result) in Self.call(node, arguments, training: training).enumerated() {
                values[ValueKey(node, offset)] = result
            }
            if freesEarly {
                for input in node.inputs where lastUse[ValueKey(input)] == index { values[ValueKey(input)] = nil }
            }
        }
        return outputs.map { values[ValueKey($0)]! }
    }

    /// One layer call on real values: an array for multi-input layers, the graph of
    /// a nested functional model, or one batch otherwise; masks follow each layer's
    /// `computeMask`.
    private static func call(_ node: LayerNode, _ arguments: [(output: Tensor, mask: Tensor?)],
                             training: Bool) -> [(output: Tensor, mask: Tensor?)] {
        let tensors = arguments.map(\.output)
        let masks = arguments.map(\.mask)
        if let multi = node.layer as? MultiInputLayer {
            let output = multi(tensors, masks: masks, training: training)
            return [(output, multi.computeMask(inputs: tensors, output: output, masks: masks))]
        }
        if let nested = node.layer as? Model, let graph = nested.graph {
            nested.buildFromDeclaredInput()
            return graph.run(tensors, masks: masks, training: training, model: nested.name)
        }
        let layer = node.layer
        let output = layer(tensors[0], mask: masks[0], training: training)
        return [(output, layer.computeMask(input: tensors[0], output: output, mask: masks[0]))]
    }
}
