import Synapse

Random.seed(42)
// Digits as rows of 784 pixels in [0, 1]; no labels are needed.
let (images, _) = try MNIST.load(split: .train, limit: 6000)
let (testImages, _) = try MNIST.load(split: .test, limit: 1000)
let x = images.reshaped(to: [6000, 784])
let testX = testImages.reshaped(to: [1000, 784])

// The encoder squeezes 784 pixels into 32 numbers, the decoder rebuilds
// the image from them; the target is the input itself.
let autoencoder = Sequential(name: "autoencoder") {
    Input(shape: [784])
    Dense(128, activation: .relu)
    Dense(32, activation: .relu, name: "code")
    Dense(128, activation: .relu)
    Dense(784, activation: .sigmoid)
}
try autoencoder.compile(optimizer: Adam(), loss: "mse")
autoencoder.fit(x: x, epochs: 5, batchSize: 128)   // fit(x:): y is x
let error = autoencoder.evaluate(x: testX)["loss"]!
print("mean squared error per pixel", error)
