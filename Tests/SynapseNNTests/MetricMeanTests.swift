import Testing
@testable import SynapseNN

/// `|actual − expected| ≤ tolerance`; metrics report Float, computed from Double totals.
func metricIsClose(_ actual: Float, _ expected: Double, tolerance: Double = 1e-6) -> Bool {
    Swift.abs(Double(actual) - expected) <= tolerance
}

@Suite("Metrics: Mean and MeanMetricWrapper")
struct MetricMeanTests {
    @Test("Mean weighs each value by its weight, across updates")
    func weightedScalars() {
        let loss = Metrics.Mean(name: "loss")
        #expect(loss.name == "loss")
        loss.update(0.5, weight: 32)
        loss.update(0.3, weight: 16)
        #expect(metricIsClose(loss.result(), (0.5 * 32 + 0.3 * 16) / 48))
    }

    @Test("Mean of tensor values matches Keras' documented example, with and without sample weights")
    func kerasExample() {
        // keras.metrics.Mean docs: [1, 3, 5, 7] → 4.0; with sample_weight [1, 1, 0, 0] → 2.0.
        let mean = Metrics.Mean()
        mean.update(Tensor([1, 3, 5, 7]))
        #expect(metricIsClose(mean.result(), 4))
        mean.reset()
        mean.update(Tensor([1, 3, 5, 7]), sampleWeight: Tensor([1, 1, 0, 0]))
        #expect(metricIsClose(mean.result(), 2))
    }

    @Test("Mean is 0 before any update, after a reset, and with only zero weight")
    func emptyMean() {
        let mean = Metrics.Mean()
        #expect(mean.result() == 0)
        mean.update(3, weight: 2)
        #expect(mean.result() == 3)
        mean.reset()
        #expect(mean.result() == 0)
        mean.update(5, weight: 0)
        #expect(mean.result() == 0)
    }

    @Test("MeanMetricWrapper averages per-sample values over all samples of all batches")
    func wrapperStreams() {
        let meanError = Metrics.MeanMetricWrapper(name: "mean_error") { yTrue, yPred in
            (yPred - yTrue).mean(alongAxis: -1)
        }
        #expect(meanError.name == "mean_error")
        // Batch 1: per-sample errors 1 and 3; batch 2: one sample with error −1.
        meanError.update(yTrue: Tensor([[0, 0], [0, 0]]), yPred: Tensor([[1, 1], [2, 4]]))
        meanError.update(yTrue: Tensor([[1, 1]]), yPred: Tensor([[0, 0]]))
        #expect(metricIsClose(meanError.result(), (1 + 3 - 1) / 3))
        meanError.reset()
        #expect(meanError.result() == 0)
        meanError.update(yTrue: Tensor([[0, 0], [0, 0]]), yPred: Tensor([[1, 1], [2, 4]]), sampleWeight: Tensor([3, 1]))
        #expect(metricIsClose(meanError.result(), (1.0 * 3 + 3 * 1) / 4))
    }
}
