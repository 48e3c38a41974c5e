import SynapseCore
import SynapseNN

/// Explaining a model's decisions: how much each input value (pixel, feature,
/// token) contributed to one of the model's outputs, as Captum (PyTorch) and
/// tf-explain (Keras) compute it.
///
/// Every method takes a batch and works on it whole — one forward and backward
/// pass per batch (per integration step, noise sample or occlusion window, and
/// those are batched too), never one pass per input — and returns attributions
/// of the inputs' shape (Grad-CAM: one map per input; tokens: one score per token).
///
/// | method | what it gives |
/// | --- | --- |
/// | ``saliency(_:inputs:target:absolute:)`` | the gradient of the output with respect to the input (Simonyan et al. 2014) |
/// | ``gradientTimesInput(_:inputs:target:)`` | gradient × input (Shrikumar et al. 2016) |
/// | ``smoothGrad(_:inputs:target:samples:noiseLevel:seed:batchSize:)`` | saliency averaged over noisy copies of the input (Smilkov et al. 2017) |
/// | ``integratedGradients(_:inputs:target:baseline:steps:rule:batchSize:)`` | the path integral of gradients from a baseline (Sundararajan et al. 2017) |
/// | ``gradCAM(_:inputs:layer:target:relu:resizeToInput:)`` | class activation maps of a convolutional layer (Selvaraju et al. 2017) |
/// | ``occlusion(_:inputs:window:strides:target:baseline:batchSize:)`` | the output's drop when a window of the input is covered (Zeiler & Fergus 2014) |
/// | ``tokenIntegratedGradients(_:tokens:target:steps:rule:batchSize:)`` | integrated gradients over a text model's embeddings, one score per token |
///
/// ```swift
/// let scores = Attribution.integratedGradients(model, inputs: digits, target: .predicted, steps: 64)
/// try AttributionImage.grid(inputs: digits, attributions: scores, titles: ["7", "2"]).write(to: url)
/// ```
///
/// The output explained is the model's own: a probability when the model ends in a
/// softmax, a logit when it does not. Models run in inference mode (no dropout,
/// batch normalisation with its moving statistics), so every input is explained
/// on its own even though the batch is computed together.
public enum Attribution {
    /// The class each input is explained for.
    ///
    /// - Parameters:
    ///   - model: the model (or any layer).
    ///   - inputs: `[N, ...]`.
    ///   - target: which output.
    /// - Returns: one output index per input.
    public static func targetIndices(_ model: Layer, inputs: Tensor, target: AttributionTarget) -> [Int] {
        let count = inputs.shape[0]
        switch target {
        case .output(let index):
            return [Int](repeating: index, count: count)
        case .outputs(let indices):
            require(indices.count == count, "Attribution: \(indices.count) targets for \(count) inputs")
            return indices
        case .predicted:
            let outputs = withoutGradient { model(inputs, training: false) }
            let flat = outputs.reshaped(to: [count, -1])
            guard flat.shape[1] > 1 else { return [Int](repeating: 0, count: count) }
            return flat.argmax(alongAxis: 1).intScalars.map(Int.init)
        }
    }

    /// The sum over the batch of each input's target output: one backward pass of
    /// it gives every input's gradient at once (inputs do not interact in inference).
    static func targetScore(_ outputs: Tensor, targets: [Int]) -> Tensor {
        targetOutputs(outputs, targets: targets).sum()
    }

    /// Each input's target output, `[N]`, on the outputs' device.
    static func targetOutputs(_ outputs: Tensor, targets: [Int]) -> Tensor {
        let flat = outputs.reshaped(to: [outputs.shape[0], -1])
        let width = flat.shape[1]
        require(targets.count == flat.shape[0], "Attribution: \(targets.count) targets for a batch of \(flat.shape[0])")
        require(targets.allSatisfy { $0 >= 0 && $0 < width },
                "Attribution: target outputs must lie in 0..<\(width) (the model's outputs), got \(targets.filter { $0 < 0 || $0 >= width })")
        let selection = Tensor(int32: targets.map(Int32.init), shape: [targets.count], device: flat.device).oneHot(depth: width)
        return (flat * selection.to(flat.dtype)).sum(alongAxis: 1)
    }

    /// The target outputs read back to the host, one per input.
    static func targetValues(_ outputs: Tensor, targets: [Int]) -> [Float] {
        targetOutputs(outputs, targets: targets).to(.float32).scalars
    }

    /// Gradients of each input's target output with respect to the inputs `[N, ...]`,
    /// in chunks of at most `batchSize` inputs.
    static func inputGradients(_ forward: (Tensor) -> Tensor, at inputs: Tensor, targets: [Int], batchSize: Int) -> Tensor {
        let count = inputs.shape[0]
        if count <= batchSize {
            return gradient(of: { targetScore(forward($0), targets: targets) }, at: inputs)
        }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: count, by: batchSize) {
            let end = min(start + batchSize, count)
            let chunk = inputs[start..<end]
            parts.append(gradient(of: { targetScore(forward($0), targets: Array(targets[start..<end])) }, at: chunk))
        }
        return Tensor.concatenate(parts, axis: 0)
    }

    /// `layer` in inference mode.
    static func inference(_ layer: Layer) -> (Tensor) -> Tensor {
        { layer($0, training: false) }
    }
}

/// Which of a model's outputs an attribution explains.
public enum AttributionTarget: Sendable, Equatable {
    /// The class the model predicts for each input (its largest output; output 0
    /// for a model with one output).
    case predicted
    /// The same output for every input (a class index).
    case output(Int)
    /// One output per input, in batch order.
    case outputs([Int])
}
