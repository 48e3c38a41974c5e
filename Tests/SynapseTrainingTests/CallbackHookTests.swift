import Testing
@testable import SynapseTraining

@Suite("Callback hooks")
struct CallbackHookTests {
    @Test("fit calls the hooks in Keras' order, with the test hooks during validation")
    func fitHookOrder() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let train = TrainingFixtures.linearData(count: 5)
        let validation = TrainingFixtures.linearData(count: 3)
        let hooks = HookRecorder()
        model.fit(x: train.x, y: train.y, epochs: 2, batchSize: 2, validationData: (validation.x, validation.y),
                  callbacks: [hooks], verbose: 0)
        let epoch = { (index: Int) -> [String] in
            ["epochBegin \(index)",
             "trainBatchBegin 0", "trainBatchEnd 0", "trainBatchBegin 1", "trainBatchEnd 1", "trainBatchBegin 2", "trainBatchEnd 2",
             "testBegin", "testBatchBegin 0", "testBatchEnd 0", "testBatchBegin 1", "testBatchEnd 1", "testEnd",
             "epochEnd \(index)"]
        }
        #expect(hooks.events == ["trainBegin"] + epoch(0) + epoch(1) + ["trainEnd"])
        #expect(hooks.model === model, "setModel hands the callback the model being trained")
    }

    @Test("batch logs carry the running loss and metrics; epoch logs add the val_ ones")
    func logsContents() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        let train = TrainingFixtures.linearData(count: 6)
        let hooks = HookRecorder()
        let history = model.fit(x: train.x, y: train.y, epochs: 1, batchSize: 2, validationData: (train.x, train.y),
                                callbacks: [hooks], verbose: 0)
        #expect(hooks.batchLogs.map { $0.keys.sorted() } == Array(repeating: ["loss", "mae"], count: 3))
        #expect(hooks.epochLogs.map { $0.keys.sorted() } == [["loss", "mae", "val_loss", "val_mae"]])
        // The last batch's running loss is the epoch's loss.
        #expect(hooks.batchLogs.last?["loss"] == hooks.epochLogs.first?["loss"])
        #expect(history.values["loss"]?.first == hooks.epochLogs.first?["loss"])
    }

    @Test("fit over a DataLoader also runs the test hooks while validating")
    func loaderValidationHooks() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 5)
        let loader = DataLoader(TensorDataset(x: data.x, y: data.y), batchSize: 4)
        let hooks = HookRecorder()
        model.fit(loader, epochs: 1, validationData: loader, callbacks: [hooks], verbose: 0)
        #expect(hooks.events == ["trainBegin", "epochBegin 0",
                                 "trainBatchBegin 0", "trainBatchEnd 0", "trainBatchBegin 1", "trainBatchEnd 1",
                                 "testBegin", "testBatchBegin 0", "testBatchEnd 0", "testBatchBegin 1", "testBatchEnd 1", "testEnd",
                                 "epochEnd 0", "trainEnd"])
    }

    @Test("evaluate calls testBegin, the batch hooks and testEnd")
    func evaluateHooks() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 7)
        let hooks = HookRecorder()
        model.evaluate(x: data.x, y: data.y, batchSize: 3, callbacks: [hooks])
        #expect(hooks.events == ["testBegin", "testBatchBegin 0", "testBatchEnd 0", "testBatchBegin 1", "testBatchEnd 1",
                                 "testBatchBegin 2", "testBatchEnd 2", "testEnd"])
        #expect(hooks.model === model)
    }

    @Test("predict calls predictBegin, the batch hooks and predictEnd, also for a single batch")
    func predictHooks() {
        let model = TrainingFixtures.regressor()
        let data = TrainingFixtures.linearData(count: 5)
        let hooks = HookRecorder()
        _ = model.predict(data.x, batchSize: 2, callbacks: [hooks])
        #expect(hooks.events == ["predictBegin", "predictBatchBegin 0", "predictBatchEnd 0", "predictBatchBegin 1",
                                 "predictBatchEnd 1", "predictBatchBegin 2", "predictBatchEnd 2", "predictEnd"])
        #expect(hooks.model === model)
        let single = HookRecorder()
        _ = model.predict(data.x, batchSize: 32, callbacks: [single])
        #expect(single.events == ["predictBegin", "predictBatchBegin 0", "predictBatchEnd 0", "predictEnd"])
    }

    @Test("a callback that sets stopTraining ends fit after the current batch, still closing the epoch")
    func stopTrainingFromBatch() {
        final class StopAtBatch: Callback {
            weak var model: Model?
            func setModel(_ model: Model) { self.model = model }
            func onTrainBatchEnd(_ batch: Int, logs: Logs) { if batch == 1 { model?.stopTraining = true } }
        }
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 10)
        let hooks = HookRecorder()
        let history = model.fit(x: data.x, y: data.y, epochs: 5, batchSize: 2, callbacks: [StopAtBatch(), hooks], verbose: 0)
        #expect(hooks.events == ["trainBegin", "epochBegin 0", "trainBatchBegin 0", "trainBatchEnd 0",
                                 "trainBatchBegin 1", "trainBatchEnd 1", "epochEnd 0", "trainEnd"])
        #expect(history.epochs == [0])
        #expect(model.optimizer?.iterations == 2)
        // The flag is cleared for the next fit.
        let again = model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 5, verbose: 0)
        #expect(again.epochs == [0, 1])
    }

    @Test("a callback needs to implement only the hooks it uses")
    func defaultHooks() {
        final class CountsEpochs: Callback {
            var count = 0
            func onEpochEnd(_ epoch: Int, logs: Logs) { count += 1 }
        }
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let counter = CountsEpochs()
        let data = TrainingFixtures.linearData(count: 4)
        model.fit(x: data.x, y: data.y, epochs: 3, validationSplit: 0.5, callbacks: [counter], verbose: 0)
        model.evaluate(x: data.x, y: data.y, callbacks: [counter])
        _ = model.predict(data.x, callbacks: [counter])
        #expect(counter.count == 3)
    }

    @Test("callbacks run in the order given, after the History")
    func callbackOrder() {
        final class Appends: Callback {
            let label: String
            let log: HookLog
            weak var model: Model?
            init(_ label: String, _ log: HookLog) { (self.label, self.log) = (label, log) }
            func setModel(_ model: Model) { self.model = model }
            func onEpochEnd(_ epoch: Int, logs: Logs) {
                log.entries.append("\(label) sees \(model?.history.epochs.count ?? -1)")
            }
        }
        final class HookLog { var entries: [String] = [] }
        let log = HookLog()
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 4)
        model.fit(x: data.x, y: data.y, epochs: 2, callbacks: [Appends("a", log), Appends("b", log)], verbose: 0)
        // The History records each epoch before the user's callbacks run, in their order.
        #expect(log.entries == ["a sees 1", "b sees 1", "a sees 2", "b sees 2"])
    }
}
