import Testing
@testable import SynapseNN

@Suite("Metrics: precision and recall")
struct MetricPrecisionRecallTests {
    @Test("Precision matches Keras' documented example, with and without sample weights")
    func precisionKerasExample() {
        let metric = Metrics.Precision()
        #expect(metric.name == "precision")
        metric.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]))
        #expect(metricIsClose(metric.result(), 2.0 / 3.0))
        metric.reset()
        metric.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]), sampleWeight: Tensor([0, 0, 1, 0]))
        #expect(metricIsClose(metric.result(), 1))
    }

    @Test("Recall matches Keras' documented example, with and without sample weights")
    func recallKerasExample() {
        let metric = Metrics.Recall()
        #expect(metric.name == "recall")
        metric.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]))
        #expect(metricIsClose(metric.result(), 2.0 / 3.0))
        metric.reset()
        metric.update(yTrue: Tensor([0, 1, 1, 1]), yPred: Tensor([1, 0, 1, 1]), sampleWeight: Tensor([0, 0, 1, 0]))
        #expect(metricIsClose(metric.result(), 1))
    }

    @Test("Precision and recall accumulate counts over batches, not per-batch ratios")
    func streamingCounts() {
        let precision = Metrics.Precision()
        let recall = Metrics.Recall()
        let batches: [(Tensor, Tensor)] = [
            (Tensor(int32: [1, 0, 1], shape: [3, 1]), Tensor([[0.9], [0.8], [0.2]])),   // TP 1, FP 1, FN 1
            (Tensor(int32: [1, 1], shape: [2, 1]), Tensor([[0.6], [0.7]])),              // TP 2
            (Tensor(int32: [0, 0, 0, 1], shape: [4, 1]), Tensor([[0.9], [0.95], [0.1], [0.4]])),   // FP 2, FN 1
        ]
        for (labels, predictions) in batches {
            precision.update(yTrue: labels, yPred: predictions)
            recall.update(yTrue: labels, yPred: predictions)
        }
        #expect(precision.truePositives == 3 && precision.falsePositives == 3)
        #expect(recall.truePositives == 3 && recall.falseNegatives == 2)
        #expect(metricIsClose(precision.result(), 3.0 / 6.0))
        #expect(metricIsClose(recall.result(), 3.0 / 5.0))
        precision.reset()
        recall.reset()
        #expect(precision.result() == 0 && recall.result() == 0)
        #expect(precision.truePositives == 0)
    }

    @Test("A prediction equal to the threshold is negative; the threshold is configurable")
    func thresholds() {
        let labels = Tensor([1, 1, 0, 1])
        let predictions = Tensor([0.5, 0.75, 0.6, 0.9])
        let standard = Metrics.Recall()
        standard.update(yTrue: labels, yPred: predictions)
        #expect(metricIsClose(standard.result(), 2.0 / 3.0))
        let high = Metrics.Precision(threshold: 0.7)
        high.update(yTrue: labels, yPred: predictions)
        #expect(high.result() == 1)   // only 0.75 and 0.9 are positive, both correctly
        let low = Metrics.Precision(threshold: 0.4)
        low.update(yTrue: labels, yPred: predictions)
        #expect(metricIsClose(low.result(), 3.0 / 4.0))
    }

    @Test("Nothing predicted positive, or no positive target, gives 0 rather than NaN")
    func emptyDenominators() {
        let precision = Metrics.Precision()
        precision.update(yTrue: Tensor([1, 0]), yPred: Tensor([0.1, 0.2]))
        #expect(precision.result() == 0)
        let recall = Metrics.Recall()
        recall.update(yTrue: Tensor([0, 0]), yPred: Tensor([0.9, 0.2]))
        #expect(recall.result() == 0)
    }

    @Test("classId restricts precision and recall to one column")
    func classId() {
        let labels = Tensor([[1, 0], [0, 1], [1, 1]])
        let predictions = Tensor([[0.9, 0.2], [0.8, 0.7], [0.1, 0.6]])
        let precision0 = Metrics.Precision(classId: 0)
        let recall0 = Metrics.Recall(classId: 0)
        let precision1 = Metrics.Precision(classId: 1)
        let recall1 = Metrics.Recall(classId: 1)
        for metric in [precision0, recall0, precision1, recall1] as [any Metric] {
            metric.update(yTrue: labels, yPred: predictions)
        }
        // Column 0: labels 1 0 1, predicted 1 1 0 → TP 1, FP 1, FN 1.
        #expect(metricIsClose(precision0.result(), 0.5))
        #expect(metricIsClose(recall0.result(), 0.5))
        // Column 1: labels 0 1 1, predicted 0 1 1 → TP 2.
        #expect(precision1.result() == 1)
        #expect(recall1.result() == 1)
        // Without classId all six elements count: TP 3, FP 1, FN 1.
        let pooled = Metrics.Precision()
        pooled.update(yTrue: labels, yPred: predictions)
        #expect(metricIsClose(pooled.result(), 3.0 / 4.0))
    }
}
