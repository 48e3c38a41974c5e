import Testing
@testable import SynapseTraining

/// Records the optimizer's learning rate at the first batch of every epoch (after
/// every epoch-begin callback has run).
private final class RateAtFirstBatch: Callback {
    weak var model: Model?
    var rates: [Float] = []
    func setModel(_ model: Model) { self.model = model }
    func onTrainBatchBegin(_ batch: Int, logs: Logs) {
        if batch == 0 { rates.append(model?.optimizer?.learningRate ?? .nan) }
    }
}

@Suite("LearningRateScheduler")
struct LearningRateSchedulerTests {
    @Test("sets the optimizer's rate at the start of every epoch from the epoch index")
    func perEpoch() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.5), loss: MeanSquaredError())
        let recorder = RateAtFirstBatch()
        var seen: [(Int, Float)] = []
        let scheduler = LearningRateScheduler { epoch, rate in
            seen.append((epoch, rate))
            return 0.01 * Float(epoch + 1)
        }
        let data = TrainingFixtures.linearData(count: 8)
        model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 4, callbacks: [scheduler, recorder], verbose: 0)
        #expect(TrainingFixtures.close(recorder.rates, [0.01, 0.02, 0.03], tolerance: 1e-6))
        #expect(seen.map(\.0) == [0, 1, 2])
        #expect(TrainingFixtures.close(seen.map(\.1), [0.5, 0.01, 0.02], tolerance: 1e-6), "the schedule gets the current rate")
    }

    @Test("the schedule receives the current rate, so decays compound")
    func compounding() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.8), loss: MeanSquaredError())
        let recorder = RateAtFirstBatch()
        let data = TrainingFixtures.linearData(count: 4)
        model.fit(x: data.x, y: data.y, epochs: 4, batchSize: 4,
                  callbacks: [LearningRateScheduler { epoch, rate in epoch < 2 ? rate : rate * 0.5 }, recorder], verbose: 0)
        #expect(recorder.rates == [0.8, 0.8, 0.4, 0.2])
    }

    @Test("the steps use the scheduled rate: a rate of 0 leaves the weights untouched")
    func stepsUseTheRate() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.5), loss: MeanSquaredError())
        let before = TrainingFixtures.bits(model)
        let data = TrainingFixtures.linearData(count: 8)
        model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, callbacks: [LearningRateScheduler { _, _ in 0 }], verbose: 0)
        #expect(TrainingFixtures.bits(model) == before)
        model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 4, callbacks: [LearningRateScheduler { _, _ in 0.1 }], verbose: 0)
        #expect(TrainingFixtures.bits(model) != before)
    }

    @Test("with initialEpoch, the schedule sees the resumed epoch numbers")
    func resumedEpochs() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError())
        var epochs: [Int] = []
        let data = TrainingFixtures.linearData(count: 4)
        model.fit(x: data.x, y: data.y, epochs: 7, batchSize: 4,
                  callbacks: [LearningRateScheduler { epoch, rate in epochs.append(epoch); return rate }], verbose: 0, initialEpoch: 5)
        #expect(epochs == [5, 6])
    }

    @Test("a negative or non-finite rate from the schedule stops with a message")
    func invalidRate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = TrainingFixtures.regressor()
            model.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError())
            let data = TrainingFixtures.linearData(count: 4)
            model.fit(x: data.x, y: data.y, epochs: 3, callbacks: [LearningRateScheduler { epoch, _ in epoch == 1 ? -1 : 0.1 }],
                      verbose: 0)
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent)
                .contains("LearningRateScheduler: the schedule returned -1.0 for epoch 1"))
        }
    }
}
