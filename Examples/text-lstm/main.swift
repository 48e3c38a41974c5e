// The textbook recurrent text classifier: Embedding(10000, 64) → LSTM(64, return
// sequences) → LSTM(64) → Dense(classes, softmax), on the raw IMDB reviews (tokenized
// here, 10,000 most frequent words, 200 ids per review) or the 46 Reuters topics.
import ArgumentParser
import ExampleSupport
import Foundation

@main
struct TextLSTM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-lstm",
        abstract: "Train Embedding → 2×LSTM → Dense on IMDB sentiment (raw text) or Reuters topics.")

    enum DataSetName: String, ExpressibleByArgument, CaseIterable {
        case imdb, reuters
    }

    @OptionGroup var options: ExampleOptions

    @Option(help: "Data set: imdb (2 classes, raw text) or reuters (46 topics, token ids).")
    var dataset: DataSetName = .imdb

    @Option(name: .customLong("num-words"), help: "Vocabulary size: keep the most frequent words (ids below this).")
    var numWords = 10_000

    @Option(help: "Ids per example: longer texts lose their start, shorter ones are padded at the start (Keras's defaults).")
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
        var vocabularyJSON: Data?
        let train: LabeledSequences
        let test: LabeledSequences
        let classes: Int
        switch dataset {
        case .imdb:
            let imdb = try TokenizedIMDB(numWords: numWords, seed: options.seed, trainLimit: trainLimit, testLimit: testLimit,
                                         dataDirectory: dataDirectory)
            (train, test) = (imdb.train, imdb.test)
            vocabularyJSON = imdb.tokenizer.jsonData()
            classes = IMDB.classNames.count
        case .reuters:
            train = try Reuters.load(split: .train, numWords: numWords, dataDirectory: dataDirectory)
                .shuffled(seed: options.seed).prefix(trainLimit ?? Int.max)
            test = try Reuters.load(split: .test, numWords: numWords, dataDirectory: dataDirectory)
                .shuffled(seed: options.seed &+ 1).prefix(testLimit ?? Int.max)
            classes = Reuters.classCount
        }
        let run = TextExampleRun(example: "text-lstm", options: options,
                                 defaultEpochs: dataset == .imdb ? 2 : 10, defaultBatchSize: 64)
        let trainData = train.dataset(maxlen: maxlen)
        let testData = test.dataset(maxlen: maxlen)
        let baseline = test.majorityClassShare
        print("\(dataset.rawValue): \(train.count) training and \(test.count) test examples of \(maxlen) ids, \(classes) classes; "
              + "\(run.epochs) epochs, batch \(run.batchSize), \(Parallel.threadCount) threads")

        let model = Sequential(name: "text_lstm") {
            Input(shape: [maxlen], dtype: .int32)
            Embedding(inputDim: numWords, outputDim: 64)
            LSTM(64, returnSequences: true)
            LSTM(64)
            Dense(classes, activation: .softmax)
        }
        try model.compile(optimizer: Adam(learningRate: learningRate), loss: "sparse_categorical_crossentropy",
                          metrics: ["accuracy"])
        model.summary()
        let (history, seconds) = try run.fit(model, x: trainData.x, y: trainData.y,
                                             validationData: validate ? (testData.x, testData.y) : nil)
        let evaluation = model.evaluate(x: testData.x, y: testData.y, batchSize: 256)
        let accuracy = evaluation["accuracy"] ?? .nan
        print(String(format: "test accuracy %.4f (majority-class baseline %.4f), test loss %.4f, training time %.1f s (%.1f s/epoch)",
                     accuracy, baseline, evaluation["loss"] ?? .nan, seconds, seconds / Double(max(run.epochs, 1))))
        try run.save(model, vocabulary: vocabularyJSON)
        if options.json {
            var report = run.report(seconds: seconds, history: history)
            report.set("dataset", dataset.rawValue)
            report.set("test_accuracy", accuracy)
            report.set("baseline_accuracy", baseline)
            report.set("test_loss", evaluation["loss"] ?? .nan)
            report.printJSON()
        }
    }
}
