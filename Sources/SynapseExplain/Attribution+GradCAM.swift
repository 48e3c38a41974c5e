import SynapseCore
import SynapseNN
import SynapseTraining

extension Attribution {
    /// Grad-CAM (Selvaraju et al. 2017; Captum's `LayerGradCam`): which regions of
    /// an image a convolutional layer's features for the target class come from.
    /// The layer's channels are weighted by the spatial mean of the target output's
    /// gradient with respect to them, summed, and (by default) passed through ReLU.
    ///
    /// - Parameters:
    ///   - model: a ``/SynapseTraining/Sequential`` model taking images `[N, height, width, channels]`.
    ///   - inputs: float `[N, height, width, channels]`.
    ///   - layer: the name of a layer with 4-D output `[N, h, w, c]` (default: the
    ///     last convolutional layer, the one nearest the classifier, as the paper; the
    ///     last layer with 4-D output when there is none).
    ///   - target: the output explained (default: each input's predicted class).
    ///   - relu: keep only positive evidence (default true, as the paper; Captum's
    ///     `relu_attributions`).
    ///   - resizeToInput: upsample the map bilinearly to the input's height and width
    ///     (default true); otherwise it has the layer's.
    /// - Returns: one map per input, `[N, height, width]` (or `[N, h, w]`).
    /// - Throws: ``AttributionError`` when the layer is not found or is not 4-D.
    public static func gradCAM(_ model: Sequential, inputs: Tensor, layer: String? = nil,
                               target: AttributionTarget = .predicted, relu: Bool = true,
                               resizeToInput: Bool = true) throws -> Tensor {
        require(inputs.rank == 4, "gradCAM: inputs must be images [N, height, width, channels], got \(Shape.describe(inputs.shape))")
        let targets = targetIndices(model, inputs: inputs, target: target)
        let split = try LayerSplit(model, at: layer, inputs: inputs) { layer, output in
            output.rank == 4 && String(describing: type(of: layer)).contains("Conv")
        } fallback: { _, output in output.rank == 4 }
        guard split.activation.rank == 4 else {
            throw AttributionError.unsuitableLayer(name: split.layerName, reason: "its output \(Shape.describe(split.activation.shape)) is not [N, height, width, channels]")
        }
        let gradients = gradient(of: { targetScore(split.rest($0), targets: targets) }, at: split.activation)
        let weights = gradients.mean(alongAxes: [1, 2], keepDims: true)
        var maps = (weights * split.activation).sum(alongAxis: 3)
        if relu { maps = maps.relu() }
        guard resizeToInput, maps.shape[1] != inputs.shape[1] || maps.shape[2] != inputs.shape[2] else { return maps }
        return HeatMap.resized(maps, height: inputs.shape[1], width: inputs.shape[2])
    }
}

/// Errors of the attribution methods that depend on a model's layers.
public enum AttributionError: Error, CustomStringConvertible, Equatable {
    /// No layer of that name, or none that fits (with the names there are).
    case layerNotFound(name: String?, available: [String])
    /// The layer exists but cannot be used, and why.
    case unsuitableLayer(name: String, reason: String)

    /// What went wrong, naming the layer.
    public var description: String {
        switch self {
        case .layerNotFound(let name?, let available):
            "the model has no layer named '\(name)' (its layers: \(available.joined(separator: ", ")))"
        case .layerNotFound(nil, let available):
            "the model has no layer that fits (its layers: \(available.joined(separator: ", ")))"
        case .unsuitableLayer(let name, let reason):
            "layer '\(name)' cannot be used: \(reason)"
        }
    }
}

/// A ``Sequential`` model cut after one of its layers: that layer's output for the
/// inputs (computed without gradient, so it can be differentiated on its own), and
/// the rest of the model as a function of it, with the time-step mask carried over.
struct LayerSplit {
    let layerName: String
    let activation: Tensor
    let rest: (Tensor) -> Tensor

    /// - Parameters:
    ///   - name: the layer to cut after; `nil` picks the last layer that (with its
    ///     output) satisfies `fits`, else the last that satisfies `fallback`.
    init(_ model: Sequential, at name: String?, inputs: Tensor, fits: (Layer, Tensor) -> Bool,
         fallback: ((Layer, Tensor) -> Bool)? = nil) throws {
        let layers = model.layers
        // Every layer's output once, to find the cut and keep its activation and mask.
        var outputs: [(output: Tensor, mask: Tensor?)] = []
        withoutGradient {
            var (output, mask): (Tensor, Tensor?) = (inputs, nil)
            for layer in layers {
                let next = layer(output, mask: mask, training: false)
                mask = layer.computeMask(input: output, output: next, mask: mask)
                output = next
                outputs.append((output, mask))
            }
        }
        let index: Int
        if let name {
            guard let found = layers.firstIndex(where: { $0.name == name }) else {
                throw AttributionError.layerNotFound(name: name, available: layers.map(\.name))
            }
            index = found
        } else {
            guard let found = outputs.indices.last(where: { fits(layers[$0], outputs[$0].output) })
                    ?? fallback.flatMap({ fallback in outputs.indices.last { fallback(layers[$0], outputs[$0].output) } }) else {
                throw AttributionError.layerNotFound(name: nil, available: layers.map(\.name))
            }
            index = found
        }
        let mask = outputs[index].mask
        let remaining = Array(layers[(index + 1)...])
        (layerName, activation) = (layers[index].name, outputs[index].output)
        rest = { activation in
            // Integrated gradients stack path points of the whole batch (step-major): the mask repeats with them.
            var currentMask = mask
            if let mask, activation.shape[0] != mask.shape[0], activation.shape[0] % mask.shape[0] == 0 {
                currentMask = Tensor.concatenate([Tensor](repeating: mask, count: activation.shape[0] / mask.shape[0]), axis: 0)
            }
            var output = activation
            for layer in remaining {
                let next = layer(output, mask: currentMask, training: false)
                currentMask = layer.computeMask(input: output, output: next, mask: currentMask)
                output = next
            }
            return output
        }
    }
}
