import Testing
@testable import SynapseTraining

@Suite("EarlyStopping")
struct EarlyStoppingTests {
    /// Runs `callback` over a scripted sequence of monitored values, as fit would:
    /// before each epoch end every weight is set to the epoch index, so the weights
    /// show which epoch they came from. Returns the number of epochs run and the model.
    private func drive(_ callback: EarlyStopping, _ values: [Float], monitor: String = "val_loss") -> (epochs: Int, model: Model) {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        model.stopTraining = false
        callback.setModel(model)
        callback.onTrainBegin(logs: [:])
        var epochs = 0
        for (epoch, value) in values.enumerated() {
            for parameter in model.parameters { parameter.assign(Tensor.full(parameter.shape, value: Float(epoch))) }
            callback.onEpochEnd(epoch, logs: [monitor: value, "other": 0])
            epochs += 1
            if model.stopTraining { break }
        }
        callback.onTrainEnd(logs: [:])
        return (epochs, model)
    }

    /// The single value every weight of `model` holds (nil when they differ).
    private func weightEpoch(_ model: Model) -> Float? {
        let values = Set(model.parameters.flatMap(\.value.scalars))
        return values.count == 1 ? values.first : nil
    }

    @Test("patience 0 stops at the first epoch without improvement")
    func patienceZero() {
        let callback = EarlyStopping()
        let run = drive(callback, [1, 0.9, 0.95, 0.5])
        #expect(run.epochs == 3)
        #expect(callback.stoppedEpoch == 2)
        #expect(callback.bestEpoch == 1)
    }

    @Test("patience n waits n epochs without improvement; an improvement restarts the count")
    func patienceCounts() {
        let stops = EarlyStopping(patience: 2)
        #expect(drive(stops, [1, 0.9, 0.95, 0.92, 0.5]).epochs == 4)
        #expect(stops.stoppedEpoch == 3)
        let restarts = EarlyStopping(patience: 2)
        #expect(drive(restarts, [1, 1.1, 0.9, 1.0, 1.0, 1.0]).epochs == 5)
        #expect(restarts.stoppedEpoch == 4)
        #expect(restarts.bestEpoch == 2)
        let never = EarlyStopping(patience: 2)
        #expect(drive(never, [5, 4, 3, 2, 1]).epochs == 5)
        #expect(never.stoppedEpoch == nil)
    }

    @Test("minDelta: a change smaller than it is no improvement")
    func minDelta() {
        let strict = EarlyStopping(minDelta: 0.1, patience: 1)
        #expect(drive(strict, [1, 0.95, 0.92, 0.5]).epochs == 2)
        #expect(strict.bestEpoch == 0)
        let lenient = EarlyStopping(minDelta: 0.01, patience: 1)
        #expect(drive(lenient, [1, 0.95, 0.92, 0.92]).epochs == 4)
        #expect(lenient.stoppedEpoch == 3)
        // The sign of minDelta does not matter (Keras takes its absolute value).
        let negative = EarlyStopping(minDelta: -0.1, patience: 1)
        #expect(drive(negative, [1, 0.95, 0.92]).epochs == 2)
    }

    @Test("mode: max for accuracy-like names under auto, or forced either way")
    func modes() {
        let auto = EarlyStopping(monitor: "val_accuracy")
        #expect(drive(auto, [0.5, 0.6, 0.55, 0.9], monitor: "val_accuracy").epochs == 3)
        let auc = EarlyStopping(monitor: "val_auc")
        #expect(drive(auc, [0.5, 0.6, 0.7, 0.65], monitor: "val_auc").epochs == 4)
        let forcedMin = EarlyStopping(monitor: "val_accuracy", mode: .min)
        #expect(drive(forcedMin, [0.5, 0.6, 0.4], monitor: "val_accuracy").epochs == 2)
        let forcedMax = EarlyStopping(monitor: "val_loss", mode: .max)
        #expect(drive(forcedMax, [1, 0.5, 2], monitor: "val_loss").epochs == 2)
        let loss = EarlyStopping(monitor: "loss")
        #expect(drive(loss, [1, 2, 0.5], monitor: "loss").epochs == 2)
    }

