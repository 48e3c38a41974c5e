import Foundation

/// The shared training steps of the text examples (`text-lstm`, `text-transformer`, `char-lstm`): resume
/// from a checkpoint, checkpoint every epoch, fit with the progress bar and timing,
/// save the model (and its vocabulary) when asked.
public struct TextExampleRun {
    /// The example's name (the `example` JSON field).
    public let example: String
    /// The common flags.
    public let options: ExampleOptions
    /// `--epochs`, else the example's default.
    public let epochs: Int
    /// `--batch-size`, else the example's default.
    public let batchSize: Int

    /// A run of `example` with the common flags and the example's own defaults.
    public init(example: String, options: ExampleOptions, defaultEpochs: Int, defaultBatchSize: Int) {
        (self.example, self.options) = (example, options)
        (epochs, batchSize) = (options.epochs ?? defaultEpochs, options.batchSize ?? defaultBatchSize)
    }

    /// Trains `model` (already compiled) on `x`, `y`, evaluating `validationData` after each epoch.
    ///
    /// - Parameters:
    ///   - model: the compiled model.
    ///   - x, y: the training inputs and targets.
    ///   - validationData: evaluated after each epoch (the `val_` values).
    ///   - summaries: the example's own TensorBoard texts after each epoch (with `--tensorboard`).
    /// - Returns: the history and the training time in seconds.
    public func fit(_ model: Model, x: Tensor, y: Tensor, validationData: (x: Tensor, y: Tensor)? = nil,
                    summaries: TensorBoard.EpochSummaries? = nil) throws
        -> (history: History, seconds: Double) {
        // The model is built on the --device (fit moves the data to it).
        try withDevice(options.resolvedDevice()) {
            let (initialEpoch, callbacks) = try options.resumeAndCallbacks(model, summaries: summaries)
            let (history, seconds) = measureSeconds {
                model.fit(x: x, y: y, epochs: epochs, batchSize: batchSize, validationData: validationData,
                          callbacks: callbacks, verbose: options.json ? 2 : 1, initialEpoch: initialEpoch)
            }
            return (history, seconds)
        }
    }

    /// With `--save PATH`, writes the model to `PATH` and the vocabulary JSON beside it
    /// (`PATH` with the extension replaced by `.vocabulary.json`), so the model can be
    /// used on new text later.
    ///
    /// - Parameter vocabulary: the JSON of the tokenizer or character vocabulary, if any.
    public func save(_ model: Model, vocabulary: Data?) throws {
        guard let path = options.save else { return }
        let url = URL(fileURLWithPath: path)
        try model.save(to: url)
        print("saved the trained model to \(path)")
        if let vocabulary {
            let vocabularyURL = url.deletingPathExtension().appendingPathExtension("vocabulary.json")
            try vocabulary.write(to: vocabularyURL, options: .atomic)
            print("saved its vocabulary to \(vocabularyURL.path)")
        }
    }

    /// A report with the common fields filled in.
    public func report(seconds: Double, history: History) -> ExampleReport {
        var report = ExampleReport(example: example, epochs: epochs, seed: options.seed)
        report.set("batch_size", batchSize)
        report.set("train_seconds", seconds)
        report.set("train_loss", history.values["loss"]?.last ?? .nan)
        return report
    }
}

/// The IMDB reviews as the text examples use them: both splits shuffled (the files
/// list negatives first), optionally cut to a subset, and encoded with a
/// ``Tokenizer`` fitted on the training reviews.
public struct TokenizedIMDB {
    /// The encoded training reviews and their labels.
    public let train: LabeledSequences
    /// The encoded test reviews and their labels.
    public let test: LabeledSequences
    /// The tokenizer fitted on the training reviews.
    public let tokenizer: Tokenizer

    /// Loads, shuffles and encodes the reviews, and prints the vocabulary's size.
    ///
    /// - Parameters:
    ///   - numWords: the vocabulary kept (ids below it).
    ///   - seed: shuffles the training split; the test split uses `seed + 1`.
    ///   - trainLimit: keep the first N shuffled training reviews (`nil`: all 25,000).
    ///   - testLimit: keep the first N shuffled test reviews (`nil`: all 25,000).
    ///   - dataDirectory: the folder holding `imdb/`.
    /// - Throws: the loader's error when the files are missing or damaged.
    public init(numWords: Int, seed: UInt64, trainLimit: Int?, testLimit: Int?, dataDirectory: URL) throws {
        let trainTexts = try IMDB.load(split: .train, dataDirectory: dataDirectory).shuffled(seed: seed)
            .prefix(trainLimit ?? Int.max)
        let testTexts = try IMDB.load(split: .test, dataDirectory: dataDirectory).shuffled(seed: seed &+ 1)
            .prefix(testLimit ?? Int.max)
        var tokenizer = Tokenizer(numWords: numWords)
        let ((), tokenizeSeconds) = measureSeconds { tokenizer.fit(trainTexts.texts) }
        train = LabeledSequences(sequences: tokenizer.encode(trainTexts.texts), labels: trainTexts.labels)
        test = LabeledSequences(sequences: tokenizer.encode(testTexts.texts), labels: testTexts.labels)
        self.tokenizer = tokenizer
        print(String(format: "IMDB: vocabulary of %d words from %d reviews (fit in %.1f s), keeping ids below %d",
                     tokenizer.vocabulary.count, trainTexts.count, tokenizeSeconds, numWords))
    }
}
