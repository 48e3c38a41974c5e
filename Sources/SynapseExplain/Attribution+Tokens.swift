import SynapseCore
import SynapseNN
import SynapseTraining

extension Attribution {
    /// Integrated gradients for a text model, one score per token: the path runs
    /// from all-zero embedding vectors to each token's embedding (Captum's
    /// `LayerIntegratedGradients` on the embedding layer), and each token's
    /// attribution is the sum over its embedding's components. Padding keeps its
    /// mask along the path, so padded steps stay skipped and score 0.
    ///
    /// - Parameters:
    ///   - model: a ``/SynapseTraining/Sequential`` model with an ``/SynapseNN/Embedding`` layer.
    ///   - tokens: token ids `[N, T]` (int32, or whole floats), padded as for training.
    ///   - target: the output explained (default: each input's predicted class).
    ///   - steps: points on the path (default 50).
    ///   - rule: the quadrature (default `.gaussLegendre`).
    ///   - batchSize: sequences per forward pass, path points counted (default 256).
    /// - Returns: float32 `[N, T]`; positive where a token pushes towards the target.
    /// - Throws: ``AttributionError/layerNotFound(name:available:)`` without an embedding layer.
    public static func tokenIntegratedGradients(_ model: Sequential, tokens: Tensor, target: AttributionTarget = .predicted,
                                                steps: Int = 50, rule: IntegrationRule = .gaussLegendre,
                                                batchSize: Int = 256) throws -> Tensor {
        guard let embedding = model.layers.first(where: { $0 is Embedding }) else {
            throw AttributionError.layerNotFound(name: nil, available: model.layers.map { "\($0.name) (\(type(of: $0)))" })
        }
        let targets = targetIndices(model, inputs: tokens, target: target)
        let split = try LayerSplit(model, at: embedding.name, inputs: tokens) { _, _ in true }
        let vectors = split.activation
        let attributions = integratedGradients(split.rest, inputs: vectors, targets: targets,
                                               baseline: Tensor.zeros(vectors.shape, dtype: vectors.dtype, device: vectors.device),
                                               steps: steps, rule: rule, batchSize: batchSize)
        return attributions.sum(alongAxis: -1)
    }
}
