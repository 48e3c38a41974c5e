import Synapse

Random.seed(42)
// Raw reviews and labels (0 negative, 1 positive); a seeded subset.
let train = try IMDB.load(split: .train).shuffled(seed: 11).prefix(2000)
let test = try IMDB.load(split: .test).shuffled(seed: 12).prefix(1000)
print(train.texts[0].prefix(120), "→", train.labels[0])

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
