import Testing
@testable import SynapseTraining

@Suite("TerminateOnNaN")
struct TerminateOnNaNTests {
    @Test("a NaN in the inputs stops training at the batch that holds it")
    func nanInput() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
        var (x, y) = TrainingFixtures.linearData(count: 12)
        var values = x.scalars
        values[7 * 2] = .nan   // sample 7: batch 1 of batches of 4
        x = Tensor(values, shape: x.shape)
        let terminate = TerminateOnNaN()
        let hooks = HookRecorder()
        let history = model.fit(x: x, y: y, epochs: 3, batchSize: 4, shuffle: false, callbacks: [terminate, hooks], verbose: 0)
        let stop = terminate.terminatedAt
        #expect(stop != nil)
        #expect(stop?.epoch == 0)
        #expect(stop?.batch == 1)
        #expect(history.epochs == [0], "the epoch is closed and recorded, then training ends")
        #expect(hooks.events(withPrefix: "trainBatchEnd") == ["trainBatchEnd 0", "trainBatchEnd 1"])
        #expect(history.values["loss"]?.first?.isNaN == true)
    }

    @Test("a diverging model (huge learning rate) is stopped and the epoch and batch recorded")
    func divergence() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 1e6), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 64)
        let terminate = TerminateOnNaN()
        let history = model.fit(x: data.x, y: data.y, epochs: 50, batchSize: 8, callbacks: [terminate], verbose: 0)
        let stop = terminate.terminatedAt
        #expect(stop != nil)
        #expect(history.epochs.count < 50)
        #expect(history.epochs.last == stop?.epoch)
        #expect(history.values["loss"]?.last?.isFinite == false)
        // Every epoch before the last finished with a finite loss.
        #expect(history.values["loss"]?.dropLast().allSatisfy { $0.isFinite } == true)
    }

    @Test("finite losses never stop training")
    func finiteLosses() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 16)
        let terminate = TerminateOnNaN()
        let history = model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 4, callbacks: [terminate], verbose: 0)
        #expect(terminate.terminatedAt == nil)
        #expect(history.epochs == [0, 1, 2])
    }

    @Test("an infinite loss counts as invalid too")
    func infiniteLoss() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let terminate = TerminateOnNaN()
        terminate.setModel(model)
        terminate.onEpochBegin(4, logs: [:])
        terminate.onTrainBatchEnd(0, logs: ["loss": 1])
        #expect(!model.stopTraining)
        terminate.onTrainBatchEnd(1, logs: ["loss": .infinity])
        #expect(model.stopTraining)
        #expect(terminate.terminatedAt?.epoch == 4)
        #expect(terminate.terminatedAt?.batch == 1)
    }
}
