import Testing
@testable import Synapse

/// The per-sample gradients DP-SGD clips, checked against their definition: the
/// gradient of each sample's loss computed alone (one ordinary backward pass per
/// sample). Norms, the gradients themselves and weighted sums must all agree, for
/// every supported layer and the ways layers are used (sequences, TimeDistributed,
/// masks, going backwards, bidirectional, a layer shared between two calls).
@Suite("Per-sample gradients")
struct PerSampleGradientTests {
    /// A model that applies one Dense layer twice (weights shared between the calls).
    final class SharedDense: Model {
        let shared = Dense(4, activation: .tanh)
        let head = Dense(3, activation: .softmax)
        override func forward(_ input: Tensor, training: Bool) -> Tensor {
            head(shared(shared(input, training: training), training: training), training: training)
        }
    }

    /// Per-sample gradients of every trainable parameter, sample by sample, with
    /// the ordinary backward pass: `[sample][parameter] → flat values`.
    static func reference(_ model: Model, loss: any Loss, x: Tensor, y: Tensor) -> [[[Float]]] {
        let parameters = model.trainableParameters
        return (0..<x.shape[0]).map { sample in
            model.zeroGrad()
            let xi = x.narrowed(axis: 0, start: sample, length: 1)
            let yi = y.narrowed(axis: 0, start: sample, length: 1)
            let (prediction, mask) = model.forwardWithOutputMask(xi, training: true)
            loss(yi, prediction, mask: mask).backward()
            return parameters.map { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }
        }
    }

