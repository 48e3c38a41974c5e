import Foundation
import SynapseIO
import SynapseNN

/// Errors from mapping a model to PyTorch names and layouts.
public enum PyTorchLayoutError: Error, CustomStringConvertible, Equatable {
    /// A layer with parameters that has no PyTorch counterpart in the mapping (named, with its type).
    case unsupportedLayer(name: String, type: String)
    /// The model has no parameters yet (build it first).
    case notBuilt(String)
    /// A torch file lacks a key the model needs.
    case missingTensor(String)
    /// A torch tensor's shape differs from the torch layout of the parameter.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// The torch file has keys the model does not use.
    case unexpectedTensors([String])

    public var description: String {
        switch self {
        case .unsupportedLayer(let name, let type): "layer '\(name)' (\(type)) has no PyTorch mapping (supported: Dense, Conv2D, BatchNormalization and parameter-free layers)"
        case .notBuilt(let name): "model '\(name)' has no weights yet; build it first"
        case .missingTensor(let key): "the torch file has no tensor '\(key)'"
        case .shapeMismatch(let key, let expected, let found): "torch tensor '\(key)': expected shape \(expected), found \(found)"
        case .unexpectedTensors(let keys): "the torch file has tensors the model does not use: \(keys.joined(separator: ", "))"
        }
    }
}

/// The correspondence between a model's weights and the `state_dict` of the
/// equivalent PyTorch module: an `nn.Sequential` for a ``Sequential``, or, for a
/// functional model, a module with one submodule per layer, named as the layer
/// (`self.conv2d = nn.Conv2d(...)`, keys `conv2d.weight`), whose `forward`
/// follows the graph.
///
/// Module indices: every layer except `Input` takes one slot of the
/// `nn.Sequential`, and a `Dense` or `Conv2D` with an activation other than
/// `linear` takes a second slot for the activation module right after it. So
/// the MNIST CNN (`Conv2D(relu), MaxPooling2D, Conv2D(relu), MaxPooling2D,
/// Conv2D(relu), Flatten, Dense(relu), Dense(softmax)`) corresponds to
/// `Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, Flatten,
/// Linear, ReLU, Linear, Softmax(dim=1)`, with keys `0.weight`, `3.weight`,
/// `6.weight`, `9.weight`, `11.weight` (and `.bias`).
///
/// Layouts:
/// - `Dense` kernel `[in, out]` → `Linear.weight` `[out, in]` (transpose).
/// - `Conv2D` kernel `[kh, kw, in, out]` → `Conv2d.weight` `[out, in, kh, kw]`
///   (permutation `[3, 2, 0, 1]`).
/// - Biases are unchanged; `BatchNormalization`'s `gamma`, `beta`, `moving_mean`,
///   `moving_variance` are `weight`, `bias`, `running_mean`, `running_var`.
/// - The first `Dense` after a `Flatten` of an image `[h, w, c]`: Synapse
///   (as Keras) flattens NHWC activations in `(h, w, c)` order, PyTorch flattens
///   NCHW activations in `(c, h, w)` order, so the kernel's input rows are
///   reordered as well: the kernel is viewed as `[h, w, c, out]` and permuted by
///   `[3, 2, 0, 1]` to `[out, c, h, w]`, then viewed as `[out, c·h·w]`.
///   (The torch model then takes NCHW input: `x.permute(0, 3, 1, 2)`.)
public struct PyTorchLayout: Sendable {
    /// How one weight changes between the layouts.
    public enum Transform: Sendable, Equatable {
        /// Same tensor (biases).
        case identity
        /// `[in, out]` ↔ `[out, in]`.
        case transpose
        /// `[kh, kw, in, out]` ↔ `[out, in, kh, kw]`.
        case convolutionKernel
        /// A dense kernel after `Flatten` of `[height, width, channels]`: `[h·w·c, out]` ↔ `[out, c·h·w]`.
        case flattenedDenseKernel(height: Int, width: Int, channels: Int)
    }

    /// One weight of the mapping.
    public struct Entry: Sendable, Equatable {
        /// The Synapse weight name (`dense_1.kernel`).
        public var synapseName: String
        /// The PyTorch `state_dict` key (`9.weight`).
        public var torchKey: String
        /// The shape in Synapse (Keras) layout.
        public var synapseShape: [Int]
        /// The shape in PyTorch layout.
        public var torchShape: [Int]
        /// The change of layout.
        public var transform: Transform

        /// The permutation applied to the Synapse tensor (after viewing a flattened
        /// dense kernel as `[h, w, c, out]`); empty for `identity`.
        public var permutation: [Int] {
            switch transform {
            case .identity: []
            case .transpose: [1, 0]
            case .convolutionKernel, .flattenedDenseKernel: [3, 2, 0, 1]
            }
        }

