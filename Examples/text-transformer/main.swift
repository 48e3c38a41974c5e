// A small Transformer encoder classifier on the raw IMDB reviews (tokenized here,
// 20,000 most frequent words, the last 200 ids of each review, padded at the end):
// token + position embeddings (64) → 2 × [MultiHeadAttention(4 heads × 16) with the
// padding mask, residual, LayerNorm; feed-forward 128 → 64, residual, LayerNorm] →
// average over the review's tokens (padding excluded) → Dropout → Dense(2, softmax).
// The model is built by `TextTransformerClassifier` (Examples/Support/TextTransformer.swift).
import ArgumentParser
import ExampleSupport
import Foundation

@main
struct TextTransformer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-transformer",
        abstract: "Train token + position embeddings → 2 Transformer encoder blocks → pooling → Dense on IMDB sentiment (raw text).")

    @OptionGroup var options: ExampleOptions

    @Option(name: .customLong("num-words"), help: "Vocabulary size: keep the most frequent words (ids below this).")
    var numWords = 20_000

    @Option(help: "Ids per review: longer reviews lose their start, shorter ones are padded at the end (the mask hides the padding).")
    var maxlen = 200

    @Option(name: .customLong("train-limit"), help: "Train on N examples only (a seeded random subset).")
    var trainLimit: Int?

    @Option(name: .customLong("test-limit"), help: "Evaluate on N test examples only (a seeded random subset).")
    var testLimit: Int?

    @Option(name: .customLong("learning-rate"), help: "Adam's learning rate.")
    var learningRate: Float = 1e-3

    @Flag(help: "Also evaluate on the test split after every epoch (shown as val_accuracy; for choosing epochs).")
    var validate = false

    mutating func run() throws {
        Random.seed(options.seed)
        let dataDirectory = options.dataDirectoryURL()
        let imdb = try TokenizedIMDB(numWords: numWords, seed: options.seed, trainLimit: trainLimit, testLimit: testLimit,
                                     dataDirectory: dataDirectory)
        let (train, test) = (imdb.train, imdb.test)
        let classes = IMDB.classNames.count

        let run = TextExampleRun(example: "text-transformer", options: options, defaultEpochs: 2, defaultBatchSize: 32)
        // Padding at the end keeps position 0 at the first kept word whatever the review's length.
        let trainData = train.dataset(maxlen: maxlen, padding: .post)
        let testData = test.dataset(maxlen: maxlen, padding: .post)
        let baseline = test.majorityClassShare
        print("imdb: \(train.count) training and \(test.count) test examples of \(maxlen) ids, \(classes) classes; "
              + "\(run.epochs) epochs, batch \(run.batchSize), \(Parallel.threadCount) threads")

        let model = TextTransformerClassifier(vocabularySize: numWords, sequenceLength: maxlen, classes: classes).model()
        try model.compile(optimizer: Adam(learningRate: learningRate), loss: "sparse_categorical_crossentropy",
                          metrics: ["accuracy"])
        model.summary()
        let (history, seconds) = try run.fit(model, x: trainData.x, y: trainData.y,
                                             validationData: validate ? (testData.x, testData.y) : nil)
        let evaluation = model.evaluate(x: testData.x, y: testData.y, batchSize: 256)
        let accuracy = evaluation["accuracy"] ?? .nan
        print(String(format: "test accuracy %.4f (majority-class baseline %.4f), test loss %.4f, training time %.1f s (%.1f s/epoch)",
                     accuracy, baseline, evaluation["loss"] ?? .nan, seconds, seconds / Double(max(run.epochs, 1))))
        try run.save(model, vocabulary: imdb.tokenizer.jsonData())
        if options.json {
            var report = run.report(seconds: seconds, history: history)
            report.set("dataset", "imdb")
            report.set("test_accuracy", accuracy)
            report.set("baseline_accuracy", baseline)
            report.set("test_loss", evaluation["loss"] ?? .nan)
            report.printJSON()
        }
    }
}
