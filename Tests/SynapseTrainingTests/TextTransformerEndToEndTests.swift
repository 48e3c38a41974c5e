import ExampleSupport
import Foundation
import Testing

/// The text-transformer example in small: the project's tokenizer on raw IMDB reviews,
/// then the example's own model builder (``TextTransformerClassifier``, two encoder
/// blocks with the padding mask) at a smaller size, with every initializer and dropout
/// seeded and a seeded DataLoader, so the run repeats exactly whatever other suites
/// draw in parallel.
@Suite("Transformer text classification end to end")
struct TextTransformerEndToEndTests {
    @Test("tokenizer + the text-transformer model (2 encoder blocks, padding masked) learns IMDB sentiment from 3,000 raw reviews (seeded)")
    func imdbSubset() throws {
        let (maxlen, vocabularySize) = (96, 3_000)
        let train = try IMDB.load(split: .train).shuffled(seed: 11).prefix(3_000)
        let test = try IMDB.load(split: .test).shuffled(seed: 12).prefix(1_000)
        var tokenizer = Tokenizer(numWords: vocabularySize)
        tokenizer.fit(train.texts)
        let trainData = LabeledSequences(sequences: tokenizer.encode(train.texts), labels: train.labels)
            .dataset(maxlen: maxlen, padding: .post)
        let testData = LabeledSequences(sequences: tokenizer.encode(test.texts), labels: test.labels)
            .dataset(maxlen: maxlen, padding: .post)
        let classifier = TextTransformerClassifier(vocabularySize: vocabularySize, sequenceLength: maxlen, embeddingDim: 32,
                                                   numHeads: 2, keyDim: 16, feedForwardDim: 64)
        let model = classifier.model(seed: 21)
        #expect(model.layers.filter { $0 is MultiHeadAttention }.count == 2)
        try model.compile(optimizer: Adam(learningRate: 1e-3), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let untrained = model.evaluate(x: testData.x, y: testData.y, batchSize: 250)["accuracy"] ?? .nan
        let history = model.fit(DataLoader(trainData, batchSize: 32, shuffle: true, seed: 7), epochs: 3, verbose: 0)
        let trained = model.evaluate(x: testData.x, y: testData.y, batchSize: 250)["accuracy"] ?? .nan
        let losses = history.values["loss"] ?? []
        // Labels are balanced, so a model that learns nothing stays near 0.5.
        #expect(trained >= 0.70, "test accuracy \(trained) (untrained \(untrained)), losses \(losses)")
        #expect(abs(untrained - 0.5) < 0.08, "untrained accuracy \(untrained)")
        #expect(losses.count == 3 && losses[2] < losses[0], "losses \(losses)")
    }
}