        /// Converts a tensor from Synapse layout to PyTorch layout.
        ///
        /// - Parameter tensor: the weight in Synapse layout, shape ``synapseShape``.
        /// - Returns: the weight in PyTorch layout, shape ``torchShape``.
        public func toTorch(_ tensor: Tensor) -> Tensor {
            switch transform {
            case .identity: tensor
            case .transpose: tensor.transposed()
            case .convolutionKernel: tensor.permuted([3, 2, 0, 1])
            case .flattenedDenseKernel(let h, let w, let c):
                tensor.reshaped(to: [h, w, c, synapseShape[1]]).permuted([3, 2, 0, 1]).reshaped(to: torchShape)
            }
        }

        /// Converts a tensor from PyTorch layout to Synapse layout (the inverse of ``toTorch(_:)``).
        ///
        /// - Parameter tensor: the weight in PyTorch layout, shape ``torchShape``.
        /// - Returns: the weight in Synapse layout, shape ``synapseShape``.
        public func fromTorch(_ tensor: Tensor) -> Tensor {
            switch transform {
            case .identity: tensor
            case .transpose: tensor.transposed()
            case .convolutionKernel: tensor.permuted([2, 3, 1, 0])
            case .flattenedDenseKernel(let h, let w, let c):
                tensor.reshaped(to: [synapseShape[1], c, h, w]).permuted([2, 3, 1, 0]).reshaped(to: synapseShape)
            }
        }
    }

    /// The weights in model order.
    public var entries: [Entry]

    /// Maps a model's weights (the model is built from its declared input if needed):
    /// a ``Sequential`` to `nn.Sequential` module indices, a functional model to
    /// module attributes named after its layers.
    ///
    /// - Parameter model: a ``Sequential`` or functional model whose layers with
    ///   weights are `Dense`, `Conv2D` or `BatchNormalization`.
    /// - Throws: ``PyTorchLayoutError/unsupportedLayer(name:type:)`` for another
    ///   layer with parameters (or a model of another kind),
    ///   ``PyTorchLayoutError/notBuilt(_:)`` before the model has weights.
    public init(of model: Model) throws {
        model.buildFromDeclaredInput()
        guard model.isBuilt else { throw PyTorchLayoutError.notBuilt(model.name) }
        if let sequential = model as? Sequential {
            entries = try Self.sequentialEntries(sequential)
        } else if let graph = model.graph {
            entries = try Self.functionalEntries(graph)
        } else {
            throw PyTorchLayoutError.unsupportedLayer(name: model.name, type: String(describing: type(of: model)))
        }
    }

    /// `nn.Sequential` slots: every layer but `Input` takes one, and a `Dense` or
    /// `Conv2D` with an activation a second one for the activation module.
    private static func sequentialEntries(_ model: Sequential) throws -> [Entry] {
        var entries: [Entry] = []
        var slot = 0
        var flattenedImage: [Int]?
        for layer in model.layers where !(layer is Input) {
            guard let layerEntries = try Self.entries(of: layer, prefix: "\(slot)", flattenedImage: flattenedImage) else {
                if layer is Flatten, let shape = layer.inputShape, shape.count == 3 { flattenedImage = shape }
                slot += 1
                continue
            }
            entries += layerEntries
            flattenedImage = nil
            let activation = (layer as? Dense)?.activation ?? (layer as? Conv2D)?.activation
            slot += activation == nil || activation == .linear ? 1 : 2
        }
        return entries
    }

    /// Module attributes named after the layers (`conv2d.weight`,
    /// `batch_normalization.running_mean`), for a torch module that creates one
    /// submodule per layer under the layer's name and applies activations in its
    /// `forward`. A `Dense` whose input comes from a `Flatten` of an image gets the
    /// `(c, h, w)` row order, as in a stack.
    private static func functionalEntries(_ graph: LayerGraph) throws -> [Entry] {
        var flattenedInputs: [ObjectIdentifier: [Int]] = [:]
        for node in graph.nodes where node.layer is Dense {
            if let source = node.inputs.first?.node, source.layer is Flatten, let shape = source.inputs.first?.shape, shape.count == 3 {
                flattenedInputs[ObjectIdentifier(node.layer)] = shape
            }
        }
        return try graph.layers.flatMap { layer in
            try Self.entries(of: layer, prefix: layer.name, flattenedImage: flattenedInputs[ObjectIdentifier(layer)]) ?? []
        }
    }

