import Testing
@testable import SynapseNN

@Suite("Metrics: accuracy family")
struct MetricAccuracyTests {
    // MARK: BinaryAccuracy

    @Test("BinaryAccuracy matches Keras' documented example, with and without sample weights")
    func binaryKerasExample() {
        let metric = Metrics.BinaryAccuracy()
        #expect(metric.name == "binary_accuracy")
        metric.update(yTrue: Tensor([[1], [1], [0], [0]]), yPred: Tensor([[0.98], [1], [0], [0.6]]))
        #expect(metricIsClose(metric.result(), 0.75))
        metric.reset()
        metric.update(yTrue: Tensor([[1], [1], [0], [0]]), yPred: Tensor([[0.98], [1], [0], [0.6]]),
                      sampleWeight: Tensor([1, 0, 0, 1]))
        #expect(metricIsClose(metric.result(), 0.5))
    }

    @Test("BinaryAccuracy accumulates over batches by sample count, not by batch")
    func binaryStreams() {
        let metric = Metrics.BinaryAccuracy()
        metric.update(yTrue: Tensor([[1], [1], [0], [0]]), yPred: Tensor([[0.98], [1], [0], [0.6]]))   // 3 of 4
        metric.update(yTrue: Tensor([[1], [0]]), yPred: Tensor([[0.1], [0.9]]))                      // 0 of 2
        #expect(metricIsClose(metric.result(), 3.0 / 6.0))   // a mean of batch means would give 0.375
        metric.reset()
        #expect(metric.result() == 0)
        metric.update(yTrue: Tensor([[1], [0]]), yPred: Tensor([[0.7], [0.2]]))
        #expect(metric.result() == 1)
    }

    @Test("BinaryAccuracy thresholds strictly, honours the threshold, and takes int32 labels of rank one")
    func binaryThresholdAndLabels() {
        let labels = Tensor(int32: [1, 0, 1, 0])
        let predictions = Tensor([[0.5], [0.5], [0.8], [0.65]])
        let standard = Metrics.BinaryAccuracy()
        standard.update(yTrue: labels, yPred: predictions)
        // 0.5 is not above 0.5: predicted 0, 0, 1, 1 → matches at samples 2 and 3.
        #expect(metricIsClose(standard.result(), 0.5))
        let strict = Metrics.BinaryAccuracy(threshold: 0.7)
        strict.update(yTrue: labels, yPred: predictions)
        // Predicted 0, 0, 1, 0 → matches at samples 2, 3 and 4.
        #expect(metricIsClose(strict.result(), 0.75))
    }

    @Test("BinaryAccuracy counts every output of a multi-label sample")
    func binaryMultiLabel() {
        let metric = Metrics.BinaryAccuracy()
        metric.update(yTrue: Tensor([[1, 0, 1], [0, 0, 1]]), yPred: Tensor([[0.9, 0.2, 0.4], [0.1, 0.6, 0.7]]))
        #expect(metricIsClose(metric.result(), 4.0 / 6.0))
    }

    // MARK: CategoricalAccuracy

    @Test("CategoricalAccuracy matches Keras' documented example, with and without sample weights")
    func categoricalKerasExample() {
        let metric = Metrics.CategoricalAccuracy()
        #expect(metric.name == "categorical_accuracy")
        let yTrue = Tensor([[0, 0, 1], [0, 1, 0]])
        let yPred = Tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        metric.update(yTrue: yTrue, yPred: yPred)
        #expect(metricIsClose(metric.result(), 0.5))
        metric.reset()
        metric.update(yTrue: yTrue, yPred: yPred, sampleWeight: Tensor([0.7, 0.3]))
        #expect(metricIsClose(metric.result(), 0.3))
    }

