import Testing
@testable import SynapseNN

@Suite("Metrics: names and the resolution of \"accuracy\"")
struct MetricResolutionTests {
    typealias Kind = Metrics.AccuracyKind

    @Test("Cross-entropy losses decide the accuracy; other losses do not")
    func kindFromLoss() {
        #expect(Kind.forLoss("binary_crossentropy") == .binary)
        #expect(Kind.forLoss("BinaryCrossentropy") == .binary)
        #expect(Kind.forLoss("bce") == .binary)
        #expect(Kind.forLoss("categorical_crossentropy") == .categorical)
        #expect(Kind.forLoss("sparse_categorical_crossentropy") == .sparseCategorical)
        #expect(Kind.forLoss("sparseCategoricalCrossentropy") == .sparseCategorical)
        #expect(Kind.forLoss("mean_squared_error") == nil)
        #expect(Kind.forLoss("hinge") == nil)
    }

    @Test("The names of the Losses module resolve to the matching accuracy")
    func kindFromLossObjects() {
        #expect(Kind.forLoss(BinaryCrossentropy().name) == .binary)
        #expect(Kind.forLoss(CategoricalCrossentropy().name) == .categorical)
        #expect(Kind.forLoss(SparseCategoricalCrossentropy().name) == .sparseCategorical)
        #expect(Kind.forLoss(MeanSquaredError().name) == nil)
    }

    @Test("Without a deciding loss, shapes decide as in Keras")
    func kindFromShapes() {
        #expect(Kind.forShapes(yTrue: [32, 1], yPred: [32, 1]) == .binary)
        #expect(Kind.forShapes(yTrue: [32], yPred: [32, 1]) == .binary)
        #expect(Kind.forShapes(yTrue: [32], yPred: [32]) == .binary)
        #expect(Kind.forShapes(yTrue: [32], yPred: [32, 10]) == .sparseCategorical)
        #expect(Kind.forShapes(yTrue: [32, 1], yPred: [32, 10]) == .sparseCategorical)
        #expect(Kind.forShapes(yTrue: [32, 10], yPred: [32, 10]) == .categorical)
        #expect(Kind.forShapes(yTrue: [8, 5, 20], yPred: [8, 5, 20]) == .categorical)
        #expect(Kind.forShapes(yTrue: [8, 5], yPred: [8, 5, 20]) == .sparseCategorical)
    }

    @Test("\"accuracy\" with a cross-entropy loss becomes that accuracy, keeping the name as typed")
    func namedAccuracyFromLoss() {
        let binary = Metrics.named("accuracy", loss: "binary_crossentropy")
        #expect(binary is Metrics.BinaryAccuracy && binary?.name == "accuracy")
        let categorical = Metrics.named("acc", loss: "categorical_crossentropy")
        #expect(categorical is Metrics.CategoricalAccuracy && categorical?.name == "acc")
        let sparse = Metrics.named("accuracy", loss: "sparse_categorical_crossentropy")
        #expect(sparse is Metrics.SparseCategoricalAccuracy && sparse?.name == "accuracy")
    }

    @Test("\"accuracy\" without a deciding loss picks its kind from the first batch and keeps it")
    func inferredAccuracy() throws {
        let metric = try #require(Metrics.named("accuracy", loss: "mse") as? Metrics.InferredAccuracy)
        #expect(metric.kind == nil && metric.result() == 0)
        metric.update(yTrue: Tensor(int32: [2, 0, 1]), yPred: Tensor([[0.1, 0.2, 0.7], [0.3, 0.6, 0.1], [0.2, 0.5, 0.3]]))
        #expect(metric.kind == .sparseCategorical)
        #expect(metricIsClose(metric.result(), 2.0 / 3.0))
        metric.reset()
        #expect(metric.kind == .sparseCategorical && metric.result() == 0)

        let binary = Metrics.InferredAccuracy()
        binary.update(yTrue: Tensor([1, 0]), yPred: Tensor([[0.8], [0.7]]))
        #expect(binary.kind == .binary && metricIsClose(binary.result(), 0.5))
    }

    @Test("The loss overrides the shapes: binary cross-entropy on several outputs is binary accuracy")
    func lossOverridesShapes() {
        let metric = Metrics.InferredAccuracy(lossName: "binary_crossentropy")
        #expect(metric.kind == .binary)
        metric.update(yTrue: Tensor([[1, 0, 1], [0, 0, 1]]), yPred: Tensor([[0.9, 0.2, 0.4], [0.1, 0.6, 0.7]]))
        #expect(metricIsClose(metric.result(), 4.0 / 6.0))   // categorical accuracy would give 0.5
    }

    @Test("Keras names, aliases and class names resolve to the right metric and log name")
    func namedMetrics() {
        #expect(Metrics.named("mae") is Metrics.MeanAbsoluteError && Metrics.named("mae")?.name == "mae")
        #expect(Metrics.named("mean_squared_error") is Metrics.MeanSquaredError)
        #expect(Metrics.named("mse")?.name == "mse")
        #expect(Metrics.named("binary_accuracy") is Metrics.BinaryAccuracy)
        #expect(Metrics.named("BinaryAccuracy")?.name == "binary_accuracy")
        #expect(Metrics.named("sparse_top_k_categorical_accuracy") is Metrics.SparseTopKCategoricalAccuracy)
        #expect((Metrics.named("top_k_categorical_accuracy") as? Metrics.TopKCategoricalAccuracy)?.k == 5)
        #expect(Metrics.named("precision") is Metrics.Precision && Metrics.named("recall") is Metrics.Recall)
        #expect((Metrics.named("auc") as? Metrics.AUC)?.numThresholds == 200)
        #expect(Metrics.named("rmse") is Metrics.RootMeanSquaredError)
        #expect(Metrics.named("f1_scor") == nil)
    }

    @Test("Every listed name resolves, and named metrics start fresh and independent")
    func everyNameResolves() {
        for name in Metrics.names {
            #expect(Metrics.named(name) != nil, "\(name)")
        }
        let first = Metrics.named("mae"), second = Metrics.named("mae")
        #expect(first !== second)
    }
}
