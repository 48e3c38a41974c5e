/// The functional API: models as graphs of layer calls (Keras' `Model(inputs, outputs)`).
///
/// ```swift
/// let inputs = Input(shape: [32, 32, 3])
/// var x = Conv2D(16, kernelSize: 3, padding: .same, activation: .relu)(inputs)
/// let shortcut = x
/// x = Conv2D(16, kernelSize: 3, padding: .same, activation: .relu)(x)
/// x = Conv2D(16, kernelSize: 3, padding: .same)(x)
/// x = Activation(.relu)(Add()([x, shortcut]))                 // a residual block
/// let outputs = Dense(10, activation: .softmax)(GlobalAveragePooling2D()(x))
/// let model = Model(inputs: inputs, outputs: outputs, name: "tiny_resnet")
/// try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
/// ```
extension Model {
    /// A model from the graph of layer calls between `inputs` and `outputs`.
    ///
    /// Layers keep the weights they were built with when called; a layer called at
    /// several places is one layer with one set of weights. Layers without an
    /// explicit name are renamed to be unique within the model ("dense",
    /// "dense_1", ...), in the order of their first call.
    ///
    /// - Parameters:
    ///   - inputs: the model's inputs, each an ``/SynapseNN/Input`` (or its symbolic tensor), in
    ///     the order batches are passed.
    ///   - outputs: the symbolic tensors the model returns, in order.
    ///   - name: the model's name (default "model").
    public convenience init(inputs: [any SymbolicTensorConvertible], outputs: [SymbolicTensor], name: String? = nil) {
        self.init(name: name)
        let graph = LayerGraph(inputs: inputs.map(\.symbolicTensor), outputs: outputs, model: self.name)
        Self.makeNamesUnique(graph.layers, model: self.name)
        self.graph = graph
        buildIfNeeded(inputShape: graph.inputs[0].shape)
        recordOutputShape(graph.outputs[0].shape)
    }

    /// A model with one input and one output.
    ///
    /// - Parameters:
    ///   - inputs: the ``/SynapseNN/Input`` (or its symbolic tensor).
    ///   - outputs: the symbolic output.
    ///   - name: the model's name (default "model").
    public convenience init(inputs: some SymbolicTensorConvertible, outputs: SymbolicTensor, name: String? = nil) {
        self.init(inputs: [inputs], outputs: [outputs], name: name)
    }

    /// A model with several inputs and one output.
    ///
    /// - Parameters:
    ///   - inputs: the ``/SynapseNN/Input``s, in the order batches are passed.
    ///   - outputs: the symbolic output.
    ///   - name: the model's name (default "model").
    public convenience init(inputs: [any SymbolicTensorConvertible], outputs: SymbolicTensor, name: String? = nil) {
        self.init(inputs: inputs, outputs: [outputs], name: name)
    }

    /// Whether the model was made with `Model(inputs:outputs:)`.
    public var isFunctional: Bool { graph != nil }

    /// A functional model's input names (its ``/SynapseNN/Input`` layers' names), in order;
    /// empty for other models.
    public var inputNames: [String] { graph?.inputs.map(\.layer.name) ?? [] }

    /// A functional model's output names (the names of the layers that produce
    /// them, as Keras' `output_names`), in order; empty for other models.
    public var outputNames: [String] { graph?.outputs.map(\.layer.name) ?? [] }

    /// Runs a functional model on one batch per input and returns one batch per output.
    ///
    /// - Parameters:
    ///   - inputs: one batch per input, in the order of ``inputNames``; the same batch size.
    ///   - training: `true` inside training steps; `false` (the default) for inference.
    /// - Returns: one batch per output, in the order of ``outputNames``.
    public func callAsFunction(_ inputs: [Tensor], training: Bool = false) -> [Tensor] {
        let graph = requireFunctional("calling with an array of inputs")
        return graph.run(inputs, masks: inputs.map { _ in nil }, training: training, model: name).map(\.output)
    }

    /// Calls this functional model as a layer of another graph and returns its
    /// symbolic outputs (a nested model: its weights are shared with this model).
    ///
    /// - Parameter inputs: one ``/SynapseNN/SymbolicTensor`` (or ``/SynapseNN/Input``) per input of this model.
    /// - Returns: one symbolic tensor per output of this model.
    public func callAsFunction(_ inputs: [any SymbolicTensorConvertible]) -> [SymbolicTensor] {
        let graph = requireFunctional("calling on symbolic tensors")
        let symbolic = inputs.map(\.symbolicTensor)
        require(symbolic.map(\.shape) == graph.inputs.map(\.shape),
                "Model '\(name)': called on tensors of per-sample shapes \(symbolic.map { Shape.describe($0.shape) }.joined(separator: ", ")), but its inputs have shapes \(graph.inputs.map { Shape.describe($0.shape) }.joined(separator: ", "))")
        let specs = graph.outputs.map { (shape: $0.shape, dtype: $0.dtype) }
        return LayerNode(layer: self, inputs: symbolic, outputSpecs: specs, takesList: true).makeOutputs()
    }

