/// Rebuilding functional models from a file: the layers from ``/SynapseNN/LayerRegistry``, then
/// their calls in an order where each call's inputs exist, checked shape by shape
/// before any weight is allocated.
extension ModelFile {
    /// Builds the model this file describes — ``Sequential``, functional or a
    /// registered subclass — with its weights, compile settings and history (see
    /// ``Model/load(from:)``).
    ///
    /// - Throws: ``/SynapseNN/ModelFileError`` naming what is wrong.
    public func makeModel() throws -> Model {
        try makeModel(assigningWeights: true)
    }

    /// Builds the model; without `assigningWeights` (a model nested as a layer,
    /// whose weights the outer model's file holds) nothing is compared with or
    /// taken from ``tensors``, and no training state is restored.
    func makeModel(assigningWeights: Bool) throws -> Model {
        ModelLayerClasses.registerOnce()
        if let subclassConfig = architecture.subclassConfig { return try makeSubclass(subclassConfig) }
        guard let topology = architecture.topology else { return try makeSequential(assigningWeights: assigningWeights) }
        return try makeFunctional(topology, assigningWeights: assigningWeights)
    }

    /// A registered `Model` subclass from its config, called once on a zero batch
    /// of the stored input shape to create its weights, then given the file's.
    private func makeSubclass(_ config: LayerConfig) throws -> Model {
        guard let model = try LayerRegistry.makeLayer(from: config) as? Model else {
            throw ModelFileError.invalidArchitecture("class \"\(config.className.prefix(40))\" is registered as a layer, not a Model subclass")
        }
        guard let shape = architecture.buildInputShape,
              let count = ShapeArithmetic.elementCount(shape), count <= LayerShapeInference.maximumActivationElements else {
            throw ModelFileError.invalidArchitecture("model '\(architecture.name.prefix(80))' needs a \"build_input_shape\" of a size that can be allocated")
        }
        _ = model(Tensor.zeros([1] + shape), training: false)
        try model.assignWeights(tensors, strict: true)
        try restoreTrainingState(into: model)
        return model
    }

    /// One output of one call while the graph is planned: its per-sample shape and
    /// dtype, or `nil` past a layer that cannot infer its shapes without building.
    private typealias Spec = (shape: [Int], dtype: DType)?

    private func makeFunctional(_ topology: FunctionalTopology, assigningWeights: Bool) throws -> Model {
        let layers = try architecture.layers.map(LayerRegistry.makeLayer(from:))
        let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
        for name in topology.calls.keys where byName[name] == nil {
            throw ModelFileError.invalidArchitecture("\"inbound_nodes\" name a layer '\(name.prefix(80))' that is not in \"layers\"")
        }
        let order = try callOrder(layers, topology)

        // Shapes first: every call's output shapes, and the first call's parameter
        // shapes against the stored tensors.
        var specs: [String: [[Spec]]] = [:]
        for (layer, callIndex) in order {
            let call = layer is Input ? nil : topology.calls[layer.name]?[callIndex]
            let inputSpecs = try call.map { try $0.inputs.map { try spec(of: $0, in: specs) } } ?? []
            let output = try inferredSpec(of: layer, inputs: inputSpecs, checkingWeights: assigningWeights && callIndex == 0)
            specs[layer.name, default: []].append([output])
        }

        // Then the graph itself, built layer call by layer call.
        var produced: [String: [[SymbolicTensor]]] = [:]
        for (layer, callIndex) in order {
            if let input = layer as? Input {
                produced[layer.name] = [[input.symbolicTensor]]
                continue
            }
            let call = topology.calls[layer.name]![callIndex]
            let inputs = try call.inputs.map { try tensor(for: $0, in: produced) }
            produced[layer.name, default: []].append(layer.recordCall(inputs, takesList: call.takesList))
        }
        let inputs = try topology.inputs.map { reference -> SymbolicTensor in
            guard byName[reference.layer] is Input else {
                throw ModelFileError.invalidArchitecture("\"input_layers\" names '\(reference.layer.prefix(80))', which is not an InputLayer")
            }
            return try tensor(for: reference, in: produced)
        }
        let outputs = try topology.outputs.map { try tensor(for: $0, in: produced) }
        // An InputLayer missing from "input_layers" would disconnect the graph.
        let listed = Set(topology.inputs.map(\.layer))
        if let unlisted = layers.first(where: { $0 is Input && !listed.contains($0.name) }) {
            throw ModelFileError.invalidArchitecture("InputLayer '\(unlisted.name)' is not among \"input_layers\"")
        }
        let model = Model(inputs: inputs, outputs: outputs, name: architecture.name)
        let reached = Set(model.layers.map(ObjectIdentifier.init))
        if let unused = layers.first(where: { !reached.contains(ObjectIdentifier($0)) }) {
            throw ModelFileError.invalidArchitecture("layer '\(unused.name)' is not connected to the outputs")
        }
        if assigningWeights {
            try model.assignWeights(tensors, strict: true)
            try restoreTrainingState(into: model)
        }
        return model
    }