    @Test("baseline: training stops when the value does not beat it within patience epochs (Keras 3)")
    func baseline() {
        // Never better than the baseline 0.5: the count is never restarted.
        let stuck = EarlyStopping(patience: 2, baseline: 0.5)
        #expect(drive(stuck, [0.9, 0.95, 0.97, 0.2]).epochs == 2)
        #expect(stuck.stoppedEpoch == 1)
        // Beating the baseline restarts the count as usual.
        let beats = EarlyStopping(patience: 2, baseline: 0.5)
        #expect(drive(beats, [0.9, 0.4, 0.45, 0.45, 0.45]).epochs == 4)
        #expect(beats.stoppedEpoch == 3)
        // As Keras 3, an improvement that still misses the baseline does not stop training at once.
        let improving = EarlyStopping(patience: 2, baseline: 0.5)
        #expect(drive(improving, [0.9, 0.8, 0.7, 0.6]).epochs == 4)
    }

    @Test("restoreBestWeights puts back the best epoch's weights when it stops")
    func restoreOnStop() {
        let callback = EarlyStopping(patience: 2, restoreBestWeights: true)
        let run = drive(callback, [3, 1, 2, 2.5, 0.1])
        #expect(run.epochs == 4)
        #expect(callback.bestEpoch == 1)
        #expect(weightEpoch(run.model) == 1)
        let keeps = EarlyStopping(patience: 2)
        #expect(weightEpoch(drive(keeps, [3, 1, 2, 2.5]).model) == 3, "without restoreBestWeights the last weights stay")
    }

    @Test("restoreBestWeights also restores when training runs to the end (Keras 3)")
    func restoreAtEnd() {
        let callback = EarlyStopping(patience: 5, restoreBestWeights: true)
        let run = drive(callback, [3, 1, 2])
        #expect(callback.stoppedEpoch == nil)
        #expect(weightEpoch(run.model) == 1)
    }

    @Test("with a baseline never beaten, restoreBestWeights restores the best epoch seen")
    func restoreBestBelowBaseline() {
        let callback = EarlyStopping(patience: 3, baseline: 0.5, restoreBestWeights: true)
        let run = drive(callback, [0.9, 0.95, 0.8, 0.99, 0.1])
        #expect(run.epochs == 4)
        #expect(weightEpoch(run.model) == 2)
    }

    @Test("startFromEpoch ignores the warm-up epochs")
    func warmUp() {
        let callback = EarlyStopping(startFromEpoch: 2)
        #expect(drive(callback, [5, 5, 3, 4, 1]).epochs == 4)
        #expect(callback.stoppedEpoch == 3)
        let immediate = EarlyStopping()
        #expect(drive(immediate, [5, 5, 3, 4]).epochs == 2)
    }

    @Test("a monitored quantity missing from the logs never stops training")
    func missingQuantity() {
        let callback = EarlyStopping(monitor: "val_missing")
        #expect(drive(callback, [1, 2, 3, 4]).epochs == 4)
        #expect(callback.stoppedEpoch == nil)
    }

    @Test("onTrainBegin resets the state, so one callback serves several fits")
    func reusable() {
        let callback = EarlyStopping(patience: 1)
        #expect(drive(callback, [1, 2, 3]).epochs == 2)
        #expect(drive(callback, [10, 9, 8, 9]).epochs == 4, "the best of the first run must be forgotten")
        #expect(callback.stoppedEpoch == 3)
    }

    @Test("inside fit: stops at the right epoch and restores the best epoch's weights")
    func insideFit() {
        final class Snapshots: Callback {
            weak var model: Model?
            var weights: [[[UInt32]]] = []
            func setModel(_ model: Model) { self.model = model }
            func onEpochEnd(_ epoch: Int, logs: Logs) { if let model { weights.append(TrainingFixtures.bits(model)) } }
        }
        let model = ScriptedScoreModel(scores: [1, 0.5, 0.7, 0.8, 0.9, 0.1])
        model.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError())
        let snapshots = Snapshots()
        let stopping = EarlyStopping(monitor: "score", patience: 2, restoreBestWeights: true)
        let data = TrainingFixtures.linearData(count: 8)
        let history = model.fit(x: data.x, y: data.y, epochs: 10, batchSize: 8, callbacks: [snapshots, stopping], verbose: 0)
        #expect(history.epochs == [0, 1, 2, 3])
        #expect(history.values["score"] == [1, 0.5, 0.7, 0.8])
        #expect(stopping.stoppedEpoch == 3)
        #expect(snapshots.weights.count == 4)
        #expect(snapshots.weights[1] != snapshots.weights[3], "the weights must change between epochs")
        #expect(TrainingFixtures.bits(model) == snapshots.weights[1])
    }
}
