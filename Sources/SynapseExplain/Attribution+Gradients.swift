import SynapseCore
import SynapseNN

extension Attribution {
    /// Saliency: the gradient of each input's target output with respect to the
    /// input (Simonyan, Vedaldi & Zisserman 2014; Captum's `Saliency`).
    ///
    /// - Parameters:
    ///   - model: the model (or any layer), run in inference mode.
    ///   - inputs: float `[N, ...]`.
    ///   - target: the output explained (default: each input's predicted class).
    ///   - absolute: return |gradient| (default true, as Captum and the paper).
    /// - Returns: `[N, ...]`, the inputs' shape.
    public static func saliency(_ model: Layer, inputs: Tensor, target: AttributionTarget = .predicted,
                                absolute: Bool = true) -> Tensor {
        let targets = targetIndices(model, inputs: inputs, target: target)
        let gradients = inputGradients(inference(model), at: inputs, targets: targets, batchSize: inputs.shape[0])
        return absolute ? gradients.abs() : gradients
    }

    /// Gradient × input (Shrikumar et al. 2016; Captum's `InputXGradient`): for a
    /// linear model exactly each input's contribution `wᵢ xᵢ` to the output.
    ///
    /// - Parameters:
    ///   - model: the model (or any layer), run in inference mode.
    ///   - inputs: float `[N, ...]`.
    ///   - target: the output explained (default: each input's predicted class).
    /// - Returns: `[N, ...]`, the inputs' shape.
    public static func gradientTimesInput(_ model: Layer, inputs: Tensor, target: AttributionTarget = .predicted) -> Tensor {
        let targets = targetIndices(model, inputs: inputs, target: target)
        return inputGradients(inference(model), at: inputs, targets: targets, batchSize: inputs.shape[0]) * inputs
    }

    /// SmoothGrad: saliency averaged over noisy copies of each input, which removes
    /// most of the speckle of plain gradients (Smilkov et al. 2017; Captum's
    /// `NoiseTunnel(Saliency)` with `nt_type="smoothgrad"`).
    ///
    /// - Parameters:
    ///   - model: the model (or any layer), run in inference mode.
    ///   - inputs: float `[N, ...]`.
    ///   - target: the output explained (default: each input's predicted class, on
    ///     the inputs without noise).
    ///   - samples: noisy copies per input (default 50).
    ///   - noiseLevel: the noise's standard deviation as a fraction of each input's
    ///     value range, max − min (default 0.15, the paper's 10–20 %).
    ///   - seed: the noise's seed (default 0), so explanations repeat.
    ///   - batchSize: inputs per forward pass, noisy copies counted (default 256).
    /// - Returns: the mean |gradient|, `[N, ...]`.
    public static func smoothGrad(_ model: Layer, inputs: Tensor, target: AttributionTarget = .predicted,
                                  samples: Int = 50, noiseLevel: Float = 0.15, seed: UInt64 = 0,
                                  batchSize: Int = 256) -> Tensor {
        require(samples >= 1, "smoothGrad: samples must be at least 1, got \(samples)")
        require(noiseLevel >= 0, "smoothGrad: noiseLevel must not be negative, got \(noiseLevel)")
        let targets = targetIndices(model, inputs: inputs, target: target)
        let count = inputs.shape[0]
        let featureAxes = Array(1..<inputs.rank)
        let ranges = featureAxes.isEmpty ? Tensor.zeros([count], device: inputs.device)
            : inputs.max(alongAxes: featureAxes, keepDims: true) - inputs.min(alongAxes: featureAxes, keepDims: true)
        let deviation = ranges * noiseLevel
        // All noisy copies of the batch, sample-major: copy s of input i is row s·N + i.
        var generator = RandomGenerator(seed: seed)
        let noise = Tensor.randomNormal([samples] + inputs.shape, generator: &generator, device: inputs.device)
        let noisy = (inputs.unsqueezed(axis: 0) + noise * deviation.unsqueezed(axis: 0)).reshaped(to: [samples * count] + Array(inputs.shape.dropFirst()))
        let repeated = (0..<samples).flatMap { _ in targets }
        let gradients = inputGradients(inference(model), at: noisy, targets: repeated, batchSize: max(batchSize, 1))
        return gradients.abs().reshaped(to: [samples] + inputs.shape).mean(alongAxis: 0)
    }
}