    /// The calls in an order where each call's inputs come from earlier calls
    /// (Keras' queue of unprocessed nodes); a layer's calls keep their order.
    private func callOrder(_ layers: [Layer], _ topology: FunctionalTopology) throws -> [(Layer, Int)] {
        var order: [(Layer, Int)] = []
        var done: [String: Int] = [:]   // calls processed per layer
        for layer in layers where layer is Input {
            guard (topology.calls[layer.name] ?? []).isEmpty else {
                throw ModelFileError.invalidArchitecture("InputLayer '\(layer.name)' cannot have inbound nodes")
            }
            order.append((layer, 0))
            done[layer.name] = 1
        }
        let total = layers.reduce(0) { $0 + (topology.calls[$1.name]?.count ?? 0) }
        var progress = true
        while progress && order.count < total + done.count {
            progress = false
            for layer in layers where !(layer is Input) {
                let calls = topology.calls[layer.name] ?? []
                while let next = calls.dropFirst(done[layer.name] ?? 0).first,
                      next.inputs.allSatisfy({ (done[$0.layer] ?? 0) > $0.node }) {
                    order.append((layer, done[layer.name] ?? 0))
                    done[layer.name, default: 0] += 1
                    progress = true
                }
            }
        }
        for layer in layers where !(layer is Input) {
            let calls = topology.calls[layer.name] ?? []
            if let stuck = calls.dropFirst(done[layer.name] ?? 0).first {
                let missing = stuck.inputs.first { (done[$0.layer] ?? 0) <= $0.node }!
                throw ModelFileError.invalidArchitecture(
                    "layer '\(layer.name)' call \(done[layer.name] ?? 0) needs output \(missing.output) of call \(missing.node) of '\(missing.layer.prefix(80))', which no layer produces (a cycle or a missing layer)")
            }
        }
        return order
    }

    private func spec(of reference: FunctionalTopology.TensorReference, in specs: [String: [[Spec]]]) throws -> Spec {
        guard let outputs = specs[reference.layer]?.dropFirst(reference.node).first, reference.output < outputs.count else {
            throw ModelFileError.invalidArchitecture("no output \(reference.output) of call \(reference.node) of layer '\(reference.layer.prefix(80))'")
        }
        return outputs[reference.output]
    }

    private func tensor(for reference: FunctionalTopology.TensorReference, in produced: [String: [[SymbolicTensor]]]) throws -> SymbolicTensor {
        guard let outputs = produced[reference.layer]?.dropFirst(reference.node).first, reference.output < outputs.count else {
            throw ModelFileError.invalidArchitecture("no output \(reference.output) of call \(reference.node) of layer '\(reference.layer.prefix(80))'")
        }
        return outputs[reference.output]
    }

