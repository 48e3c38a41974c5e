import Testing
@testable import SynapseTraining

@Suite("Padded steps do not count in the loss or the metrics")
struct MaskedLossTests {
    @Test("a masked loss is the mean over unmasked entries only")
    func lossLevel() {
        let logits = Tensor([[[2, 0], [0, 1], [5, -5]], [[1, 1], [0, 3], [-2, 2]]])   // [2, 3, 2]
        let labels = Tensor(int32: [0, 1, 1, 0, 1, 0], shape: [2, 3])
        let mask = Tensor(int32: [1, 1, 0, 0, 1, 1], shape: [2, 3]) .!= Tensor(int32: [0], shape: [1])
        let loss = SparseCategoricalCrossentropy(fromLogits: true)
        let perStep = loss.perSampleLoss(yTrue: labels, yPred: logits).scalars
        let kept = zip(perStep, mask.boolScalars).filter(\.1).map(\.0)
        let expected = kept.reduce(0, +) / Float(kept.count)
        #expect(abs(loss(labels, logits, mask: mask).item - expected) < 1e-6)
        #expect(abs(SparseCategoricalCrossentropy(fromLogits: true, reduction: .sum)(labels, logits, mask: mask).item
                    - kept.reduce(0, +)) < 1e-5)
        #expect(loss(labels, logits, mask: nil).item == loss(labels, logits).item)
    }

    @Test("a sequence tagger's loss ignores the labels of padded steps, and training uses the same mask")
    func modelLevel() {
        Random.seed(12)
        let model = Sequential {
            Input(shape: [4], dtype: .int32)
            Embedding(inputDim: 6, outputDim: 3, maskZero: true)
            LSTM(5, returnSequences: true)
            Dense(2, activation: .softmax)
        }
        model.compile(optimizer: Adam(learningRate: 0.01), loss: SparseCategoricalCrossentropy())
        let ids = Tensor(int32: [0, 0, 3, 4, 0, 5, 1, 2], shape: [2, 4])     // padded at the start
        let labels = Tensor(int32: [0, 0, 1, 0, 0, 1, 1, 0], shape: [2, 4])
        let otherPadLabels = Tensor(int32: [1, 1, 1, 0, 1, 1, 1, 0], shape: [2, 4])   // differs only where ids are 0
        let otherRealLabel = Tensor(int32: [0, 0, 0, 0, 0, 1, 1, 0], shape: [2, 4])    // differs at a real step
        let loss = model.testOnBatch(x: ids, y: labels)["loss"]!
        #expect(model.testOnBatch(x: ids, y: otherPadLabels)["loss"]! == loss)
        #expect(model.testOnBatch(x: ids, y: otherRealLabel)["loss"]! != loss)
        // One training step from the same weights gives the same loss for either padding label.
        let first = model.trainOnBatch(x: ids, y: labels)["loss"]!
        #expect(abs(first - loss) < 1e-5, "training and evaluation mask the same steps")
    }

    @Test("metrics count unmasked steps only, as Keras weighs them by the mask", arguments: [false, true])
    func metricsHonourMasks(functional: Bool) throws {
        let embedding = Embedding(inputDim: 6, outputDim: 3, maskZero: true, embeddingsInitializer: RandomUniform(minimum: -1, maximum: 1, seed: 2))
        let lstm = LSTM(5, returnSequences: true, kernelInitializer: .glorotUniform(seed: 3))
        let dense = Dense(2, activation: .softmax, kernelInitializer: .glorotUniform(seed: 4))
        let model: Model
        if functional {
            let ids = Input(shape: [4], dtype: .int32)
            model = Model(inputs: ids, outputs: dense(lstm(embedding(ids))))
        } else {
            model = Sequential { Input(shape: [4], dtype: .int32); embedding; lstm; dense }
        }
        try model.compile(optimizer: SGD(), loss: SparseCategoricalCrossentropy(), metrics: ["accuracy"])
        let ids = Tensor(int32: [0, 0, 3, 4, 0, 5, 1, 2, 1, 2, 3, 4], shape: [3, 4])
        let predicted = model.predict(ids).argmax(alongAxis: -1).intScalars
        // Labels that agree with the model at every real step and disagree at every padded one.
        let labels = zip(predicted, ids.intScalars).map { prediction, id in id == 0 ? 1 - prediction : prediction }
        let y = Tensor(int32: labels, shape: [3, 4])
        #expect(model.evaluate(x: ids, y: y)["accuracy"]! == 1)
        #expect(try model.evaluate(x: [ids], y: [y])["accuracy"]! == 1)
        // Wrong at one of the 9 real steps: 8/9.
        var oneWrong = labels
        oneWrong[2] = 1 - oneWrong[2]
        let accuracy = model.evaluate(x: ids, y: Tensor(int32: oneWrong, shape: [3, 4]))["accuracy"]!
        #expect(abs(accuracy - 8.0 / 9.0) < 1e-6)
    }
}
