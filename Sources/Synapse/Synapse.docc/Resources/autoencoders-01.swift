import Synapse

Random.seed(42)
// Digits as rows of 784 pixels in [0, 1]; no labels are needed.
let (images, _) = try MNIST.load(split: .train, limit: 6000)
let (testImages, _) = try MNIST.load(split: .test, limit: 1000)
let x = images.reshaped(to: [6000, 784])
let testX = testImages.reshaped(to: [1000, 784])
