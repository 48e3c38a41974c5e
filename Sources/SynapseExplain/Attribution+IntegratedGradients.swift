import SynapseCore
import SynapseNN

extension Attribution {
    /// Integrated gradients (Sundararajan, Taly & Yan 2017; Captum's
    /// `IntegratedGradients`): `(x − x′) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x dα`, the gradients
    /// along the straight path from a baseline `x′` to the input, integrated by `rule`.
    ///
    /// The attributions add up to `f(x) − f(x′)` (completeness) as the integral's
    /// error shrinks with `steps`; ``completenessGap(_:inputs:attributions:target:baseline:)``
    /// measures how far they are from it.
    ///
    /// - Parameters:
    ///   - model: the model (or any layer), run in inference mode.
    ///   - inputs: float `[N, ...]`.
    ///   - target: the output explained (default: each input's predicted class).
    ///   - baseline: the "absent" input: `[N, ...]`, one sample `[...]` for every
    ///     input, or `nil` for zeros (default; black for images scaled to [0, 1]).
    ///   - steps: points on the path (default 50, Captum's).
    ///   - rule: the quadrature (default `.gaussLegendre`, Captum's).
    ///   - batchSize: inputs per forward pass, path points counted (default 256), so
    ///     memory stays bounded however many steps are asked for.
    /// - Returns: `[N, ...]`, the inputs' shape.
    public static func integratedGradients(_ model: Layer, inputs: Tensor, target: AttributionTarget = .predicted,
                                           baseline: Tensor? = nil, steps: Int = 50,
                                           rule: IntegrationRule = .gaussLegendre, batchSize: Int = 256) -> Tensor {
        let targets = targetIndices(model, inputs: inputs, target: target)
        return integratedGradients(inference(model), inputs: inputs, targets: targets,
                                   baseline: broadcastBaseline(baseline, like: inputs), steps: steps, rule: rule,
                                   batchSize: batchSize)
    }

    /// Integrated gradients of any function of the inputs (the model's layers after
    /// an embedding, for tokens).
    static func integratedGradients(_ forward: (Tensor) -> Tensor, inputs: Tensor, targets: [Int], baseline: Tensor,
                                    steps: Int, rule: IntegrationRule, batchSize: Int) -> Tensor {
        let (points, weights) = rule.pointsAndWeights(steps: steps)
        let count = inputs.shape[0]
        let sampleShape = Array(inputs.shape.dropFirst())
        let difference = inputs - baseline
        // Path points in chunks of whole steps: step k of input i is row (k − first)·N + i.
        let stepsPerChunk = max(1, batchSize / max(count, 1))
        var total = Tensor.zeros(inputs.shape, dtype: inputs.dtype, device: inputs.device)
        for first in stride(from: 0, to: steps, by: stepsPerChunk) {
            let chunk = first..<min(first + stepsPerChunk, steps)
            let alphas = Tensor(chunk.map { Float(points[$0]) }, shape: [chunk.count] + [Int](repeating: 1, count: inputs.rank),
                                device: inputs.device)
            let path = (baseline.unsqueezed(axis: 0) + alphas * difference.unsqueezed(axis: 0))
                .reshaped(to: [chunk.count * count] + sampleShape)
            let repeated = chunk.flatMap { _ in targets }
            let gradients = inputGradients(forward, at: path, targets: repeated, batchSize: path.shape[0])
                .reshaped(to: [chunk.count, count] + sampleShape)
            let stepWeights = Tensor(chunk.map { Float(weights[$0]) }, shape: alphas.shape, device: inputs.device)
            total = total + (gradients * stepWeights).sum(alongAxis: 0)
        }
        return difference * total
    }

    /// How far integrated-gradient attributions are from completeness: for each input,
    /// `Σ attributions − (f(x) − f(x′))` (Captum's convergence delta).
    ///
    /// - Parameters:
    ///   - model: the model the attributions were computed for.
    ///   - inputs: float `[N, ...]`.
    ///   - attributions: `[N, ...]`, from ``integratedGradients(_:inputs:target:baseline:steps:rule:batchSize:)``.
    ///   - target: the same target.
    ///   - baseline: the same baseline.
    /// - Returns: one gap per input, and the `f(x) − f(x′)` it is measured against.
    public static func completenessGap(_ model: Layer, inputs: Tensor, attributions: Tensor,
                                       target: AttributionTarget = .predicted,
                                       baseline: Tensor? = nil) -> (gaps: [Float], outputDifferences: [Float]) {
        let targets = targetIndices(model, inputs: inputs, target: target)
        let reference = broadcastBaseline(baseline, like: inputs)
        let (atInputs, atBaseline) = withoutGradient {
            (targetValues(model(inputs, training: false), targets: targets), targetValues(model(reference, training: false), targets: targets))
        }
        let sums = attributions.reshaped(to: [inputs.shape[0], -1]).sum(alongAxis: 1).to(.float32).scalars
        let differences = zip(atInputs, atBaseline).map { $0 - $1 }
        return (zip(sums, differences).map { $0 - $1 }, differences)
    }

    /// `baseline` as `[N, ...]`: zeros when `nil`, one sample repeated when it has no batch axis.
    static func broadcastBaseline(_ baseline: Tensor?, like inputs: Tensor) -> Tensor {
        guard let baseline else { return Tensor.zeros(inputs.shape, dtype: inputs.dtype, device: inputs.device) }
        if baseline.shape == inputs.shape { return baseline }
        require(baseline.shape == Array(inputs.shape.dropFirst()),
                "Attribution: the baseline must be shaped like the inputs \(Shape.describe(inputs.shape)) or one sample \(Shape.describe(Array(inputs.shape.dropFirst()))), got \(Shape.describe(baseline.shape))")
        return baseline.unsqueezed(axis: 0) + Tensor.zeros(inputs.shape, dtype: inputs.dtype, device: inputs.device)
    }
}