    @Test("CategoricalAccuracy streams over batches of different sizes")
    func categoricalStreams() {
        let metric = Metrics.CategoricalAccuracy()
        metric.update(yTrue: Tensor([[0, 0, 1], [0, 1, 0]]), yPred: Tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))  // 1 of 2
        metric.update(yTrue: Tensor([[1, 0, 0], [1, 0, 0], [0, 0, 1]]),
                      yPred: Tensor([[0.5, 0.3, 0.2], [0.6, 0.1, 0.3], [0.2, 0.2, 0.6]]))                          // 3 of 3
        #expect(metricIsClose(metric.result(), 4.0 / 5.0))
    }

    // MARK: SparseCategoricalAccuracy

    @Test("SparseCategoricalAccuracy matches Keras' documented example, with and without sample weights")
    func sparseKerasExample() {
        let metric = Metrics.SparseCategoricalAccuracy()
        #expect(metric.name == "sparse_categorical_accuracy")
        let yPred = Tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
        metric.update(yTrue: Tensor([[2], [1]]), yPred: yPred)   // float labels [N, 1], as in the docs
        #expect(metricIsClose(metric.result(), 0.5))
        metric.reset()
        metric.update(yTrue: Tensor([[2], [1]]), yPred: yPred, sampleWeight: Tensor([0.7, 0.3]))
        #expect(metricIsClose(metric.result(), 0.3))
    }

    @Test("SparseCategoricalAccuracy takes int32 labels [N] and [N, 1] and float labels [N]")
    func sparseLabelForms() {
        let yPred = Tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0], [0.7, 0.2, 0.1]])
        for labels in [Tensor(int32: [1, 1, 2]), Tensor(int32: [1, 1, 2], shape: [3, 1]), Tensor([1, 1, 2])] {
            let metric = Metrics.SparseCategoricalAccuracy()
            metric.update(yTrue: labels, yPred: yPred)
            #expect(metricIsClose(metric.result(), 2.0 / 3.0), "labels \(labels.shape) \(labels.dtype)")
        }
    }

    @Test("SparseCategoricalAccuracy streams over batches and resets")
    func sparseStreams() {
        let metric = Metrics.SparseCategoricalAccuracy()
        metric.update(yTrue: Tensor(int32: [0, 1]), yPred: Tensor([[0.9, 0.1], [0.8, 0.2]]))             // 1 of 2
        metric.update(yTrue: Tensor(int32: [1, 1, 0]), yPred: Tensor([[0.3, 0.7], [0.4, 0.6], [0.6, 0.4]]))  // 3 of 3
        #expect(metricIsClose(metric.result(), 0.8))
        metric.reset()
        #expect(metric.result() == 0)
    }

    // MARK: Top-k

    @Test("TopKCategoricalAccuracy matches Keras' documented example, and k widens the hits")
    func topKKerasExample() {
        let yTrue = Tensor([[0, 0, 1], [0, 1, 0]])
        let yPred = Tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
        let top1 = Metrics.TopKCategoricalAccuracy(k: 1)
        top1.update(yTrue: yTrue, yPred: yPred)
        #expect(metricIsClose(top1.result(), 0.5))
        top1.reset()
        top1.update(yTrue: yTrue, yPred: yPred, sampleWeight: Tensor([0.7, 0.3]))
        #expect(metricIsClose(top1.result(), 0.3))
        let top2 = Metrics.TopKCategoricalAccuracy(k: 2)
        top2.update(yTrue: yTrue, yPred: yPred)
        #expect(top2.result() == 1)
        #expect(Metrics.TopKCategoricalAccuracy().k == 5)
        #expect(Metrics.TopKCategoricalAccuracy().name == "top_k_categorical_accuracy")
    }

    @Test("SparseTopKCategoricalAccuracy matches Keras' documented example")
    func sparseTopKKerasExample() {
        let metric = Metrics.SparseTopKCategoricalAccuracy(k: 1)
        metric.update(yTrue: Tensor(int32: [2, 1]), yPred: Tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        #expect(metricIsClose(metric.result(), 0.5))
    }

    @Test("Top-k counts ties at the boundary as hits and out-of-range ids as misses")
    func topKTiesAndRange() {
        let yPred = Tensor([[0.5, 0.5, 0.5, 0.1], [0.5, 0.5, 0.5, 0.1], [0.5, 0.5, 0.5, 0.1], [0.4, 0.3, 0.2, 0.1]])
        let metric = Metrics.SparseTopKCategoricalAccuracy(k: 1)
        // Sample 1: class 2 ties the maximum → hit. Sample 2: class 3 has three higher → miss.
        // Sample 3: id 7 is not a class → miss. Sample 4: class 0 is the maximum → hit.
        metric.update(yTrue: Tensor(int32: [2, 3, 7, 0]), yPred: yPred)
        #expect(metricIsClose(metric.result(), 0.5))
    }

    @Test("Top-k is not confused by infinite scores")
    func topKInfinities() {
        let metric = Metrics.SparseTopKCategoricalAccuracy(k: 1)
        metric.update(yTrue: Tensor(int32: [1, 0]), yPred: Tensor([[-Float.infinity, 2, 1], [-Float.infinity, 2, 1]]))
        #expect(metricIsClose(metric.result(), 0.5))
    }

    // MARK: Accuracy (exact match)

    @Test("Accuracy compares values exactly, as Keras' keras.metrics.Accuracy")
    func exactAccuracy() {
        let metric = Metrics.Accuracy()
        #expect(metric.name == "accuracy")
        metric.update(yTrue: Tensor([[1], [2], [3], [4]]), yPred: Tensor([[0], [2], [3], [4]]))
        #expect(metricIsClose(metric.result(), 0.75))
        metric.reset()
        metric.update(yTrue: Tensor([[1], [2], [3], [4]]), yPred: Tensor([[0], [2], [3], [4]]),
                      sampleWeight: Tensor([1, 1, 0, 0]))
        #expect(metricIsClose(metric.result(), 0.5))
        metric.reset()
        metric.update(yTrue: Tensor(int32: [3, 1]), yPred: Tensor(int32: [3, 2]))
        #expect(metricIsClose(metric.result(), 0.5))
    }
}
