import Synapse

Random.seed(42)
// Raw reviews and labels (0 negative, 1 positive); a seeded subset.
let train = try IMDB.load(split: .train).shuffled(seed: 11).prefix(2000)
let test = try IMDB.load(split: .test).shuffled(seed: 12).prefix(1000)
print(train.texts[0].prefix(120), "→", train.labels[0])
