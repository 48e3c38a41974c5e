import Testing
@testable import SynapseTraining

@Suite("ReduceLROnPlateau")
struct ReduceLROnPlateauTests {
    /// Feeds `values` of `monitor` epoch by epoch and returns the learning rate
    /// after each epoch end.
    private func drive(_ callback: ReduceLROnPlateau, _ values: [Float], monitor: String = "val_loss",
                       learningRate: Float = 1) -> [Float] {
        let model = TrainingFixtures.regressor()
        let optimizer = SGD(learningRate: learningRate)
        model.compile(optimizer: optimizer, loss: MeanSquaredError())
        callback.setModel(model)
        callback.onTrainBegin(logs: [:])
        return values.enumerated().map { epoch, value in
            callback.onEpochEnd(epoch, logs: [monitor: value])
            return optimizer.learningRate
        }
    }

    @Test("Keras defaults: val_loss, factor 0.1, patience 10, minDelta 1e-4, no cooldown, no floor")
    func defaults() {
        let callback = ReduceLROnPlateau()
        #expect(callback.factor == 0.1)
        #expect(callback.patience == 10)
        #expect(callback.cooldown == 0)
        #expect(callback.minLearningRate == 0)
        let rates = drive(callback, Array(repeating: 1, count: 12))
        #expect(rates.prefix(10).allSatisfy { $0 == 1 })
        #expect(TrainingFixtures.close(rates[10], 0.1, tolerance: 1e-6), "reduced after 10 epochs without improvement")
        #expect(TrainingFixtures.close(rates[11], 0.1, tolerance: 1e-6))
    }

    @Test("multiplies the rate by factor after patience epochs without improvement, then waits again")
    func reducesAfterPatience() {
        let rates = drive(ReduceLROnPlateau(factor: 0.5, patience: 2), [1, 1, 1, 1, 1, 1])
        #expect(rates == [1, 1, 0.5, 0.5, 0.25, 0.25])
    }

    @Test("an improvement restarts the count")
    func improvementResets() {
        let rates = drive(ReduceLROnPlateau(factor: 0.5, patience: 2), [1, 1, 0.5, 0.5, 0.5])
        #expect(rates == [1, 1, 1, 1, 0.5])
    }

    @Test("cooldown: epochs after a reduction in which nothing is counted (Keras' counting)")
    func cooldown() {
        let plain = drive(ReduceLROnPlateau(factor: 0.5, patience: 2), Array(repeating: 1, count: 8))
        #expect(plain == [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125])
        let cooled = drive(ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 2), Array(repeating: 1, count: 8))
        #expect(cooled == [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
    }

    @Test("the rate never drops below minLearningRate, and stops being reduced there")
    func floor() {
        let rates = drive(ReduceLROnPlateau(factor: 0.5, patience: 1, minLearningRate: 0.3), [1, 1, 1, 1, 1])
        #expect(rates == [1, 0.5, 0.3, 0.3, 0.3])
    }

    @Test("minDelta: a smaller change is not an improvement")
    func minDelta() {
        let rates = drive(ReduceLROnPlateau(factor: 0.5, patience: 1, minDelta: 0.01), [1, 0.995, 0.98])
        #expect(rates == [1, 0.5, 0.5])
        let lenient = drive(ReduceLROnPlateau(factor: 0.5, patience: 1, minDelta: 0.001), [1, 0.995, 0.98])
        #expect(lenient == [1, 1, 1])
    }

    @Test("accuracy-like quantities are maximised under auto; mode forces a direction")
    func modes() {
        let rising: [Float] = [0.5, 0.6, 0.7]
        #expect(drive(ReduceLROnPlateau(monitor: "val_accuracy", factor: 0.5, patience: 1), rising, monitor: "val_accuracy")
                == [1, 1, 1])
        #expect(drive(ReduceLROnPlateau(monitor: "val_accuracy", factor: 0.5, patience: 1, mode: .min), rising, monitor: "val_accuracy")
                == [1, 0.5, 0.25])
        #expect(drive(ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 1, mode: .max), rising) == [1, 1, 1])
    }

    @Test("a quantity missing from the logs changes nothing")
    func missingQuantity() {
        #expect(drive(ReduceLROnPlateau(monitor: "val_missing", factor: 0.5, patience: 1), [1, 1, 1]) == [1, 1, 1])
    }

    @Test("inside fit: the optimizer's rate falls on a plateau and the later steps use it")
    func insideFit() {
        final class Rates: Callback {
            weak var model: Model?
            var rates: [Float] = []
            func setModel(_ model: Model) { self.model = model }
            func onEpochBegin(_ epoch: Int, logs: Logs) { rates.append(model?.optimizer?.learningRate ?? .nan) }
        }
        let model = ScriptedScoreModel(scores: [1, 1, 1, 1, 1])
        model.compile(optimizer: SGD(learningRate: 0.2), loss: MeanSquaredError())
        let rates = Rates()
        let data = TrainingFixtures.linearData(count: 6)
        model.fit(x: data.x, y: data.y, epochs: 5, batchSize: 6,
                  callbacks: [ReduceLROnPlateau(monitor: "score", factor: 0.5, patience: 1), rates], verbose: 0)
        let expected: [Float] = [0.2, 0.2, 0.1, 0.05, 0.025]
        #expect(TrainingFixtures.close(rates.rates, expected, tolerance: 1e-6), "rates \(rates.rates)")
    }

    @Test("a factor outside (0, 1) stops with a message")
    func invalidFactor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ReduceLROnPlateau(factor: 1)
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("factor must be in (0, 1), got 1.0"))
        }
    }
}