    /// The output spec of one call, inferred without building; with
    /// `checkingWeights` (the layer's first call), its parameter shapes are compared
    /// with the file's tensors.
    private func inferredSpec(of layer: Layer, inputs: [Spec], checkingWeights: Bool) throws -> Spec {
        if let input = layer as? Input { return (input.shape, input.dtype) }
        let known = inputs.compactMap { $0 }
        guard known.count == inputs.count, !known.isEmpty else { return nil }
        let className = (layer as? any ConfigurableLayer).map { type(of: $0).className } ?? String(describing: type(of: layer))
        if let multi = layer as? MultiInputLayer, known.count > 1 || !(layer is any ConfigurableLayer) {
            do {
                guard let shape = try multi.outputShape(forInputShapes: known.map(\.shape)) else { return nil }
                guard shape.allSatisfy({ (1...LayerConfig.maximumSize).contains($0) }),
                      let count = ShapeArithmetic.elementCount(shape), count <= LayerShapeInference.maximumActivationElements else {
                    throw ModelFileError.incompatibleShape(layer: layer.name, className: className, inputShape: known[0].shape,
                                                           reason: "its output of per-sample shape \(Shape.describe(shape)) is too large")
                }
                return (shape, known[0].dtype)
            } catch let error as InputShapeError {
                throw ModelFileError.incompatibleShape(layer: layer.name, className: className, inputShape: known[0].shape, reason: error.reason)
            }
        }
        guard let inferred = try LayerShapeInference.infer([layer], inputShape: known[0].shape, inputDType: known[0].dtype).first ?? nil else {
            return nil
        }
        if checkingWeights {
            for (parameterName, shape) in inferred.parameters.sorted(by: { $0.key < $1.key }) {
                let name = "\(layer.name).\(parameterName)"
                guard let tensor = tensors[name] else { throw ModelFileError.missingTensor(name) }
                guard tensor.shape == shape else { throw ModelFileError.shapeMismatch(tensor: name, expected: shape, found: tensor.shape) }
            }
        }
        return (inferred.output, inferred.preservesDType ? known[0].dtype : .float32)
    }

}

extension Model {
    /// Reads a model written by ``save(to:)``: rebuilds the layers from
    /// ``/SynapseNN/LayerRegistry`` (and, for a functional model, their connections), builds
    /// them for the stored input shape, loads every weight, recompiles with the
    /// stored optimizer, loss and metrics, and restores the history. Predictions of
    /// the loaded model equal the saved model's bit for bit.
    ///
    /// `Model.load(from:)` returns whichever model the file holds;
    /// `Sequential.load(from:)` a stack, refusing a functional model.
    ///
    /// The file is treated as untrusted: every shape is checked before anything is
    /// built, and a damaged or hostile file throws a ``/SynapseNN/ModelFileError`` naming the
    /// problem; it never stops the process.
    ///
    /// Compile settings come back when the optimizer and loss are built-in ones
    /// (with their stored hyper-parameters; the learning rate as a constant), and
    /// metrics whose names ``/SynapseNN/Metrics/named(_:loss:)`` knows; otherwise the model is
    /// returned uncompiled (call `compile` yourself) and
    /// ``ModelFile/compile`` still holds what was stored. Optimizer state (moments)
    /// is not part of the file.
    ///
    /// - Parameter url: the model file.
    /// - Throws: ``/SynapseNN/ModelFileError`` (`unreadable`, `notAModelFile`,
    ///   `unknownLayerClass`, `invalidConfig`, `invalidArchitecture`, `missingTensor`,
    ///   `shapeMismatch`, ...).
    ///
    /// ```swift
    /// let model = try Sequential.load(from: URL(fileURLWithPath: "mnist.safetensors"))
    /// let probabilities = model.predict(images)
    /// let resnet = try Model.load(from: URL(fileURLWithPath: "resnet.safetensors"))
    /// ```
    public static func load(from url: URL) throws -> Self {
        let file = try ModelFile.read(from: url)
        let model = Self.self == Sequential.self ? try file.makeSequential() : try file.makeModel()
        guard let typed = model as? Self else {
            throw ModelFileError.invalidArchitecture("\(url.lastPathComponent) holds a \(file.architecture.className) model, not a \(Self.self)")
        }
        return typed
    }
}

import Foundation