    /// Per-sample gradients from one recorded forward and backward pass over the batch.
    static func recorded(_ model: Model, loss: any Loss, x: Tensor, y: Tensor) -> [PerSampleGradients] {
        let batch = x.shape[0]
        let tape = PerSampleGradientTape()
        let (prediction, mask) = tape.recording { model.forwardWithOutputMask(x, training: true) }
        model.zeroGrad()
        (loss(y, prediction, mask: mask) * Float(batch)).backward()
        var order: [ObjectIdentifier] = []
        var byLayer: [ObjectIdentifier: [PerSampleGradients]] = [:]
        for call in tape.calls {
            let layer = call.layer as! PerSampleGradientLayer
            let id = ObjectIdentifier(layer)
            if byLayer[id] == nil { order.append(id) }
            byLayer[id, default: []].append(layer.perSampleGradients(of: call, batchSize: batch))
        }
        return order.map { PerSampleGradients.combining(byLayer[$0]!) }
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 2e-4) -> Bool {
        let scale = max(1e-3, b.map(abs).max() ?? 0)
        return a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * scale }
    }

    /// Compares the recorded per-sample gradients with the sample-by-sample ones:
    /// every trainable parameter covered once, per-sample values, squared norms per
    /// sample, and a weighted sum with uneven weights.
    static func check(_ model: Model, loss: any Loss, x: Tensor, y: Tensor,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        _ = withoutGradient { model(x) }   // builds every layer, also those of a subclassed model
        let batch = x.shape[0]
        let parameters = model.trainableParameters
        let expected = reference(model, loss: loss, x: x, y: y)
        let groups = recorded(model, loss: loss, x: x, y: y)
        let covered = groups.flatMap(\.parameters)
        #expect(covered.count == parameters.count && Set(covered.map(ObjectIdentifier.init)) == Set(parameters.map(ObjectIdentifier.init)),
                "every trainable parameter is covered once", sourceLocation: sourceLocation)
        let index = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { (ObjectIdentifier($1), $0) })

        var expectedNorms = [Float](repeating: 0, count: batch)
        for sample in 0..<batch { expectedNorms[sample] = expected[sample].joined().reduce(0) { $0 + $1 * $1 } }
        let norms = groups.dropFirst().reduce(groups[0].squaredNorms) { $0 + $1.squaredNorms }.scalars
        #expect(close(norms, expectedNorms), "squared norms \(norms) vs \(expectedNorms)", sourceLocation: sourceLocation)

        let weights: [Float] = (0..<batch).map { 0.25 + Float($0) * 0.5 }
        for group in groups {
            let perSample = group.perSample()
            let weighted = group.weightedSum(Tensor(weights))
            for (position, parameter) in group.parameters.enumerated() {
                let p = index[ObjectIdentifier(parameter)]!
                let values = perSample[position].scalars
                let count = parameter.count
                for sample in 0..<batch {
                    let got = Array(values[sample * count..<(sample + 1) * count])
                    #expect(close(got, expected[sample][p]), "\(parameter) of sample \(sample)", sourceLocation: sourceLocation)
                }
                var sum = [Float](repeating: 0, count: count)
                for sample in 0..<batch { for k in 0..<count { sum[k] += weights[sample] * expected[sample][p][k] } }
                #expect(close(weighted[position].scalars, sum), "weighted sum of \(parameter)", sourceLocation: sourceLocation)
                #expect(weighted[position].shape == parameter.shape, sourceLocation: sourceLocation)
            }
        }
    }

    static func uniform(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.random(shape, .uniform(low: -1, high: 1), generator: &generator)
    }

    static let classes = Tensor(int32: [1, 0, 2, 1, 0], shape: [5])

    @Test("Dense on vectors and on sequences")
    func dense() {
        let mlp = Sequential { Dense(5, activation: .tanh); Dense(3, activation: .softmax) }
        Self.check(mlp, loss: SparseCategoricalCrossentropy(), x: Self.uniform([5, 6], seed: 1), y: Self.classes)
        let sequence = Sequential { Dense(5, activation: .relu); Flatten(); Dense(2) }
        Self.check(sequence, loss: MeanSquaredError(), x: Self.uniform([5, 4, 6], seed: 2), y: Self.uniform([5, 2], seed: 3))
        let timeDistributed = Sequential { TimeDistributed(Dense(3, activation: .tanh)); Flatten(); Dense(1) }
        Self.check(timeDistributed, loss: MeanSquaredError(), x: Self.uniform([5, 3, 4], seed: 4), y: Self.uniform([5, 1], seed: 5))
    }

    @Test("Conv2D with strides, same padding and dilation; Conv1D")
    func convolutions() {
        let cnn = Sequential {
            Conv2D(3, kernelSize: 3, strides: 2, padding: .same, activation: .relu)
            Conv2D(4, kernelSize: (2, 2), dilationRate: (2, 1), activation: .tanh)
            Flatten()
            Dense(3, activation: .softmax)
        }
        Self.check(cnn, loss: SparseCategoricalCrossentropy(), x: Self.uniform([5, 9, 9, 2], seed: 6), y: Self.classes)
        let sequence = Sequential { Conv1D(4, kernelSize: 3, strides: 2, activation: .tanh); Flatten(); Dense(1) }
        Self.check(sequence, loss: MeanSquaredError(), x: Self.uniform([5, 9, 3], seed: 7), y: Self.uniform([5, 1], seed: 8))
    }

    /// Token ids with repeats inside a sample (the same embedding row gets two
    /// gradient rows) and padding zeros masked out.
    static let tokens = Tensor(int32: [3, 5, 3, 0, 0, 1, 1, 1, 2, 0, 6, 2, 4, 5, 3, 2, 0, 0, 0, 0, 4, 4, 6, 1, 2], shape: [5, 5])

    @Test("Embedding with repeated tokens, masked LSTM, LayerNormalization")
    func embeddingAndLSTM() {
        let model = Sequential {
            Embedding(inputDim: 7, outputDim: 4, maskZero: true)
            LSTM(5, returnSequences: true)
            LayerNormalization()
            LSTM(3, goBackwards: true)
            Dense(3, activation: .softmax)
        }
        Self.check(model, loss: SparseCategoricalCrossentropy(), x: Self.tokens, y: Self.classes)
    }

    @Test("GRU (reset after, going backwards), SimpleRNN and a bidirectional LSTM")
    func recurrent() {
        let model = Sequential {
            Embedding(inputDim: 7, outputDim: 4)
            GRU(4, returnSequences: true, goBackwards: true)
            SimpleRNN(3, returnSequences: true)
            Bidirectional(LSTM(2))
            Dense(1)
        }
        Self.check(model, loss: MeanSquaredError(), x: Self.tokens, y: Self.uniform([5, 1], seed: 9))
    }

    @Test("a layer called twice: the calls' gradients add up per sample before the norm")
    func sharedLayer() {
        Self.check(SharedDense(), loss: SparseCategoricalCrossentropy(), x: Self.uniform([5, 4], seed: 10), y: Self.classes)
    }

    @Test("a frozen layer is left out; BatchNormalization and the reset-before GRU are refused by name")
    func frozenAndUnsupported() throws {
        let model = Sequential { Dense(4, activation: .relu); Dense(3, activation: .softmax) }
        model.buildIfNeeded(inputShape: [6])
        model.layers[0].isTrainable = false
        Self.check(model, loss: SparseCategoricalCrossentropy(), x: Self.uniform([5, 6], seed: 11), y: Self.classes)
        try DifferentialPrivacy(noiseMultiplier: 1).validate(for: model)

        let normalized = Sequential { Input(shape: [6]); Dense(4); BatchNormalization(name: "bn"); Dense(2) }
        #expect(throws: PrivacyError.unsupportedLayers(["bn (BatchNormalization)"])) {
            try DifferentialPrivacy(noiseMultiplier: 1).validate(for: normalized)
        }
        let resetBefore = Sequential { Input(shape: [5, 3]); GRU(4, resetAfter: false, name: "gru"); Dense(2) }
        #expect(throws: PrivacyError.unsupportedLayers(["gru (GRU)"])) {
            try DifferentialPrivacy(noiseMultiplier: 1).validate(for: resetBefore)
        }
        #expect(throws: PrivacyError.self) { try DifferentialPrivacy().validate(for: model) }
        #expect(throws: PrivacyError.self) { try DifferentialPrivacy(clipNorm: 0, noiseMultiplier: 1).validate(for: model) }
    }
}
