//! Sentiment of movie reviews: raw text to word ids, an embedding, an
//! LSTM reading the review word by word, and a verdict.

// snippet.data
import Synapse

Random.seed(42)
// Raw reviews and labels (0 negative, 1 positive); a seeded subset.
let train = try IMDB.load(split: .train).shuffled(seed: 11).prefix(2000)
let test = try IMDB.load(split: .test).shuffled(seed: 12).prefix(1000)
print(train.texts[0].prefix(120), "→", train.labels[0])
// snippet.end

// snippet.tokenize
// Keep the 2,000 most frequent words of the training reviews; each
// review becomes the ids of its words (0 pads, 1 marks unknown words).
var tokenizer = Tokenizer(numWords: 2000)
tokenizer.fit(train.texts)
let maxlen = 80
// [2000, 80] int32 ids (the last 80 words; short reviews are padded at
// the start) and [2000] labels.
let trainData = LabeledSequences(
    sequences: tokenizer.encode(train.texts), labels: train.labels
).dataset(maxlen: maxlen)
let testData = LabeledSequences(
    sequences: tokenizer.encode(test.texts), labels: test.labels
).dataset(maxlen: maxlen)
// snippet.end

// snippet.model
// Each id becomes a learned 32-number vector; the LSTM reads them in
// order and keeps 16 numbers of memory; softmax gives the two classes.
let model = Sequential(name: "imdb_lstm") {
    Input(shape: [maxlen], dtype: .int32)
    Embedding(inputDim: 2000, outputDim: 32)
    LSTM(16)
    Dense(2, activation: .softmax)
}
try model.compile(optimizer: Adam(learningRate: 5e-3),
                  loss: "sparse_categorical_crossentropy",
                  metrics: ["accuracy"])
// snippet.end

// snippet.train
// Three passes; a model that learned nothing would score 0.5.
model.fit(x: trainData.x, y: trainData.y, epochs: 3, batchSize: 32)
let accuracy = model.evaluate(x: testData.x, y: testData.y)["accuracy"]!
print("test accuracy", accuracy)
// snippet.end

// snippet.hide
check(accuracy > 0.68, "test accuracy \(accuracy)")

/// Stops the snippet with a message when a result is not what the page says
/// (`make doc-snippets` runs every snippet).
@MainActor func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError("\(#fileID): \(message())") }
}
