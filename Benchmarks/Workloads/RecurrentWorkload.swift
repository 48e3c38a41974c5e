// W3: one epoch of the Reuters-shaped LSTM classifier.
import Synapse

/// W3: Embedding(10000, 64) → LSTM(64, return sequences) → LSTM(64) → Dense(46,
/// softmax), sequences of 200 token ids, Adam 1e-3, batch 32, 8,982 samples
/// (the Reuters newswire training set's size), as the text-lstm example.
func lstmEpoch(_ settings: BenchSettings) {
    let samples = settings.samples ?? 8_982
    let (length, vocabulary, classes) = (settings.sequenceLength ?? 200, 10_000, 46)
    var tokens = SplitMix(seed: 4)
    let x = Tensor(int32: (0..<samples * length).map { _ in Int32(1 + tokens.next() % UInt64(vocabulary - 1)) },
                   shape: [samples, length])
    let y = Tensor(int32: (0..<samples).map { _ in Int32(tokens.next() % UInt64(classes)) })
    Random.seed(1)
    let model = Sequential(name: "lstm") {
        Input(shape: [length], dtype: .int32)
        Embedding(inputDim: vocabulary, outputDim: 64)
        LSTM(64, returnSequences: true)
        LSTM(64)
        Dense(classes, activation: .softmax)
    }
    model.compile(optimizer: Adam(learningRate: 1e-3), loss: SparseCategoricalCrossentropy())
    let times = timed(settings) { model.fit(x: x, y: y, epochs: 1, batchSize: 32, verbose: 0) }
    report("lstm", unit: "seconds/epoch", samples: times, extra: ["epoch_samples": samples, "sequence_length": length])
}
