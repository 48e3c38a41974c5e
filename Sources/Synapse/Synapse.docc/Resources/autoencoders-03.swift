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

// A VAE's encoder gives a distribution (mean and log-variance) for each
// code; training samples a code from it and asks the decoder to rebuild
// the image, while a KL term keeps the codes close to N(0, I).
final class VAE: Model {
    let encoder = Sequential {
        Dense(256, activation: .relu)
        Branches(Dense(8, name: "mean"), Dense(8, name: "log_variance"))
    }
    let sampling = Sampling()
    let decoder = Sequential {
        Dense(256, activation: .relu)
        Dense(784)                                 // logits of the pixels
    }

    func decode(_ code: Tensor) -> Tensor { decoder(code).sigmoid() }

    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let (mean, _) = Sampling.split(encoder(input))
        return decode(mean)
    }

    // The loss: reconstruction error plus KL divergence (the negative
    // evidence lower bound), in nats per image.
    func loss(_ input: Tensor) -> Tensor {
        let (mean, logVariance) =
            Sampling.split(encoder(input, training: true))
        let code = sampling(mean: mean, logVariance: logVariance)
        let logits = decoder(code, training: true)
        let pixelLoss = BinaryCrossentropy(fromLogits: true,
                                           reduction: .none)
        let reconstruction = pixelLoss.perSampleLoss(
            yTrue: input, yPred: logits) * 784
        let kl = KLDivergence.gaussian(mean: mean,
                                       logVariance: logVariance)
        return (reconstruction + kl).mean()
    }

    override func trainStep(x: Tensor, y: Tensor) -> Logs {
        let loss = loss(x)
        applyGradients(of: loss)
        return Logs(tensors: ["loss": loss])
    }
}
