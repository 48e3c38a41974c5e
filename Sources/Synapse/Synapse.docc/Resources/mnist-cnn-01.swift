import Synapse

Random.seed(42)
// Images [N, 28, 28, 1] in [0, 1] (height, width, channels: NHWC, as
// Keras) and labels [N], the digits 0 to 9 as int32.
let (images, labels) = try MNIST.load(split: .train, limit: 6000)
let (testImages, testLabels) = try MNIST.load(split: .test, limit: 2000)
print(images.shape, labels.shape, labels[0..<10].intScalars)
