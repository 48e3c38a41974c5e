import Synapse

Random.seed(42)
// 768 patients: features [768, 8] and labels [768, 1] (1 = diabetes
// within five years).
let (features, labels) = try PimaDiabetes.load()

// Hold out a fifth of the rows for the final test; learn the scaling
// from the rest: each column gets mean 0 and deviation 1.
let split = trainTestSplit(features, labels, testFraction: 0.2, seed: 42)
var scaler = StandardScaler()
scaler.fit(split.xTrain)
let xTrain = scaler.transform(split.xTrain)
let xTest = scaler.transform(split.xTest)

// Two hidden layers of ReLU neurons, a sigmoid neuron for the
// probability.
let model = Sequential(name: "pima") {
    Input(shape: [8])
    Dense(12, activation: .relu)
    Dense(8, activation: .relu)
    Dense(1, activation: .sigmoid)
}
try model.compile(optimizer: Adam(), loss: "binary_crossentropy",
                  metrics: ["binary_accuracy"])
model.summary()

// 100 passes over the training rows, 10 rows per step; a tenth is kept
// aside to watch for overfitting.
let history = model.fit(x: xTrain, y: split.yTrain, epochs: 100,
                        batchSize: 10, validationSplit: 0.1, verbose: 0)
print("validation accuracy",
      history.values["val_binary_accuracy"]!.last!)

// Accuracy on rows the network never saw, then the probability of
// diabetes for the first five of them.
let test = model.evaluate(x: xTest, y: split.yTest)
print("test accuracy", test["binary_accuracy"]!)
print(model.predict(xTest[0..<5]).scalars)
