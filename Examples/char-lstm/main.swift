// A character-level LSTM language model on tiny Shakespeare: Embedding → LSTM →
// Dense(vocabulary) predicts every next character of 100-character windows; prints the
// loss per epoch and a passage sampled from the trained model.
import ArgumentParser
import ExampleSupport
import Foundation

@main
struct CharLSTM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "char-lstm", abstract: "Train a character-level LSTM language model on tiny Shakespeare and sample from it.")

    @OptionGroup var options: ExampleOptions

    @Option(help: "LSTM units.")
    var units = 256

    @Option(name: .customLong("embedding-dim"), help: "Size of each character's embedding.")
    var embeddingDim = 64

    @Option(name: .customLong("sequence-length"), help: "Characters per training window (steps of backpropagation through time).")
    var sequenceLength = 100

    @Option(name: .customLong("learning-rate"), help: "Adam's learning rate.")
    var learningRate: Float = 4e-3

    @Option(name: .customLong("train-limit"), help: "Train on the first N characters of the training text only.")
    var trainLimit: Int?

    @Option(name: .customLong("validation-limit"), help: "Validate on the first N characters of the validation text only.")
    var validationLimit: Int?

    @Option(help: "Sampling temperature (0 = always the most likely character).")
    var temperature: Float = 0.8

    @Option(name: .customLong("sample-length"), help: "Characters to generate after training.")
    var sampleLength = 400

    @Option(help: "Text that starts the generated passage.")
    var prompt = "ROMEO:\n"

    mutating func run() throws {
        Random.seed(options.seed)
        let text = try TinyShakespeare.load(dataDirectory: options.dataDirectoryURL())
        let vocabulary = CharacterVocabulary(text: text)
        let (trainText, validationText) = TinyShakespeare.split(text, validationFraction: 0.1)
        let trainIds = Array(vocabulary.encode(trainText).prefix(trainLimit ?? Int.max))
        let validationIds = Array(vocabulary.encode(validationText).prefix(validationLimit ?? Int.max))
        let allIds = vocabulary.encode(text)
        let unigramLoss = vocabulary.unigramLoss(of: allIds, frequenciesFrom: allIds)
        let unigramValidationLoss = vocabulary.unigramLoss(of: validationIds, frequenciesFrom: trainIds)
        let train = SequenceDataset.languageModel(trainIds, sequenceLength: sequenceLength)
        let validation = SequenceDataset.languageModel(validationIds, sequenceLength: sequenceLength)
        let run = TextExampleRun(example: "char-lstm", options: options, defaultEpochs: 3, defaultBatchSize: 32)
        print("tiny Shakespeare: \(vocabulary.count) characters; \(train.count) training and \(validation.count) validation "
              + "windows of \(sequenceLength); \(run.epochs) epochs, batch \(run.batchSize), \(Parallel.threadCount) threads")
        print(String(format: "unigram loss %.4f nats/char (whole text), %.4f on the validation text", unigramLoss, unigramValidationLoss))

        // No Input layer: generation feeds prompts of any length.
        let model = Sequential(name: "char_lstm") {
            Embedding(inputDim: vocabulary.count, outputDim: embeddingDim)
            LSTM(units, returnSequences: true)
            Dense(vocabulary.count)
        }
        model.compile(optimizer: Adam(learningRate: learningRate, clipNorm: 5),
                          loss: SparseCategoricalCrossentropy(fromLogits: true))
        // TensorBoard (--tensorboard): a 200-character sample after every epoch, in the text dashboard.
        var epochSampler = self
        epochSampler.sampleLength = min(sampleLength, 200)
        let (history, seconds) = try run.fit(model, x: train.x, y: train.y, validationData: (validation.x, validation.y)) {
            [epochSampler] writer, model, epoch in
            var generator = RandomGenerator(seed: epochSampler.options.seed &+ UInt64(epoch))
            let passage = epochSampler.generate(model, vocabulary: vocabulary, generator: &generator)
            // Four leading spaces: Markdown shows the passage as written, line breaks included.
            let block = passage.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            try writer.text("sample", block, step: epoch)
        }
        model.summary()
        let validationLoss = history.values["val_loss"]?.last ?? .nan
        for (epoch, loss) in (history.values["loss"] ?? []).enumerated() {
            print(String(format: "epoch %d: loss %.4f, val_loss %.4f", epoch + 1, loss,
                         history.values["val_loss"].map { $0[epoch] } ?? .nan))
        }
        print(String(format: "validation loss %.4f nats/char (unigram %.4f), training time %.1f s (%.1f s/epoch)",
                     validationLoss, unigramLoss, seconds, seconds / Double(max(run.epochs, 1))))

        var generator = RandomGenerator(seed: options.seed &+ 1)
        let (passage, sampleSeconds) = measureSeconds {
            generate(model, vocabulary: vocabulary, generator: &generator)
        }
        print(String(format: "--- sampled at temperature %g (%.1f s) ---", temperature, sampleSeconds))
        print(passage)
        print("---")
        let vocabularyJSON = try JSONEncoder().encode(vocabulary)
        try run.save(model, vocabulary: vocabularyJSON)
        if options.json {
            var report = run.report(seconds: seconds, history: history)
            report.set("val_loss", validationLoss)
            report.set("unigram_loss", unigramLoss)
            report.set("unigram_val_loss", unigramValidationLoss)
            report.set("temperature", temperature)
            report.set("sample", passage)
            report.printJSON()
        }
    }

    /// The prompt followed by `sampleLength` characters, each drawn from the model's
    /// prediction after the last `sequenceLength` characters.
    func generate(_ model: Model, vocabulary: CharacterVocabulary, generator: inout RandomGenerator) -> String {
        var ids = vocabulary.encode(prompt)
        if ids.isEmpty { ids = [vocabulary.id(of: "\n") ?? 0] }
        for _ in 0..<sampleLength {
            let context = Array(ids.suffix(sequenceLength))
            let logits = model.predict(Tensor(int32: context, shape: [1, context.count]), batchSize: 1)
            let last = Array(logits.scalars.suffix(vocabulary.count))
            ids.append(TokenSampling.sample(logits: last, temperature: temperature, using: &generator))
        }
        return vocabulary.decode(ids)
    }
}
