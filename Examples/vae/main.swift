// The variational autoencoder of Kingma & Welling (2014) on MNIST: a dense encoder
// 784-400 → (μ, log σ²) with a latent size of 20, the reparameterisation trick, and a
// decoder 20-400-784 with a sigmoid output. The loss is the negative ELBO: binary
// cross-entropy summed over the pixels plus the KL divergence to N(0, I), averaged
// over the batch; Adam 1e-3, batch 128.
//
// The model is written the Keras way: subclass `Model` and override the training
// step (and the test step, so `evaluate` reports the same objective).
import ArgumentParser
import ExampleSupport
import Foundation

/// Encoder, sampling layer and decoder, trained on the negative ELBO.
final class VAE: Model {
    let encoder: Sequential
    let sampling = Sampling()
    let decoder: Sequential

    init(latent: Int, hidden: Int = 400, pixels: Int = 784) {
        encoder = Sequential(name: "encoder") {
            Dense(hidden, activation: .relu)
            Branches(Dense(latent, name: "mean"), Dense(latent, name: "log_variance"))
        }
        // The last layer gives logits; `decode` applies the sigmoid, and the loss
        // uses the logits directly (a numerically stable binary cross-entropy).
        decoder = Sequential(name: "decoder") {
            Dense(hidden, activation: .relu)
            Dense(pixels)
        }
        super.init(name: "vae")
    }

    /// `(μ, log σ²)` of q(z | x), each `[batch, latent]`.
    func encode(_ x: Tensor, training: Bool = false) -> (mean: Tensor, logVariance: Tensor) {
        Sampling.split(encoder(x, training: training))
    }

    /// Pixel probabilities (the sigmoid of the decoder's logits), `[batch, 784]`.
    func decode(_ z: Tensor) -> Tensor { decoder(z).sigmoid() }

    /// Reconstructions: the decoded mean code (no sampling at inference).
    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let (mean, logVariance) = encode(input, training: training)
        let z = training ? sampling(mean: mean, logVariance: logVariance) : mean
        return decoder(z, training: training).sigmoid()
    }

    /// The negative ELBO per image, and its two parts, with one z sample per image.
    func negativeELBO(_ x: Tensor, training: Bool) -> (loss: Tensor, reconstruction: Tensor, kl: Tensor) {
        let (mean, logVariance) = encode(x, training: training)
        let z = sampling(mean: mean, logVariance: logVariance)
        let logits = decoder(z, training: training)
        let pixels = Float(x.shape[1])
        // Binary cross-entropy summed over pixels (Keras' per-sample mean × pixel count).
        let reconstruction = BinaryCrossentropy(fromLogits: true, reduction: .none)
            .perSampleLoss(yTrue: x, yPred: logits) * pixels
        let kl = KLDivergence.gaussian(mean: mean, logVariance: logVariance)
        return ((reconstruction + kl).mean(), reconstruction.mean(), kl.mean())
    }

    /// Keras' `train_step`: compute the objective, apply its gradients, log its parts.
    override func trainStep(x: Tensor, y: Tensor) -> Logs {
        let (loss, reconstruction, kl) = negativeELBO(x, training: true)
        applyGradients(of: loss)
        return Logs(tensors: ["loss": loss, "reconstruction": reconstruction, "kl": kl])
    }

    /// The same objective for `evaluate`, without gradients.
    override func testStep(x: Tensor, y: Tensor) -> Logs {
        let (loss, reconstruction, kl) = withoutGradient { negativeELBO(x, training: false) }
        return Logs(tensors: ["loss": loss, "reconstruction": reconstruction, "kl": kl])
    }
}

/// The standard normal quantile Φ⁻¹(p), by bisection on Φ (precise to float32).
func normalQuantile(_ p: Double) -> Double {
    var (low, high) = (-10.0, 10.0)
    for _ in 0..<80 {
        let middle = (low + high) / 2
        if 0.5 * (1 + erf(middle / 2.0.squareRoot())) < p { low = middle } else { high = middle }
    }
    return (low + high) / 2
}

