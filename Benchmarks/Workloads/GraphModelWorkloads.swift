// W7 and W8: one training epoch of the two functional-API examples' models.
import ExampleSupport
import Synapse

/// W7: the `resnet` example's pre-activation ResNet (widths 32/64/128, one block
/// per stage) on 60,000 synthetic 28×28 images, SGD with Nesterov momentum 0.9 and
/// weight decay 5e-4 at a fixed learning rate 0.1, cross-entropy on logits with label
/// smoothing 0.1, batch 128 (the example's recipe without its schedule and augmentation).
func resnetEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 60_000
    let data = syntheticClassification(samples: samples, inputShape: [28, 28, 1], classes: 10, seed: 3)
    Random.seed(1)
    let model = ResidualNetwork().model()
    model.compile(optimizer: SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4),
                  loss: SparseCategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1))
    let batchSize = settings.batchSize ?? 128
    let times = timed(settings) { model.fit(x: data.x, y: data.y, epochs: 1, batchSize: batchSize, verbose: 0) }
    report("resnet", unit: "seconds/epoch", samples: times,
           extra: ["epoch_samples": samples, "batch_size": batchSize, "parameters": model.trainableParameters.reduce(0) { $0 + $1.count }])
}

/// W8: the `text-transformer` example's classifier (vocabulary 20,000, 200 ids,
/// two encoder blocks of 4 heads × 16, feed-forward 128, dropout 0.1) on 25,000
/// synthetic reviews of 50 to 200 ids padded with 0 at the end, Adam 1e-3, batch 32.
func transformerEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 25_000
    let (length, vocabulary) = (200, 20_000)
    var draws = SplitMix(seed: 5)
    var ids = [Int32](repeating: 0, count: samples * length)
    for sample in 0..<samples {
        let reviewLength = length / 4 + Int(draws.next() % UInt64(length - length / 4 + 1))
        for step in 0..<reviewLength { ids[sample * length + step] = Int32(1 + draws.next() % UInt64(vocabulary - 1)) }
    }
    let x = Tensor(int32: ids, shape: [samples, length])
    let y = Tensor(int32: (0..<samples).map { _ in Int32(draws.next() % 2) })
    Random.seed(1)
    let model = TextTransformerClassifier(vocabularySize: vocabulary, sequenceLength: length).model()
    model.compile(optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy())
    let batchSize = settings.batchSize ?? 32
    let times = timed(settings) { model.fit(x: x, y: y, epochs: 1, batchSize: batchSize, verbose: 0) }
    report("transformer", unit: "seconds/epoch", samples: times,
           extra: ["epoch_samples": samples, "batch_size": batchSize, "parameters": model.trainableParameters.reduce(0) { $0 + $1.count }])
}
