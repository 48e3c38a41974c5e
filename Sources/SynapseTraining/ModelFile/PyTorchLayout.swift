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
        case .unsupportedLayer(let name, let type): "layer '\(name)' (\(type)) has no PyTorch mapping (supported: Dense, Conv2D and parameter-free layers)"
        case .notBuilt(let name): "model '\(name)' has no weights yet; build it first"
        case .missingTensor(let key): "the torch file has no tensor '\(key)'"
        case .shapeMismatch(let key, let expected, let found): "torch tensor '\(key)': expected shape \(expected), found \(found)"
        case .unexpectedTensors(let keys): "the torch file has tensors the model does not use: \(keys.joined(separator: ", "))"
        }
    }
}

/// The correspondence between a ``Sequential`` model's weights and the
/// `state_dict` of the equivalent PyTorch `nn.Sequential`.
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
/// - Biases are unchanged.
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

    /// Maps a model's weights (the model is built from its declared input if needed).
    ///
    /// - Throws: ``PyTorchLayoutError/unsupportedLayer(name:type:)`` for a layer
    ///   with parameters other than `Dense` and `Conv2D`,
    ///   ``PyTorchLayoutError/notBuilt(_:)`` before the model has weights.
    public init(of model: Sequential) throws {
        model.buildFromDeclaredInput()
        guard model.isBuilt else { throw PyTorchLayoutError.notBuilt(model.name) }
        var entries: [Entry] = []
        var slot = 0
        var flattenedImage: (Int, Int, Int)?
        for layer in model.layers where !(layer is Input) {
            if let dense = layer as? Dense {
                let kernelShape = dense.kernel.shape
                var transform = Transform.transpose
                var torchShape = [kernelShape[1], kernelShape[0]]
                if let (h, w, c) = flattenedImage {
                    transform = .flattenedDenseKernel(height: h, width: w, channels: c)
                    torchShape = [kernelShape[1], c * h * w]
                }
                flattenedImage = nil
                entries.append(Entry(synapseName: "\(dense.name).kernel", torchKey: "\(slot).weight",
                                     synapseShape: kernelShape, torchShape: torchShape, transform: transform))
                if let bias = dense.bias {
                    entries.append(Entry(synapseName: "\(dense.name).bias", torchKey: "\(slot).bias",
                                         synapseShape: bias.shape, torchShape: bias.shape, transform: .identity))
                }
                slot += dense.activation == .linear ? 1 : 2
            } else if let conv = layer as? Conv2D {
                let k = conv.kernel.shape
                entries.append(Entry(synapseName: "\(conv.name).kernel", torchKey: "\(slot).weight",
                                     synapseShape: k, torchShape: [k[3], k[2], k[0], k[1]], transform: .convolutionKernel))
                if let bias = conv.bias {
                    entries.append(Entry(synapseName: "\(conv.name).bias", torchKey: "\(slot).bias",
                                         synapseShape: bias.shape, torchShape: bias.shape, transform: .identity))
                }
                slot += conv.activation == .linear ? 1 : 2
            } else if layer.namedParameters.isEmpty {
                if layer is Flatten, let shape = layer.inputShape, shape.count == 3 {
                    flattenedImage = (shape[0], shape[1], shape[2])
                }
                slot += 1
            } else {
                throw PyTorchLayoutError.unsupportedLayer(name: layer.name, type: String(describing: type(of: layer)))
            }
        }
        self.entries = entries
    }

    /// The model's weights as torch-named, torch-layout tensors.
    public static func torchTensors(of model: Sequential) throws -> [String: Tensor] {
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

extension Sequential {
    /// Writes the weights as a safetensors file a PyTorch `nn.Sequential` loads
    /// with `model.load_state_dict(safetensors.torch.load_file(path))` (see
    /// ``PyTorchLayout`` for names, layouts and module indices).
    public func exportForPyTorch(to url: URL) throws {
        try ModelFile.writeSafeTensors(try PyTorchLayout.torchTensors(of: self),
                                       metadata: ["format": "pt", "exported_by": "synapse"], to: url)
    }

    /// Reads a PyTorch `state_dict` saved with `safetensors.torch.save_file` into
    /// this model's weights (see ``PyTorchLayout``); nothing is assigned unless every
    /// tensor matches.
    public func importFromPyTorch(from url: URL) throws {
        let layout = try PyTorchLayout(of: self)
        let tensors = try layout.synapseTensors(from: ModelFile.readSafeTensors(from: url).tensors)
        try assignWeights(tensors, strict: true)
    }
}
