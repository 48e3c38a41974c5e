import Testing
@testable import SynapseNN

/// Per-channel (last axis) mean and population variance of a row-major tensor, in Double.
private func channelStatistics(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
    let channels = x.shape.last!
    let values = x.scalars.map(Double.init)
    let rows = values.count / channels
    var mean = [Double](repeating: 0, count: channels)
    var variance = [Double](repeating: 0, count: channels)
    for (index, value) in values.enumerated() { mean[index % channels] += value / Double(rows) }
    for (index, value) in values.enumerated() {
        variance[index % channels] += (value - mean[index % channels]) * (value - mean[index % channels]) / Double(rows)
    }
    return (mean, variance)
}

@Suite("BatchNormalization and LayerNormalization")
struct NormalizationLayerTests {
    @Test("BatchNormalization has gamma, beta (trainable) and moving mean/variance (frozen) per channel")
    func batchNormParameters() {
        let layer = BatchNormalization()
        _ = layer(Tensor.zeros([2, 4, 4, 8]))
        #expect(layer.namedParameters.map(\.name) == ["batch_normalization.gamma", "batch_normalization.beta",
                                                      "batch_normalization.moving_mean", "batch_normalization.moving_variance"])
        #expect(layer.parameterCount == 32 && layer.trainableParameterCount == 16)
        #expect(layer.gamma?.value.scalars == [Float](repeating: 1, count: 8))
        #expect(layer.beta?.value.scalars == [Float](repeating: 0, count: 8))
        #expect(layer.movingMean.value.scalars == [Float](repeating: 0, count: 8))
        #expect(layer.movingVariance.value.scalars == [Float](repeating: 1, count: 8))
        #expect(layer.momentum == 0.99 && layer.epsilon == 1e-3, "Keras defaults")
        let bare = BatchNormalization(center: false, scale: false)
        _ = bare(Tensor.zeros([2, 3]))
        #expect(bare.gamma == nil && bare.beta == nil && bare.trainableParameterCount == 0 && bare.parameterCount == 6)
    }

    @Test("training mode normalizes each channel with the batch's mean and population variance")
    func batchNormTraining() {
        let layer = BatchNormalization()
        let x = NNCheck.normal([4, 3, 3, 2], seed: 201) * 2 + 1
        _ = layer(x)
        let gamma = Tensor([1.5, -0.5]), beta = Tensor([0.25, 2])
        layer.gamma?.assign(gamma)
        layer.beta?.assign(beta)
        let output = layer(x, training: true)
        let (mean, variance) = channelStatistics(x)
        let expected = x.scalars.enumerated().map { index, value -> Float in
            let c = index % 2
            let normalized = (Double(value) - mean[c]) / (variance[c] + 1e-3).squareRoot()
            return Float(normalized * Double(gamma.scalars[c]) + Double(beta.scalars[c]))
        }
        NNCheck.expectClose(output, expected, shape: x.shape, absolute: 1e-4, relative: 1e-4, "training output")
    }

    @Test("moving statistics follow Keras: moving = momentum · moving + (1 − momentum) · batch (population variance)",
          arguments: [Float(0.99), 0.9, 0.5])
    func movingStatistics(momentum: Float) {
        let layer = BatchNormalization(momentum: momentum)
        let first = NNCheck.normal([8, 3], seed: 202) * 3 + 2
        let second = NNCheck.normal([8, 3], seed: 203) - 1
        _ = layer(first, training: true)
        _ = layer(second, training: true)
        let m = Double(momentum)
        let (mean1, variance1) = channelStatistics(first)
        let (mean2, variance2) = channelStatistics(second)
        let expectedMean = (0..<3).map { Float((0 * m + (1 - m) * mean1[$0]) * m + (1 - m) * mean2[$0]) }
        let expectedVariance = (0..<3).map { Float((1 * m + (1 - m) * variance1[$0]) * m + (1 - m) * variance2[$0]) }
        NNCheck.expectClose(layer.movingMean.value, expectedMean, absolute: 1e-5, relative: 1e-5, "moving mean")
        NNCheck.expectClose(layer.movingVariance.value, expectedVariance, absolute: 1e-5, relative: 1e-5, "moving variance")
    }

    @Test("inference mode uses the moving statistics and does not update them")
    func batchNormInference() {
        let layer = BatchNormalization()
        let x = NNCheck.normal([5, 3], seed: 204)
        _ = layer(x)
        let movingMean = Tensor([0.5, -1, 2]), movingVariance = Tensor([4, 0.25, 1])
        layer.movingMean.assign(movingMean)
        layer.movingVariance.assign(movingVariance)
        layer.gamma?.assign(Tensor([2, 1, -1]))
        layer.beta?.assign(Tensor([0, 1, 0.5]))
        let output = layer(x, training: false)
        let expected = x.scalars.enumerated().map { index, value -> Float in
            let c = index % 3
            let normalized = (value - movingMean.scalars[c]) / (movingVariance.scalars[c] + 1e-3).squareRoot()
            return normalized * [2, 1, -1][c] + [0, 1, 0.5][c]
        }
        NNCheck.expectClose(output, expected, shape: [5, 3], absolute: 1e-5, relative: 1e-5, "inference output")
        #expect(layer.movingMean.value.scalars == movingMean.scalars && layer.movingVariance.value.scalars == movingVariance.scalars)
        // A freshly built layer at inference is x / √(1 + ε): moving mean 0, variance 1.
        let fresh = BatchNormalization()
        NNCheck.expectClose(fresh(x), (x / Float(1.001).squareRoot()).scalars, "fresh layer")
    }

    @Test("training-mode gradients (input, gamma, beta) match finite differences", arguments: [[6, 3], [3, 2, 3, 2]])
    func batchNormGradients(shape: [Int]) {
        let layer = BatchNormalization()
        let x = NNCheck.normal(shape, seed: 205) * 1.5 + 0.5
        _ = layer(x)
        let channels = shape.last!
        layer.gamma?.assign(NNCheck.uniform([channels], seed: 206, low: 0.5, high: 2))
        layer.beta?.assign(NNCheck.uniform([channels], seed: 207))
        LayerGradientCheck.expectGradientsMatch(layer, at: x, training: true)
        #expect(layer.movingMean.grad == nil && layer.movingVariance.grad == nil, "moving statistics get no gradient")
    }

    @Test("inference-mode gradients are those of a fixed affine map")
    func batchNormInferenceGradients() {
        let layer = BatchNormalization()
        let x = NNCheck.normal([4, 3], seed: 208)
        _ = layer(x)
        layer.movingMean.assign(Tensor([0.5, -1, 2]))
        layer.movingVariance.assign(Tensor([4, 0.25, 1]))
        layer.gamma?.assign(Tensor([2, 1, -1]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x, training: false)
    }

    // MARK: LayerNormalization

    @Test("LayerNormalization normalizes each sample over its last axis, then scales and shifts")
    func layerNorm() {
        let layer = LayerNormalization()
        let x = NNCheck.normal([3, 2, 5], seed: 209) * 2 + 1
        _ = layer(x)
        #expect(layer.namedParameters.map(\.name) == ["layer_normalization.gamma", "layer_normalization.beta"])
        #expect(layer.parameterCount == 10 && layer.epsilon == 1e-3)
        let gamma = NNCheck.uniform([5], seed: 210, low: 0.5, high: 2), beta = NNCheck.uniform([5], seed: 211)
        layer.gamma?.assign(gamma)
        layer.beta?.assign(beta)
        let values = x.scalars.map(Double.init)
        var expected: [Float] = []
        for row in 0..<6 {
            let slice = values[(row * 5)..<(row * 5 + 5)]
            let mean = slice.reduce(0, +) / 5
            let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 5
            for (k, value) in slice.enumerated() {
                let normalized = (value - mean) / (variance + 1e-3).squareRoot()
                expected.append(Float(normalized * Double(gamma.scalars[k]) + Double(beta.scalars[k])))
            }
        }
        NNCheck.expectClose(layer(x), expected, shape: [3, 2, 5], absolute: 1e-4, relative: 1e-4, "layer norm")
        #expect(layer(x, training: true).scalars == layer(x).scalars, "no difference between training and inference")
    }

    @Test("LayerNormalization gradients (input, gamma, beta) match finite differences")
    func layerNormGradients() {
        let layer = LayerNormalization()
        let x = NNCheck.normal([3, 4], seed: 212) * 1.5
        _ = layer(x)
        layer.gamma?.assign(NNCheck.uniform([4], seed: 213, low: 0.5, high: 2))
        layer.beta?.assign(NNCheck.uniform([4], seed: 214))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }
}
