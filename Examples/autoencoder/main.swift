// Autoencoders on MNIST: a dense 784-128-32-128-784 one (--kind dense, the default)
// and a convolutional one with Conv2D / Conv2DTranspose (--kind conv). Both learn to
// reproduce their input through a narrow code, with the input as the target.
// Reports the per-pixel test MSE on [0, 1] images and writes a PNG grid with test
// originals above their reconstructions.
import ArgumentParser
import ExampleSupport
import Foundation

/// The two architectures.
enum AutoencoderKind: String, ExpressibleByArgument, CaseIterable {
    case dense
    case conv
}

@main
struct AutoencoderExample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder", abstract: "Train a dense or convolutional autoencoder on MNIST.")

    @OptionGroup var options: ExampleOptions

    @Option(help: "dense (784-128-32-128-784) or conv (Conv2D encoder, Conv2DTranspose decoder).")
    var kind: AutoencoderKind = .dense

    @Option(name: .customLong("train-limit"), help: "Train on the first N training images only.")
    var trainLimit: Int?

    /// Tiles per row of the PNG: this many originals above their reconstructions.
    static let shownDigits = 10

    mutating func run() throws {
        Random.seed(options.seed)
        // The convolutional model costs several times more per image, hence fewer default epochs.
        let epochs = options.epochs ?? (kind == .dense ? 10 : 5)
        let batchSize = options.batchSize ?? 128
        let directory = options.dataDirectoryURL()
        var (trainX, _) = try MNIST.load(split: .train, dataDirectory: directory, limit: trainLimit)
        var (testX, _) = try MNIST.load(split: .test, dataDirectory: directory)
        let model: Sequential
        switch kind {
        case .dense:
            (trainX, testX) = (trainX.reshaped(to: [trainX.shape[0], 784]), testX.reshaped(to: [testX.shape[0], 784]))
            model = Sequential(name: "dense_autoencoder") {
                Input(shape: [784])
                Dense(128, activation: .relu)
                Dense(32, activation: .relu, name: "code")
                Dense(128, activation: .relu)
                Dense(784, activation: .sigmoid)
            }
        case .conv:
            model = Sequential(name: "conv_autoencoder") {
                Input(shape: [28, 28, 1])
                Conv2D(16, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu)        // 14×14×16
                Conv2D(8, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu, name: "code") // 7×7×8
                Conv2DTranspose(8, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu)   // 14×14×8
                Conv2DTranspose(16, kernelSize: (3, 3), strides: (2, 2), padding: .same, activation: .relu)  // 28×28×16
                Conv2D(1, kernelSize: (3, 3), padding: .same, activation: .sigmoid)                          // 28×28×1
            }
        }
        // The mean squared error per pixel is both the objective and the reported metric.
        try model.compile(optimizer: Adam(learningRate: 1e-3), loss: "mse")
        print("MNIST autoencoder (\(kind.rawValue)): \(trainX.shape[0]) training and \(testX.shape[0]) test images; \(epochs) epochs, batch \(batchSize), \(Parallel.threadCount) threads")
        model.summary()
        // TensorBoard (--tensorboard): the same test digits (top row) and their reconstructions after every epoch.
        let watched = testX.narrowed(axis: 0, start: 0, length: Self.shownDigits).reshaped(to: [Self.shownDigits, 28, 28, 1])
        let tensorBoard = options.tensorBoard { writer, model, epoch in
            let rebuilt = model.predict(watched.reshaped(to: [Self.shownDigits] + Array(trainX.shape.dropFirst())))
            let pair = Tensor.concatenate([watched, rebuilt.reshaped(to: [Self.shownDigits, 28, 28, 1])], axis: 0)
            try writer.images("reconstructions", pair, step: epoch, columns: Self.shownDigits)
        }
        // The target of an autoencoder is its input: fit(x:) passes each batch as both.
        let (history, seconds) = measureSeconds {
            model.fit(x: trainX, epochs: epochs, batchSize: batchSize, callbacks: tensorBoard.map { [$0] } ?? [],
                      verbose: options.json ? 2 : 1)
        }
        let testMSE = model.evaluate(x: testX, batchSize: 500)["loss"] ?? .nan
        print(String(format: "test MSE per pixel %.5f, training time %.1f s (%.1f s/epoch)",
                     testMSE, seconds, seconds / Double(max(epochs, 1))))

        let shown = testX.narrowed(axis: 0, start: 0, length: Self.shownDigits)
        let reconstructions = model.predict(shown)
        let tiles = Tensor.concatenate([shown.reshaped(to: [Self.shownDigits, 28, 28, 1]),
                                        reconstructions.reshaped(to: [Self.shownDigits, 28, 28, 1])], axis: 0)
        let grid = try ImageGrid(images: tiles, columns: Self.shownDigits, padding: 2, scale: 2)
        let pngURL = try options.outputDirectoryURL().appendingPathComponent("autoencoder-\(kind.rawValue).png")
        if options.writesFiles {
            try grid.write(to: pngURL)
            print("wrote \(pngURL.path): test digits (top) and their reconstructions (bottom)")
        }
        if let path = options.save {
            try model.save(to: URL(fileURLWithPath: path))
            print("saved the trained model to \(path)")
        }
        if options.json {
            var report = ExampleReport(example: "autoencoder", epochs: epochs, seed: options.seed)
            report.set("kind", kind.rawValue)
            report.set("batch_size", batchSize)
            report.set("train_seconds", seconds)
            report.set("test_mse", testMSE)
            report.set("train_loss", history.values["loss"]?.last ?? .nan)
            report.set("png", pngURL.path)
            report.printJSON()
        }
    }
}
