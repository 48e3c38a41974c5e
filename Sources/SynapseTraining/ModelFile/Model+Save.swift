import Foundation

/// Saving models and weights (see ``ModelFile`` for the format).
extension Model {
    /// Writes the model to one `.safetensors` file: the weights under their stable
    /// names (`dense_1.kernel`, in Keras' layouts; PyTorch's are listed in
    /// ``ModelFile``), and in the metadata the architecture, the compile settings
    /// and the training history. ``Sequential/load(from:)`` reads it back.
    ///
    /// The write is atomic: a temporary file in the same folder, renamed over `url`.
    /// Before writing, every layer's configuration is rebuilt once through
    /// ``LayerRegistry``, so a model that could not be loaded again (an unregistered
    /// custom layer) fails here rather than at load time.
    ///
    /// - Throws: ``ModelFileError``: `unsupportedModel` for a model that is not a
    ///   ``Sequential`` (save its weights with ``saveWeights(to:)`` instead),
    ///   `notSerializable` or `unknownLayerClass` for a layer that cannot be
    ///   described, `unwritable` when the file cannot be written.
    ///
    /// ```swift
    /// try model.save(to: URL(fileURLWithPath: "mnist.safetensors"))
    /// let copy = try Sequential.load(from: URL(fileURLWithPath: "mnist.safetensors"))
    /// ```
    public func save(to url: URL) throws {
        let contents = try modelFileContents()
        try ModelFile.writeSafeTensors(contents.tensors, metadata: contents.metadata, to: url)
    }

    /// The tensors and metadata ``save(to:)`` writes.
    func modelFileContents() throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let sequential = self as? Sequential else {
            throw ModelFileError.unsupportedModel(
                "model '\(name)' of type \(type(of: self)) is not a Sequential: save(to:) describes Sequential models; use saveWeights(to:) and rebuild the model in code")
        }
        buildFromDeclaredInput()
        let layers = try sequential.layers.map { layer -> LayerConfig in
            let config = try LayerRegistry.config(of: layer)
            _ = try LayerRegistry.makeLayer(from: config)
            return config
        }
        let architecture = ModelArchitecture(name: name, buildInputShape: isBuilt ? inputShape : nil, layers: layers)
        var metadata = Self.fileMetadata(format: ModelFile.format)
        metadata["architecture"] = try architecture.jsonText()
        if let compile = CompileConfig(of: self) { metadata["compile"] = try compile.jsonText() }
        metadata["history"] = try ModelFile.encodeHistory(history)
        if let privacyGuarantee { metadata[ModelFile.privacyKey] = try privacyGuarantee.jsonText() }
        return (try weightTensors(), metadata)
    }

    /// Writes only the weights, by name, to a `.safetensors` file (atomically);
    /// ``loadWeights(from:strict:)`` reads them into a model of the same
    /// architecture. Works for every model, also custom `Model` subclasses.
    ///
    /// - Throws: ``ModelFileError/notBuilt(_:)`` before the model has parameters,
    ///   ``ModelFileError/duplicateTensorName(_:)`` when two parameters share a name,
    ///   ``ModelFileError/unwritable(path:reason:)``.
    public func saveWeights(to url: URL) throws {
        buildFromDeclaredInput()
        guard isBuilt else { throw ModelFileError.notBuilt(name) }
        try ModelFile.writeSafeTensors(try weightTensors(), metadata: Self.fileMetadata(format: ModelFile.weightsFormat), to: url)
    }

    /// The parameters under the names a model file uses: each layer's
    /// ``Layer/namedParameters`` (`dense_1.kernel`, `batch_normalization.moving_mean`),
    /// without the model's own name in front; parameters a custom model owns
    /// directly go by their own names.
    public var namedWeights: [(name: String, parameter: Parameter)] {
        ownParameters.map { ($0.name, $0) } + sublayers.flatMap(\.namedParameters)
    }

    /// The weights by name, refusing duplicate names.
    func weightTensors() throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in namedWeights {
            guard tensors[name] == nil else { throw ModelFileError.duplicateTensorName(name) }
            tensors[name] = parameter.value.detached()
        }
        return tensors
    }

    static func fileMetadata(format: String) -> [String: String] {
        ["format": format, "format_version": ModelFile.formatVersion, "synapse_version": SystemInfo.synapseVersion,
         "weight_layout": ModelFile.weightLayoutNote]
    }
}