@main
struct VAEExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae", abstract: "Train the Kingma & Welling variational autoencoder on MNIST.")

    @OptionGroup var options: ExampleOptions

    @Option(help: "Size of the latent code; with 2 the example also draws the latent manifold.")
    var latent: Int = 20

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    mutating func run() throws {
        guard latent > 0 else { throw ValidationError("--latent must be positive, got \(latent)") }
        Random.seed(options.seed)
        let epochs = options.epochs ?? 10
        let batchSize = options.batchSize ?? 128
        let directory = options.dataDirectoryURL()
        let (train, _) = try MNIST.load(split: .train, dataDirectory: directory, limit: trainLimit)
        let (testImages, _) = try MNIST.load(split: .test, dataDirectory: directory)
        let (trainX, testX) = (train.reshaped(to: [train.shape[0], 784]), testImages.reshaped(to: [testImages.shape[0], 784]))

        // The model is built on --device; fit, evaluate and decode run there.
        let device = try options.resolvedDevice()
        try withDevice(device) { try trainAndReport(trainX: trainX, testX: testX, epochs: epochs, batchSize: batchSize) }
    }

    private func trainAndReport(trainX: Tensor, testX: Tensor, epochs: Int, batchSize: Int) throws {
        let vae = VAE(latent: latent)
        vae.compile(optimizer: Adam(learningRate: 1e-3))   // no loss: trainStep computes it
        print("MNIST VAE: latent \(latent), \(trainX.shape[0]) training and \(testX.shape[0]) test images; \(epochs) epochs, batch \(batchSize), \(Parallel.threadCount) threads, device \(Device.current)")
        // TensorBoard (--tensorboard): digits decoded from the same 32 codes z ~ N(0, I), and
        // 16 test digits above their reconstructions, after every epoch.
        var codeGenerator = RandomGenerator(seed: options.seed &+ 7)
        let codes = Tensor.randomNormal([32, latent], generator: &codeGenerator)
        let watched = testX.narrowed(axis: 0, start: 0, length: 16)
        let tensorBoard = options.tensorBoard { writer, _, epoch in
            let (samples, rebuilt) = withoutGradient { (vae.decode(codes), vae.predict(watched)) }
            try writer.images("samples", samples, step: epoch, width: 28, height: 28)
            try writer.images("reconstructions", Tensor.concatenate([watched, rebuilt], axis: 0), step: epoch,
                              width: 28, height: 28, columns: 16)
        }
        let (history, seconds) = measureSeconds {
            vae.fit(x: trainX, epochs: epochs, batchSize: batchSize, callbacks: tensorBoard.map { [$0] } ?? [],
                    verbose: options.json ? 2 : 1)
        }
        // One z sample per test image, averaged over all 10,000 images.
        let test = vae.evaluate(x: testX, batchSize: 500)
        let negativeELBO = test["loss"] ?? .nan
        print(String(format: "test negative ELBO %.2f nats per image (one z sample per image), training time %.1f s (%.1f s/epoch)",
                     negativeELBO, seconds, seconds / Double(max(epochs, 1))))

        let output = try options.outputDirectoryURL()
        let samplesURL = output.appendingPathComponent("vae-samples-latent\(latent).png")
        let samples = withoutGradient { vae.decode(Tensor.randomNormal([64, latent])) }
        if options.writesFiles {
            try ImageGrid(images: samples, width: 28, height: 28, columns: 8, padding: 2, scale: 2).write(to: samplesURL)
            print("wrote \(samplesURL.path): 64 digits decoded from z ~ N(0, I)")
        }
        var manifoldPath: String?
        if latent == 2 {
            // Kingma & Welling's figure 4: z on a 20×20 grid of normal quantiles, z₂ growing upwards.
            let quantiles = (0..<20).map { Float(normalQuantile(0.025 + 0.95 * Double($0) / 19)) }
            let codes = (0..<20).flatMap { row in (0..<20).flatMap { column in [quantiles[column], quantiles[19 - row]] } }
            let digits = withoutGradient { vae.decode(Tensor(codes, shape: [400, 2])) }
            let manifoldURL = output.appendingPathComponent("vae-manifold.png")
            if options.writesFiles {
                try ImageGrid(images: digits, width: 28, height: 28, columns: 20, padding: 0, scale: 1).write(to: manifoldURL)
            }
            manifoldPath = manifoldURL.path
            print("wrote \(manifoldURL.path): the 2-D latent manifold")
        }
        if let path = options.save {
            try vae.save(to: URL(fileURLWithPath: path))
            print("saved the trained model to \(path)")
        }
        if options.json {
            var report = ExampleReport(example: "vae", epochs: epochs, seed: options.seed)
            report.set("latent", latent)
            report.set("batch_size", batchSize)
            report.set("train_seconds", seconds)
            report.set("test_neg_elbo", negativeELBO)
            report.set("train_loss", history.values["loss"]?.last ?? .nan)
            report.set("samples_png", samplesURL.path)
            if let manifoldPath { report.set("manifold_png", manifoldPath) }
            report.printJSON()
        }
    }
}
