import Dispatch
import Synchronization
import Testing
@testable import SynapseTraining

@Suite("Model.evaluate, predict, trainOnBatch and testOnBatch")
struct ModelEvaluatePredictTests {
    /// A compiled 2-8-1 regressor and 10 samples of its linear target.
    private func compiledRegressor(learningRate: Float = 0.05) -> (Sequential, x: Tensor, y: Tensor) {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: learningRate), loss: MeanSquaredError(),
                      metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        let data = TrainingFixtures.linearData(count: 10)
        return (model, data.x, data.y)
    }

    @Test("evaluate in batches equals the loss and metrics of one full forward pass")
    func evaluateBatching() {
        let (model, x, y) = compiledRegressor()
        let prediction = model(x)
        let errors = zip(prediction.scalars, y.scalars).map { $0 - $1 }
        let mse = errors.map { $0 * $0 }.reduce(0, +) / 10
        let mae = errors.map { Swift.abs($0) }.reduce(0, +) / 10
        for batchSize in [1, 3, 4, 10, 32] {
            let logs = model.evaluate(x: x, y: y, batchSize: batchSize)
            #expect(logs.keys.sorted() == ["loss", "mae"])
            #expect(TrainingFixtures.close(logs["loss"]!, mse), "batch size \(batchSize): \(logs["loss"]!) vs \(mse)")
            #expect(TrainingFixtures.close(logs["mae"]!, mae), "batch size \(batchSize)")
        }
    }

    @Test("evaluate does not train and runs in inference mode")
    func evaluateDoesNotTrain() {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0.5), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: 7)
        _ = model(data.x)
        recorder.clear()
        let before = TrainingFixtures.bits(model)
        model.evaluate(x: data.x, y: data.y, batchSize: 3)
        #expect(TrainingFixtures.bits(model) == before)
        #expect(recorder.trainingBatches.isEmpty)
        #expect(recorder.inferenceBatches == [[0, 1, 2], [3, 4, 5], [6]])
        #expect(model.optimizer?.iterations == 0)
    }

    @Test("predict in batches equals a single full forward pass")
    func predictBatching() {
        let (model, _, _) = compiledRegressor()
        var generator = RandomGenerator(seed: 99)
        let x = Tensor.randomUniform([37, 2], low: -2, high: 2, generator: &generator)
        let full = withoutGradient { model(x) }
        for batchSize in [1, 5, 16, 32, 37, 64] {
            let predicted = model.predict(x, batchSize: batchSize)
            #expect(predicted.shape == [37, 1])
            #expect(TrainingFixtures.close(predicted.scalars, full.scalars, tolerance: 1e-6), "batch size \(batchSize)")
        }
    }

    @Test("predict records no gradient graph and ignores dropout")
    func predictInInferenceMode() {
        let model = Sequential {
            Input(shape: [2])
            TrainingFixtures.dense(16, activation: .relu, seed: 4)
            Dropout(0.5)
            TrainingFixtures.dense(1, seed: 5)
        }
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let x = TrainingFixtures.linearData(count: 20).x
        let first = model.predict(x, batchSize: 7)
        let second = model.predict(x, batchSize: 7)
        #expect(first.scalars == second.scalars, "dropout must be off in predict")
        #expect(!first.requiresGrad)
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test("predict from several threads at once on one built model gives identical results")
    func concurrentPredict() {
        let (model, _, _) = compiledRegressor()
        var generator = RandomGenerator(seed: 5)
        let x = Tensor.randomUniform([200, 2], low: -1, high: 1, generator: &generator)
        let reference = model.predict(x, batchSize: 16).scalars.map(\.bitPattern)
        let results = Mutex<[[UInt32]]>([])
        // The model is shared read-only: inference keeps no per-call state in layers.
        nonisolated(unsafe) let shared = model
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<5 {
                let output = shared.predict(x, batchSize: 16).scalars.map(\.bitPattern)
                results.withLock { $0.append(output) }
            }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 40)
        #expect(all.allSatisfy { $0 == reference })
    }

    @Test("trainOnBatch takes one step and reports that batch's loss before the step")
    func trainOnBatch() {
        let (model, x, y) = compiledRegressor()
        let before = model.testOnBatch(x: x, y: y)
        let weights = TrainingFixtures.bits(model)
        let logs = model.trainOnBatch(x: x, y: y)
        #expect(logs.keys.sorted() == ["loss", "mae"])
        #expect(TrainingFixtures.close(logs["loss"]!, before["loss"]!), "no dropout: the training forward equals inference")
        #expect(TrainingFixtures.close(logs["mae"]!, before["mae"]!))
        #expect(TrainingFixtures.bits(model) != weights)
        #expect(model.optimizer?.iterations == 1)
        let after = model.testOnBatch(x: x, y: y)
        #expect(after["loss"]! < before["loss"]!)
    }

    @Test("trainOnBatch and testOnBatch report metrics of that batch alone")
    func perBatchMetrics() {
        let (model, x, y) = compiledRegressor(learningRate: 0)
        let first = x.narrowed(axis: 0, start: 0, length: 5)
        let firstTargets = y.narrowed(axis: 0, start: 0, length: 5)
        let second = x.narrowed(axis: 0, start: 5, length: 5)
        let secondTargets = y.narrowed(axis: 0, start: 5, length: 5)
        let alone = model.testOnBatch(x: second, y: secondTargets)["mae"]!
        _ = model.trainOnBatch(x: first, y: firstTargets)
        #expect(model.trainOnBatch(x: second, y: secondTargets)["mae"] == alone)
        _ = model.testOnBatch(x: first, y: firstTargets)
        #expect(model.testOnBatch(x: second, y: secondTargets)["mae"] == alone)
        #expect(model.testOnBatch(x: first, y: firstTargets)["mae"] != alone, "the halves must differ")
    }

    @Test("testOnBatch leaves the weights and the optimizer alone")
    func testOnBatchDoesNotTrain() {
        let (model, x, y) = compiledRegressor()
        let weights = TrainingFixtures.bits(model)
        _ = model.testOnBatch(x: x, y: y)
        #expect(TrainingFixtures.bits(model) == weights)
        #expect(model.optimizer?.iterations == 0)
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    @Test("predict stops with a message for a scalar input")
    func predictScalarStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = TrainingFixtures.regressor()
            _ = model.predict(Tensor(1))
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("predict: inputs need a batch dimension"))
        }
    }
}
