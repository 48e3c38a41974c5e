import Foundation

extension Model {
    /// Loads weights by name from a `.safetensors` file (written by
    /// ``saveWeights(to:)`` or ``save(to:)``, or by any tool that uses the same names
    /// and layouts). Nothing is assigned unless every check passes.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - strict: `true` (the default, as Keras and PyTorch): every parameter must
    ///     be in the file and every tensor in the file must be used. `false`: load
    ///     the parameters found, ignore the rest (shapes must still match).
    /// - Throws: ``/SynapseNN/ModelFileError``: `notBuilt` for a model without parameters yet,
    ///   `missingTensor`, `shapeMismatch`, `wrongDType`, `unexpectedTensors`, `unreadable`.
    public func loadWeights(from url: URL, strict: Bool = true) throws {
        buildFromDeclaredInput()
        guard isBuilt else { throw ModelFileError.notBuilt(name) }
        try assignWeights(ModelFile.readSafeTensors(from: url).tensors, strict: strict)
    }

    /// Checks every weight against its parameter, then assigns them all.
    func assignWeights(_ tensors: [String: Tensor], strict: Bool) throws {
        var assignments: [(Parameter, Tensor)] = []
        var used = Set<String>()
        for (name, parameter) in namedWeights {
            guard let tensor = tensors[name] else {
                if strict { throw ModelFileError.missingTensor(name) }
                continue
            }
            guard tensor.dtype == .float32 else {
                throw ModelFileError.wrongDType(tensor: name, expected: DType.float32.rawValue, found: tensor.dtype.rawValue)
            }
            guard tensor.shape == parameter.shape else {
                throw ModelFileError.shapeMismatch(tensor: name, expected: parameter.shape, found: tensor.shape)
            }
            assignments.append((parameter, tensor))
            used.insert(name)
        }
        let unused = tensors.keys.filter { !used.contains($0) }.sorted()
        if strict && !unused.isEmpty { throw ModelFileError.unexpectedTensors(unused) }
        for (parameter, tensor) in assignments { parameter.assign(tensor) }
    }
}

extension ModelFile {
    /// Builds the ``Sequential`` model this file describes, with its weights,
    /// compile settings and history (see ``Model/load(from:)``).
    ///
    /// - Throws: ``/SynapseNN/ModelFileError`` naming what is wrong; `invalidArchitecture` for a
    ///   file that holds another kind of model.
    public func makeSequential() throws -> Sequential {
        try makeSequential(assigningWeights: true)
    }

    /// Builds the stack; without `assigningWeights` (a stack nested in another
    /// model) the weights are left as initialized and no training state is restored.
    func makeSequential(assigningWeights: Bool) throws -> Sequential {
        ModelLayerClasses.registerOnce()
        guard architecture.className == "Sequential" else {
            if architecture.topology != nil {
                throw ModelFileError.invalidArchitecture("model '\(architecture.name.prefix(80))' is a functional model; load it with Model.load(from:) or ModelFile.makeModel()")
            }
            throw ModelFileError.invalidArchitecture("model '\(architecture.name.prefix(80))' is of class \"\(architecture.className.prefix(40))\", not a Sequential; load it with Model.load(from:)")
        }
        let layers = try architecture.layers.map(LayerRegistry.makeLayer(from:))
        let model = Sequential(name: architecture.name)
        for layer in layers {
            guard !model.layers.contains(where: { $0.name == layer.name }) else {
                throw ModelFileError.invalidArchitecture("two layers are named '\(layer.name)'")
            }
            model.add(layer)
        }
        let input = layers.first as? Input
        if !assigningWeights {
            if let shape = architecture.buildInputShape ?? input?.shape { model.buildIfNeeded(inputShape: shape) }
            return model
        }
        if let shape = architecture.buildInputShape ?? input?.shape {
            try checkShapes(of: model, inputShape: shape, inputDType: input?.dtype ?? .float32)
            model.buildIfNeeded(inputShape: shape)
            try model.assignWeights(tensors, strict: true)
        } else if let name = tensors.keys.min() {
            throw ModelFileError.unexpectedTensors([name] + tensors.keys.filter { $0 != name }.sorted())
        }
        try restoreTrainingState(into: model)
        return model
    }

    /// Compiles a rebuilt model with the stored settings (when they can be rebuilt)
    /// and restores its history and privacy guarantee.
    func restoreTrainingState(into model: Model) throws {
        if let compile { try compile.compile(model) }
        if let history { model.setHistory(history) }
        model.privacyGuarantee = privacy
    }

    /// Infers every layer's shapes without building and compares the parameter
    /// shapes with the file's tensors, so nothing is allocated for a file whose
    /// sizes do not match its weights.
    private func checkShapes(of model: Sequential, inputShape: [Int], inputDType: DType) throws {
        let inferred = try LayerShapeInference.infer(model.layers, inputShape: inputShape, inputDType: inputDType)
        for (layer, shapes) in zip(model.layers, inferred) {
            guard let shapes else { break }
            for (parameterName, shape) in shapes.parameters.sorted(by: { $0.key < $1.key }) {
                let name = "\(layer.name).\(parameterName)"
                guard let tensor = tensors[name] else { throw ModelFileError.missingTensor(name) }
                guard tensor.shape == shape else { throw ModelFileError.shapeMismatch(tensor: name, expected: shape, found: tensor.shape) }
            }
        }
    }
}
