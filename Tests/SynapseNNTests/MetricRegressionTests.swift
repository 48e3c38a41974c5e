import Testing
@testable import SynapseNN

@Suite("Metrics: regression")
struct MetricRegressionTests {
    // Keras' documented example for MAE, MSE and RMSE.
    let yTrue = Tensor([[0, 1], [0, 0]])
    let yPred = Tensor([[1, 1], [0, 0]])

    @Test("MeanAbsoluteError matches Keras' documented example, with and without sample weights")
    func maeKerasExample() {
        let metric = Metrics.MeanAbsoluteError()
        #expect(metric.name == "mean_absolute_error")
        metric.update(yTrue: yTrue, yPred: yPred)
        #expect(metricIsClose(metric.result(), 0.25))
        metric.reset()
        metric.update(yTrue: yTrue, yPred: yPred, sampleWeight: Tensor([1, 0]))
        #expect(metricIsClose(metric.result(), 0.5))
    }

    @Test("MeanSquaredError matches Keras' documented example, with and without sample weights")
    func mseKerasExample() {
        let metric = Metrics.MeanSquaredError()
        #expect(metric.name == "mean_squared_error")
        metric.update(yTrue: yTrue, yPred: yPred)
        #expect(metricIsClose(metric.result(), 0.25))
        metric.reset()
        metric.update(yTrue: yTrue, yPred: yPred, sampleWeight: Tensor([1, 0]))
        #expect(metricIsClose(metric.result(), 0.5))
    }

    @Test("RootMeanSquaredError is the root of the accumulated mean, as Keras' example")
    func rmseKerasExample() {
        let metric = Metrics.RootMeanSquaredError()
        metric.update(yTrue: yTrue, yPred: yPred)
        #expect(metricIsClose(metric.result(), 0.5))
        metric.reset()
        metric.update(yTrue: yTrue, yPred: yPred, sampleWeight: Tensor([1, 0]))
        #expect(metricIsClose(metric.result(), 0.5.squareRoot()))
        metric.reset()
        // Two batches with squared errors 1 and 9: √5, not the mean of the roots (2).
        metric.update(yTrue: Tensor([0]), yPred: Tensor([1]))
        metric.update(yTrue: Tensor([0]), yPred: Tensor([3]))
        #expect(metricIsClose(metric.result(), 5.0.squareRoot()))
    }

    @Test("MAE and MSE average per-sample values over the samples of all batches")
    func streamingBySample() {
        let mae = Metrics.MeanAbsoluteError()
        let mse = Metrics.MeanSquaredError()
        for metric in [mae, mse] as [any Metric] {
            metric.update(yTrue: yTrue, yPred: yPred)                        // samples: 0.5 and 0
            metric.update(yTrue: Tensor([[2, 2]]), yPred: Tensor([[0, 1]]))   // one sample
        }
        #expect(metricIsClose(mae.result(), (0.5 + 0 + 1.5) / 3))
        #expect(metricIsClose(mse.result(), (0.5 + 0 + 2.5) / 3))
        mae.reset()
        #expect(mae.result() == 0)
    }

    @Test("Targets [N] against predictions [N, 1] are one value per sample")
    func rankOneTargets() {
        let metric = Metrics.MeanAbsoluteError()
        metric.update(yTrue: Tensor([1, 2, 3]), yPred: Tensor([[1.5], [2], [1]]))
        metric.update(yTrue: Tensor(int32: [0]), yPred: Tensor([[0.5]]))
        #expect(metricIsClose(metric.result(), (0.5 + 0 + 2 + 0.5) / 4))
    }
}
