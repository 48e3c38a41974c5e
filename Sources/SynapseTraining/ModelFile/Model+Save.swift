import Foundation

/// Saving models and weights (see ``ModelFile`` for the format).
extension Model {
    /// Writes the model to one `.safetensors` file: the weights under their stable
    /// names (`dense_1.kernel`, in Keras' layouts; PyTorch's are listed in
    /// ``ModelFile``), and in the metadata the architecture, the compile settings
    /// and the training history. ``Model/load(from:)`` reads it back (called as
    /// `Sequential.load(from:)`, as a stack).
    ///
    /// The write is atomic: a temporary file in the same folder, renamed over `url`.
    /// Before writing, every layer's configuration is rebuilt once through
    /// ``/SynapseNN/LayerRegistry``, so a model that could not be loaded again (an unregistered
    /// custom layer) fails here rather than at load time.
    ///
    /// A `Model` subclass saves whole when it conforms to `ConfigurableLayer` and its
    /// class is registered with ``/SynapseNN/LayerRegistry`` (Keras' `get_config` /
    /// `from_config` with a registered class); ``Model/load(from:)`` rebuilds it from
    /// its config and calls it once on a zero batch to create its weights.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError``: `unsupportedModel` for a subclass that does not
    ///   conform to `ConfigurableLayer` (save its weights with ``saveWeights(to:)`` instead),
    ///   `notBuilt` for a subclass not yet called,
    ///   `notSerializable` or `unknownLayerClass` for a layer that cannot be
    ///   described, `unwritable` when the file cannot be written.
    ///
    /// ```swift
    /// try model.save(to: URL(fileURLWithPath: "mnist.safetensors"))
    /// let copy = try Sequential.load(from: URL(fileURLWithPath: "mnist.safetensors"))
    /// ```
    ///
    /// - Parameter url: the `.safetensors` file to write (replaced when it exists).
    public func save(to url: URL) throws {
        let contents = try modelFileContents()
        try ModelFile.writeSafeTensors(contents.tensors, metadata: contents.metadata, to: url)
    }

    /// The tensors and metadata ``save(to:)`` writes.
    func modelFileContents() throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let architecture = try self.architecture()
        var metadata = Self.fileMetadata(format: ModelFile.format)
        metadata["architecture"] = try architecture.jsonText()
        if let compile = CompileConfig(of: self) { metadata["compile"] = try compile.jsonText() }
        metadata["history"] = try ModelFile.encodeHistory(history)
        if let privacyGuarantee { metadata[ModelFile.privacyKey] = try privacyGuarantee.jsonText() }
        return (try weightTensors(), metadata)
    }

    /// The architecture ``save(to:)`` stores: a ``Sequential``'s layers, a
    /// functional model's layers and how they connect, or a registered subclass's
    /// config. Every layer's configuration is rebuilt once through ``/SynapseNN/LayerRegistry``
    /// to prove it loads; models nested as layers are described by their own
    /// architecture.
    func architecture() throws -> ModelArchitecture {
        ModelLayerClasses.registerOnce()
        buildFromDeclaredInput()
        func checkedConfig(_ layer: Layer) throws -> LayerConfig {
            let config = try ModelLayerClasses.config(of: layer)
            _ = try LayerRegistry.makeLayer(from: config)
            return config
        }
        if let sequential = self as? Sequential {
            return ModelArchitecture(name: name, buildInputShape: isBuilt ? inputShape : nil, layers: try sequential.layers.map(checkedConfig))
        }
        if let graph {
            return ModelArchitecture(className: "Functional", name: name, buildInputShape: inputShape,
                                     layers: try graph.layers.map(checkedConfig), topology: graph.topology)
        }
        guard self is any ConfigurableLayer else {
            throw ModelFileError.unsupportedModel(
                "model '\(name)' of type \(type(of: self)) is neither a Sequential nor a functional model, and does not conform to ConfigurableLayer: "
                + "conform it and register it (LayerRegistry.register(\(type(of: self)).self)) to save it whole, or use saveWeights(to:) and rebuild it in code")
        }
        guard isBuilt, let inputShape else { throw ModelFileError.notBuilt(name) }
        let config = try checkedConfig(self)
        return ModelArchitecture(subclassConfig: config, buildInputShape: inputShape)
    }

    /// Writes only the weights, by name, to a `.safetensors` file (atomically);
    /// ``loadWeights(from:strict:)`` reads them into a model of the same
    /// architecture. Works for every model, also custom `Model` subclasses.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError/notBuilt(_:)`` before the model has parameters,
    ///   ``/SynapseNN/ModelFileError/duplicateTensorName(_:)`` when two parameters share a name,
    ///   ``/SynapseNN/ModelFileError/unwritable(path:reason:)``.
    ///
    /// - Parameter url: the `.safetensors` file to write (replaced when it exists).
    public func saveWeights(to url: URL) throws {
        buildFromDeclaredInput()
        guard isBuilt else { throw ModelFileError.notBuilt(name) }
        try ModelFile.writeSafeTensors(try weightTensors(), metadata: Self.fileMetadata(format: ModelFile.weightsFormat), to: url)
    }

    /// The parameters under the names a model file uses: each layer's
    /// ``/SynapseNN/Layer/namedParameters`` (`dense_1.kernel`, `batch_normalization.moving_mean`),
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
