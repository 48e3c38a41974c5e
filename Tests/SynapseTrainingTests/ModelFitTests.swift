import Testing
@testable import SynapseTraining

@Suite("Model.fit")
struct ModelFitTests {
    @Test("fit returns a History with one entry per epoch, also kept as model.history")
    func historyPerEpoch() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError()])
        let data = TrainingFixtures.linearData(count: 20)
        let history = model.fit(x: data.x, y: data.y, epochs: 4, batchSize: 8, verbose: 0)
        #expect(history.epochs == [0, 1, 2, 3])
        #expect(history.keys == ["loss", "mean_absolute_error"])
        #expect(history.values["loss"]?.count == 4)
        #expect(history.values["mean_absolute_error"]?.count == 4)
        #expect(model.history === history)
        let losses = history.values["loss"] ?? []
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(losses.last! < losses.first!, "SGD on a linear target must lower the loss: \(losses)")
    }

    @Test("fit learns: a 2-8-1 network fits a linear target to a small loss")
    func learnsLinearTarget() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: Adam(learningRate: 0.02), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 64)
        let history = model.fit(x: data.x, y: data.y, epochs: 60, batchSize: 16, shuffle: false, verbose: 0)
        let losses = history.values["loss"] ?? []
        // The target has variance ≈ 1.7; a model that does not learn stays near it.
        #expect(losses.first! > 0.3)
        #expect(losses.last! < 0.01, "final loss \(losses.last!)")
    }

    @Test("with useEMA, fit ends with the averaged weights in the model, before trainEnd callbacks")
    func movingAverageFinalized() {
        let model = TrainingFixtures.regressor()
        let optimizer = Adam(learningRate: 0.02)
        optimizer.useEMA = true
        optimizer.emaMomentum = 0.9
        model.compile(optimizer: optimizer, loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 64)
        final class Snapshot: Callback {
            var weights: [[Float]] = []
            func onTrainEnd(logs: Logs) { weights = model?.trainableParameters.map(\.value.scalars) ?? [] }
            weak var model: Model?
            func setModel(_ model: Model) { self.model = model }
        }
        let snapshot = Snapshot()
        model.fit(x: data.x, y: data.y, epochs: 60, batchSize: 16, callbacks: [snapshot], verbose: 0)
        let averages = model.trainableParameters.map { optimizer.movingAverage(of: $0)?.scalars ?? [] }
        #expect(model.trainableParameters.map(\.value.scalars) == averages)
        #expect(snapshot.weights == averages)
        let loss = model.evaluate(x: data.x, y: data.y)["loss"] ?? .nan
        // The target has variance ≈ 1.7 (see learnsLinearTarget); averaged weights still fit it.
        #expect(loss < 0.05, "the averaged weights must still fit the target: loss \(loss)")
    }

    @Test("batches: ceil(n / batchSize) steps per epoch, the last one ragged")
    func raggedLastBatch() {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: 10)
        let hooks = HookRecorder()
        model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, shuffle: false, callbacks: [hooks], verbose: 0)
        #expect(recorder.trainingBatches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(hooks.events(withPrefix: "trainBatchEnd") == ["trainBatchEnd 0", "trainBatchEnd 1", "trainBatchEnd 2",
                                                               "trainBatchEnd 0", "trainBatchEnd 1", "trainBatchEnd 2"])
        #expect(model.optimizer?.iterations == 6)
    }

    @Test("the epoch loss is the sample-weighted mean of the batch losses, as a full-batch evaluation")
    func epochLossIsSampleWeighted() {
        // With a zero learning rate the weights never move, so the epoch loss over
        // batches of 4, 4 and 2 must equal the loss of one pass over all 10 samples.
        // An unweighted mean of the three batch means would differ.
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 10)
        let history = model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 4, shuffle: false, verbose: 0)
        let full = model.evaluate(x: data.x, y: data.y, batchSize: 10)["loss"]!
        let perBatch = (0..<3).map { index -> Float in
            let start = index * 4
            let count = Swift.min(4, 10 - start)
            return model.testOnBatch(x: data.x.narrowed(axis: 0, start: start, length: count),
                                     y: data.y.narrowed(axis: 0, start: start, length: count))["loss"]!
        }
        let unweighted = perBatch.reduce(0, +) / 3
        #expect(!TrainingFixtures.close(unweighted, full, tolerance: 1e-3), "the data must tell the two means apart")
        #expect(TrainingFixtures.close(history.values["loss"]![0], full, tolerance: 1e-5))
    }

    @Test("validationSplit holds out the last samples before shuffling, as Keras")
    func validationSplitTakesTheEnd() {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0.01), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: 10)
        let history = model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 3, validationSplit: 0.25, verbose: 0)
        // Keras: split_at = floor(10 · (1 − 0.25)) = 7 training rows, the last 3 validate.
        for epoch in 0..<3 {
            let seen = recorder.trainingBatches[(epoch * 3)..<(epoch * 3 + 3)].flatMap { $0 }
            #expect(seen.sorted() == Array(0..<7), "epoch \(epoch) trained on \(seen)")
        }
        #expect(recorder.trainingBatches.count == 9)
        #expect(recorder.inferenceBatches == [[7, 8, 9], [7, 8, 9], [7, 8, 9]],
                "validation runs once per epoch on the held-out tail: \(recorder.inferenceBatches)")
        #expect(history.keys == ["loss", "val_loss"])
        #expect(history.values["val_loss"]?.count == 3)
    }

    @Test("validationSplit counts training rows as Keras: floor(n · (1 − split)) in decimal arithmetic",
          arguments: [(10, Float(0.2), 8), (10, 0.25, 7), (100, 0.3, 70), (768, 0.2, 614), (7, 0.5, 3), (3, 0.1, 2)])
    func validationSplitCounts(samples: Int, split: Float, training: Int) {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: samples)
        model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 1000, validationSplit: split, shuffle: false, verbose: 0)
        #expect(recorder.trainingBatches == [Array(0..<training)])
        #expect(recorder.inferenceBatches == [Array(training..<samples)])
    }

    @Test("validationData adds val_ keys equal to evaluate on the final weights")
    func validationData() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        let train = TrainingFixtures.linearData(count: 24)
        let validation = TrainingFixtures.linearData(count: 9)
        let history = model.fit(x: train.x, y: train.y, epochs: 3, batchSize: 5, validationData: (validation.x, validation.y),
                                verbose: 0)
        #expect(history.keys == ["loss", "mae", "val_loss", "val_mae"])
        let final = model.evaluate(x: validation.x, y: validation.y, batchSize: 5)
        #expect(history.values["val_loss"]?.last == final["loss"])
        #expect(history.values["val_mae"]?.last == final["mae"])
        #expect(history.values["val_loss"]?.last != history.values["loss"]?.last)
    }

    @Test("validationData overrides validationSplit: every training sample is used")
    func validationDataOverridesSplit() {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: 6)
        let validation = TrainingFixtures.indexedData(count: 2)
        model.fit(x: data.x, y: data.y, epochs: 1, batchSize: 10, validationSplit: 0.5,
                  validationData: (validation.x, validation.y), shuffle: false, verbose: 0)
        #expect(recorder.trainingBatches == [[0, 1, 2, 3, 4, 5]])
        #expect(recorder.inferenceBatches == [[0, 1]])
    }

    @Test("shuffle: false visits the samples in order; shuffle: true visits each once per epoch in a new order")
    func shuffleOrder() {
        let (model, recorder) = TrainingFixtures.recordingModel()
        model.compile(optimizer: SGD(learningRate: 0), loss: MeanSquaredError())
        let data = TrainingFixtures.indexedData(count: 32)
        model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 32, shuffle: false, verbose: 0)
        #expect(recorder.trainingBatches == [Array(0..<32), Array(0..<32)])
        recorder.clear()
        model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 32, shuffle: true, verbose: 0)
        #expect(recorder.trainingBatches.allSatisfy { $0.sorted() == Array(0..<32) })
        #expect(recorder.trainingBatches.allSatisfy { $0 != Array(0..<32) })
        #expect(Set(recorder.trainingBatches).count == 3, "each epoch reshuffles")
    }

    @Test("Random.seed makes a shuffled run repeat bit for bit; the seed decides the order (own process)")
    func shuffleDeterminism() async {
        // Random is process-wide and other suites draw from it in parallel, so this
        // runs in its own process.
        await #expect(processExitsWith: .success) {
            func train(seed: UInt64, shuffle: Bool, seededInitializers: Bool) -> [[UInt32]] {
                Random.seed(seed)
                let model = seededInitializers
                    ? Sequential { TrainingFixtures.dense(8, activation: .tanh, seed: 1); TrainingFixtures.dense(1, seed: 2) }
                    : Sequential { Dense(8, activation: .tanh); Dense(1) }
                model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
                let data = TrainingFixtures.linearData(count: 40)
                model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 4, shuffle: shuffle, verbose: 0)
                return TrainingFixtures.bits(model)
            }
            // Same seed: initialization and shuffling repeat exactly.
            precondition(train(seed: 7, shuffle: true, seededInitializers: false)
                         == train(seed: 7, shuffle: true, seededInitializers: false), "same seed, different weights")
            // Fixed initial weights: only the shuffle order depends on the seed.
            precondition(train(seed: 7, shuffle: true, seededInitializers: true)
                         != train(seed: 8, shuffle: true, seededInitializers: true), "the shuffle ignores Random.seed")
            precondition(train(seed: 7, shuffle: false, seededInitializers: true)
                         == train(seed: 8, shuffle: false, seededInitializers: true), "shuffle: false depends on the seed")
        }
    }

    @Test("initialEpoch resumes a run; epochs is the last epoch index, as in Keras")
    func initialEpoch() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 8)
        let hooks = HookRecorder()
        let history = model.fit(x: data.x, y: data.y, epochs: 5, batchSize: 4, callbacks: [hooks], verbose: 0, initialEpoch: 3)
        #expect(history.epochs == [3, 4])
        #expect(hooks.events(withPrefix: "epochBegin") == ["epochBegin 3", "epochBegin 4"])
        #expect(model.optimizer?.iterations == 4)
    }

    @Test("epochs: 0 trains nothing but still calls trainBegin and trainEnd")
    func zeroEpochs() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let before = TrainingFixtures.bits(model)
        let hooks = HookRecorder()
        let data = TrainingFixtures.linearData(count: 8)
        let history = model.fit(x: data.x, y: data.y, epochs: 0, callbacks: [hooks], verbose: 0)
        #expect(history.epochs.isEmpty)
        #expect(hooks.events == ["trainBegin", "trainEnd"])
        #expect(TrainingFixtures.bits(model) == before)
    }

    @Test("fit over a DataLoader: batchCount steps per epoch, a seeded loader repeats bit for bit, val_ keys")
    func fitOverLoader() {
        func run() -> (History, [[UInt32]], Int) {
            let model = TrainingFixtures.regressor(seed: 11)
            model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
            let data = TrainingFixtures.linearData(count: 30)
            let loader = DataLoader(TensorDataset(x: data.x, y: data.y), batchSize: 8, shuffle: true, seed: 3)
            let validation = DataLoader(TensorDataset(x: data.x, y: data.y), batchSize: 8)
            let history = model.fit(loader, epochs: 3, validationData: validation, verbose: 0)
            return (history, TrainingFixtures.bits(model), model.optimizer!.iterations)
        }
        let (history, weights, steps) = run()
        #expect(steps == 3 * 4)
        #expect(history.keys == ["loss", "val_loss"])
        #expect(history.epochs == [0, 1, 2])
        #expect(run().1 == weights, "a seeded loader and seeded initializers must repeat exactly")
    }

    @Test("fit stops with a message when inputs and targets disagree in samples")
    func mismatchedSamplesStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = TrainingFixtures.regressor()
            model.compile(optimizer: SGD(), loss: MeanSquaredError())
            model.fit(x: Tensor.zeros([5, 2]), y: Tensor.zeros([4, 1]), verbose: 0)
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("must have the same number of samples"))
        }
    }

    @Test("regularization penalties are added to the training loss and to its gradient")
    func regularizationPenalty() {
        let layer = TrainingFixtures.dense(1, seed: 9, bias: 0.3, kernelRegularizer: L2(0.1), biasRegularizer: L1(0.05))
        let model = Sequential { Input(shape: [3]); layer }
        let learningRate: Float = 0.1
        model.compile(optimizer: SGD(learningRate: learningRate), loss: MeanSquaredError())
        let x = Tensor([[1, 2, -1], [0.5, -1, 2], [-2, 0, 1], [1, 1, 1]])
        let y = Tensor([[1], [0], [-1], [2]])
        let kernel = layer.kernel.value.scalars
        let bias = layer.bias!.value.item
        // By hand: prediction, mean squared error, penalty 0.1·Σk² + 0.05·|b|.
        let rows = x.scalars
        let targets = y.scalars
        let predictions = (0..<4).map { row in (0..<3).reduce(bias) { $0 + rows[row * 3 + $1] * kernel[$1] } }
        let errors = (0..<4).map { predictions[$0] - targets[$0] }
        let mse = errors.map { $0 * $0 }.reduce(0, +) / 4
        let penalty = 0.1 * kernel.map { $0 * $0 }.reduce(0, +) + 0.05 * Swift.abs(bias)
        #expect(TrainingFixtures.close(model.testOnBatch(x: x, y: y)["loss"]!, mse + penalty))
        let logs = model.trainOnBatch(x: x, y: y)
        #expect(TrainingFixtures.close(logs["loss"]!, mse + penalty), "loss \(logs["loss"]!) vs \(mse) + \(penalty)")
        // The gradient includes the penalty: dL/dk = 2/N·Σ e·x + 0.2·k, dL/db = 2/N·Σ e + 0.05·sign(b).
        let kernelGradient = (0..<3).map { column in
            (0..<4).reduce(Float(0)) { $0 + errors[$1] * rows[$1 * 3 + column] } / 2 + 0.2 * kernel[column]
        }
        let biasGradient = errors.reduce(0, +) / 2 + 0.05
        let expectedKernel = zip(kernel, kernelGradient).map { $0 - learningRate * $1 }
        #expect(TrainingFixtures.close(layer.kernel.value.scalars, expectedKernel))
        #expect(TrainingFixtures.close(layer.bias!.value.item, bias - learningRate * biasGradient))
    }

    @Test("the optimizer's gradientTransform runs once per step with the trainable parameters, their gradients final")
    func gradientHookCalls() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        var calls = 0
        var sawAllGradients = true
        var sameParameters = true
        model.optimizer?.gradientTransform = { parameters in
            calls += 1
            sawAllGradients = sawAllGradients && parameters.allSatisfy { $0.grad != nil }
            sameParameters = sameParameters && parameters.count == model.trainableParameters.count
                && zip(parameters, model.trainableParameters).allSatisfy { $0 === $1 }
        }
        let data = TrainingFixtures.linearData(count: 10)
        model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 4, verbose: 0)
        #expect(calls == 9, "3 epochs of 3 batches")
        #expect(sawAllGradients)
        #expect(sameParameters)
        model.optimizer?.gradientTransform = nil
    }

    @Test("the optimizer's gradientTransform can change the gradients: zeroed gradients leave the weights untouched")
    func gradientHookZeroes() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.1, momentum: 0.9), loss: MeanSquaredError())
        model.optimizer?.gradientTransform = { parameters in
            for parameter in parameters { parameter.setGrad(Tensor.zeros(parameter.shape)) }
        }
        let before = TrainingFixtures.bits(model)
        let data = TrainingFixtures.linearData(count: 10)
        model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, verbose: 0)
        #expect(TrainingFixtures.bits(model) == before)
    }

    @Test("the optimizer's gradientTransform can scale the gradients: doubled gradients equal a doubled learning rate")
    func gradientHookScales() {
        let data = TrainingFixtures.linearData(count: 12)
        let hooked = TrainingFixtures.regressor()
        hooked.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        hooked.optimizer?.gradientTransform = { parameters in
            for parameter in parameters { parameter.setGrad(parameter.grad.map { $0 * 2 }) }
        }
        hooked.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, shuffle: false, verbose: 0)
        let plain = TrainingFixtures.regressor()
        plain.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError())
        plain.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, shuffle: false, verbose: 0)
        let untouched = TrainingFixtures.regressor()
        untouched.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        untouched.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, shuffle: false, verbose: 0)
        for (a, b) in zip(TrainingFixtures.weights(hooked), TrainingFixtures.weights(plain)) {
            #expect(TrainingFixtures.close(a, b, tolerance: 1e-6))
        }
        #expect(TrainingFixtures.weights(hooked) != TrainingFixtures.weights(untouched))
    }
}