    /// One layer's entries under `prefix` (its slot or name); `nil` for a layer
    /// without weights.
    ///
    /// - Parameter flattenedImage: `[h, w, c]` when a `Dense` layer's input is a
    ///   flattened image.
    private static func entries(of layer: Layer, prefix: String, flattenedImage: [Int]?) throws -> [Entry]? {
        func entry(_ parameter: Parameter?, _ torchName: String, transform: Transform = .identity, torchShape: [Int]? = nil) -> [Entry] {
            guard let parameter else { return [] }
            return [Entry(synapseName: "\(layer.name).\(parameter.name)", torchKey: "\(prefix).\(torchName)",
                          synapseShape: parameter.shape, torchShape: torchShape ?? parameter.shape, transform: transform)]
        }
        if let dense = layer as? Dense {
            let k = dense.kernel.shape
            if let image = flattenedImage {
                let (h, w, c) = (image[0], image[1], image[2])
                return entry(dense.kernel, "weight", transform: .flattenedDenseKernel(height: h, width: w, channels: c), torchShape: [k[1], c * h * w])
                    + entry(dense.bias, "bias")
            }
            return entry(dense.kernel, "weight", transform: .transpose, torchShape: [k[1], k[0]]) + entry(dense.bias, "bias")
        }
        if let conv = layer as? Conv2D {
            let k = conv.kernel.shape
            return entry(conv.kernel, "weight", transform: .convolutionKernel, torchShape: [k[3], k[2], k[0], k[1]]) + entry(conv.bias, "bias")
        }
        if let norm = layer as? BatchNormalization {
            // BatchNorm2d/1d's buffers; `num_batches_tracked` has no Synapse counterpart
            // (PyTorch's load_state_dict fills it in when it is missing).
            return entry(norm.gamma, "weight") + entry(norm.beta, "bias")
                + entry(norm.movingMean, "running_mean") + entry(norm.movingVariance, "running_var")
        }
        guard layer.namedParameters.isEmpty else {
            throw PyTorchLayoutError.unsupportedLayer(name: layer.name, type: String(describing: type(of: layer)))
        }
        return nil
    }

    /// The model's weights as torch-named, torch-layout tensors.
    ///
    /// - Parameter model: a built ``Sequential`` or functional model (see ``init(of:)``).
    /// - Returns: the `state_dict` of the equivalent PyTorch module, by key.
    /// - Throws: the errors of ``init(of:)``, and ``/SynapseNN/ModelFileError`` when two
    ///   parameters share a name.
    public static func torchTensors(of model: Model) throws -> [String: Tensor] {
        let layout = try PyTorchLayout(of: model)
        let weights = try model.weightTensors()
        var tensors: [String: Tensor] = [:]
        for entry in layout.entries {
            guard let tensor = weights[entry.synapseName] else { throw PyTorchLayoutError.missingTensor(entry.synapseName) }
            tensors[entry.torchKey] = entry.toTorch(tensor)
        }
        return tensors
    }

    /// Converts torch-named, torch-layout tensors to the model's weight names and layouts.
    ///
    /// - Parameter torchTensors: a `state_dict` by key, with exactly the keys of ``entries``.
    /// - Returns: the weights by Synapse name, in Synapse layout.
    /// - Throws: ``PyTorchLayoutError/missingTensor(_:)``,
    ///   ``PyTorchLayoutError/shapeMismatch(key:expected:found:)``,
    ///   ``PyTorchLayoutError/unexpectedTensors(_:)``.
    public func synapseTensors(from torchTensors: [String: Tensor]) throws -> [String: Tensor] {
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            guard let tensor = torchTensors[entry.torchKey] else { throw PyTorchLayoutError.missingTensor(entry.torchKey) }
            guard tensor.shape == entry.torchShape else {
                throw PyTorchLayoutError.shapeMismatch(key: entry.torchKey, expected: entry.torchShape, found: tensor.shape)
            }
            tensors[entry.synapseName] = entry.fromTorch(tensor)
        }
        let used = Set(entries.map(\.torchKey))
        let unused = torchTensors.keys.filter { !used.contains($0) }.sorted()
        guard unused.isEmpty else { throw PyTorchLayoutError.unexpectedTensors(unused) }
        return tensors
    }
}

extension Model {
    /// Writes the weights as a safetensors file a PyTorch module loads with
    /// `module.load_state_dict(safetensors.torch.load_file(path))`: an
    /// `nn.Sequential` for a ``Sequential``, a module with one submodule per layer
    /// (named as the layer) for a functional model (see ``PyTorchLayout`` for
    /// names, layouts and module indices). PyTorch's `num_batches_tracked` counters
    /// of `BatchNormalization` are not written; `load_state_dict` fills them in
    /// itself, strict loading included.
    ///
    /// - Parameter url: the `.safetensors` file to write (atomically).
    /// - Throws: ``PyTorchLayoutError`` for a layer without a mapping,
    ///   ``/SynapseNN/ModelFileError/unwritable(path:reason:)``.
    public func exportForPyTorch(to url: URL) throws {
        try ModelFile.writeSafeTensors(try PyTorchLayout.torchTensors(of: self),
                                       metadata: ["format": "pt", "exported_by": "synapse"], to: url)
    }

    /// Reads a PyTorch `state_dict` saved with `safetensors.torch.save_file` into
    /// this model's weights (see ``PyTorchLayout``); nothing is assigned unless every
    /// tensor matches. `num_batches_tracked` buffers in the file are ignored.
    ///
    /// - Parameter url: the `.safetensors` file of a `state_dict`.
    /// - Throws: ``PyTorchLayoutError`` for a layer without a mapping or a
    ///   missing, misshapen or unexpected tensor; ``/SynapseNN/ModelFileError/unreadable(path:reason:)``.
    public func importFromPyTorch(from url: URL) throws {
        let layout = try PyTorchLayout(of: self)
        let tensors = try layout.synapseTensors(from: ModelFile.readSafeTensors(from: url).tensors.filter { !$0.key.hasSuffix(".num_batches_tracked") })
        try assignWeights(tensors, strict: true)
    }
}