    /// Outputs of a functional model for one array per input, in inference mode and
    /// in batches, without recording gradients.
    ///
    /// - Parameters:
    ///   - inputs: one array `[samples, ...]` per input, in the order of ``inputNames``.
    ///   - batchSize: samples per forward pass (32 by default).
    /// - Returns: one array `[samples, ...]` per output, in the order of ``outputNames``.
    public func predict(_ inputs: [Tensor], batchSize: Int = 32) -> [Tensor] {
        let graph = requireFunctional("predict with an array of inputs")
        require(batchSize > 0, "predict: batchSize must be positive, got \(batchSize)")
        require(inputs.count == graph.inputs.count, "predict: model '\(name)' has \(graph.inputs.count) inputs, got \(inputs.count)")
        require(inputs.allSatisfy { $0.rank >= 1 && $0.shape[0] == inputs[0].shape[0] },
                "predict: inputs of shapes \(inputs.map { Shape.describe($0.shape) }.joined(separator: ", ")) must have the same number of samples")
        let (sourceDevice, device) = (inputs[0].device, executionDevice)
        let inputs = inputs.map { $0.to(device) }
        return withExecutionContext(on: device) { withoutGradient {
            let samples = inputs[0].shape[0]
            var batches: [[Tensor]] = []
            var start = 0
            repeat {
                let count = Swift.min(batchSize, samples - start)
                let slices = inputs.map { $0.narrowed(axis: 0, start: start, length: count) }
                batches.append(graph.run(slices, masks: slices.map { _ in nil }, training: false, model: name).map(\.output))
                start += count
            } while start < samples
            return (0..<graph.outputs.count).map { output in
                (batches.count == 1 ? batches[0][output] : Tensor.concatenate(batches.map { $0[output] }, axis: 0)).to(sourceDevice)
            }
        } }
    }

    /// Outputs of a functional model for named inputs, by output name (Keras'
    /// `predict` with dictionaries).
    ///
    /// - Parameters:
    ///   - inputs: one array `[samples, ...]` per input, keyed by ``inputNames``.
    ///   - batchSize: samples per forward pass (32 by default).
    /// - Returns: one array per output, keyed by ``outputNames``.
    public func predict(_ inputs: [String: Tensor], batchSize: Int = 32) -> [String: Tensor] {
        _ = requireFunctional("predict with named inputs")
        let unknown = inputs.keys.filter { !inputNames.contains($0) }.sorted()
        require(unknown.isEmpty, "predict: model '\(name)' has no input named \(unknown.map { "'\($0)'" }.joined(separator: ", ")); its inputs are \(inputNames.joined(separator: ", "))")
        let ordered = inputNames.map { name -> Tensor in
            guard let tensor = inputs[name] else { fatalError("predict: input '\(name)' of model '\(self.name)' is missing") }
            return tensor
        }
        return Dictionary(uniqueKeysWithValues: zip(outputNames, predict(ordered, batchSize: batchSize)))
    }

    /// The graph, or stops the program naming what needed it.
    func requireFunctional(_ action: String) -> LayerGraph {
        guard let graph else {
            fatalError("Model '\(name)' (\(type(of: self))): \(action) needs a functional model, made with Model(inputs:outputs:)")
        }
        return graph
    }

    /// Renames layers without an explicit name so every name in the model is
    /// unique; two layers given the same name explicitly stop the program.
    private static func makeNamesUnique(_ layers: [Layer], model: String) {
        var taken = Set(layers.filter(\.hasExplicitName).map(\.name))
        let explicit = layers.filter(\.hasExplicitName).map(\.name)
        require(taken.count == explicit.count,
                "Model '\(model)': two layers are named '\(explicit.first { name in explicit.filter { $0 == name }.count > 1 } ?? "")'")
        for layer in layers where !layer.hasExplicitName {
            let base = layer.name
            var candidate = base
            var suffix = 1
            while taken.contains(candidate) {
                candidate = "\(base)_\(suffix)"
                suffix += 1
            }
            layer.name = candidate
            taken.insert(candidate)
        }
    }
}
