import Foundation

/// The shared body of the image-classification examples: load a split of an IDX
/// data set, train a compiled model with the progress bar, evaluate on the test
/// split, report, and save.
public struct ImageClassificationRun {
    public let example: String
    public let dataSet: IDXImageDataSet
    public let options: ExampleOptions
    public let defaultEpochs: Int
    public let defaultBatchSize: Int

    public init(example: String, dataSet: IDXImageDataSet, options: ExampleOptions, defaultEpochs: Int, defaultBatchSize: Int) {
        (self.example, self.dataSet, self.options) = (example, dataSet, options)
        (self.defaultEpochs, self.defaultBatchSize) = (defaultEpochs, defaultBatchSize)
    }

    /// The number of epochs: `--epochs`, else the example's default.
    public var epochs: Int { options.epochs ?? defaultEpochs }

    /// Samples per gradient step: `--batch-size`, else the example's default.
    public var batchSize: Int { options.batchSize ?? defaultBatchSize }

    /// Trains `model` and prints test accuracy, loss and time.
    ///
    /// - Parameters:
    ///   - flatten: feed `[N, 784]` instead of `[N, 28, 28, 1]` (dense models).
    ///   - trainLimit: use only the first samples of the training split (quick runs).
    ///   - standardize: shift and scale all pixels by the training split's mean and
    ///     standard deviation (one pair for the whole image, as MNIST's usual 0.1307/0.3081).
    ///   - privacy: train with DP-SGD under these settings (``Model/privacy``).
    ///   - augmentation: random transformations of every training batch (``AugmentedImages``;
    ///     the images stay on the CPU and each batch moves to the device as it is drawn).
    ///     Empty (the default): the images as they are.
    ///   - compile: compiles `model` once the training images are loaded, given the
    ///     number of gradient steps per epoch (for a learning-rate schedule that
    ///     follows the whole run); `nil` (the default): `model` comes compiled.
    public func run(_ model: Model, flatten: Bool = false, trainLimit: Int? = nil, standardize: Bool = false,
                    privacy: DifferentialPrivacy? = nil, augmentation: [any ImageAugmentation] = [],
                    compile: ((_ stepsPerEpoch: Int) throws -> Void)? = nil) throws {
        if let privacy {
            try privacy.validate(for: model)
            model.privacy = privacy
        }
        precondition(augmentation.isEmpty || !flatten, "ImageClassificationRun: augmentation needs images, not flattened rows")
        var (trainX, trainY) = try dataSet.load(split: .train, dataDirectory: options.dataDirectoryURL(), limit: trainLimit)
        if let compile { try compile((trainX.shape[0] + batchSize - 1) / batchSize) }
        var (testX, testY) = try dataSet.load(split: .test, dataDirectory: options.dataDirectoryURL())
        if standardize {
            // Before flattening: the images' one channel gives one mean and deviation for all pixels.
            var normalization = PerChannelNormalization()
            normalization.adapt(trainX)
            (trainX, testX) = (normalization(trainX), normalization(testX))
            print(String(format: "standardised pixels with the training mean %.4f and standard deviation %.4f",
                         normalization.mean![0], normalization.variance![0].squareRoot()))
        }
        if flatten {
            trainX = trainX.reshaped(to: [trainX.shape[0], -1])
            testX = testX.reshaped(to: [testX.shape[0], -1])
        }
        let device = try options.resolvedDevice()
        if augmentation.isEmpty { (trainX, trainY) = (trainX.to(device), trainY.to(device)) }
        (testX, testY) = (testX.to(device), testY.to(device))
        print("\(dataSet.name): \(trainX.shape[0]) training and \(testX.shape[0]) test images; \(epochs) epochs, batch \(batchSize), \(Parallel.threadCount) threads, device \(device)")
        try withDevice(device) { try train(model, trainX: trainX, trainY: trainY, testX: testX, testY: testY,
                                           augmentation: augmentation) }
    }

    private func train(_ model: Model, trainX: Tensor, trainY: Tensor, testX: Tensor, testY: Tensor,
                       augmentation: [any ImageAugmentation]) throws {
        model.summary()
        // One loader for the whole run: it reshuffles and draws new augmentations every epoch from
        // seeds taken here, before --resume restores the generator, so a resumed run sees the same batches.
        let augmented = augmentation.isEmpty ? nil
            : DataLoader(AugmentedImages(TensorDataset(x: trainX, y: trainY), augmentations: augmentation),
                         batchSize: batchSize, shuffle: true)
        // TensorBoard: a grid of the first training images once, as the images dashboard's first picture.
        let shown = trainX.narrowed(axis: 0, start: 0, length: min(32, trainX.shape[0]))
        var wroteInputs = false
        let (initialEpoch, callbacks) = try options.resumeAndCallbacks(model) { writer, _, epoch in
            guard !wroteInputs else { return }
            wroteInputs = true
            try writer.images("inputs", shown, step: epoch, width: 28, height: 28)
        }
        let verbose = options.json ? 2 : 1
        let (history, seconds) = measureSeconds {
            if let augmented {
                model.fit(augmented, epochs: epochs, callbacks: callbacks, verbose: verbose, initialEpoch: initialEpoch)
            } else {
                model.fit(x: trainX, y: trainY, epochs: epochs, batchSize: batchSize, callbacks: callbacks,
                          verbose: verbose, initialEpoch: initialEpoch)
            }
        }
        let test = model.evaluate(x: testX, y: testY, batchSize: 256)
        let accuracy = test["accuracy"] ?? test.first { $0.key.contains("accuracy") }?.value ?? .nan
        print(String(format: "test accuracy %.4f, test loss %.4f, training time %.1f s (%.1f s/epoch)",
                     accuracy, test["loss"] ?? .nan, seconds, seconds / Double(max(epochs, 1))))
        if let guarantee = model.privacyGuarantee { print("differential privacy: \(guarantee)") }
        if let path = options.save {
            try model.save(to: URL(fileURLWithPath: path))
            print("saved the trained model to \(path)")
        }
        if options.json {
            var report = ExampleReport(example: example, epochs: epochs, seed: options.seed)
            report.set("batch_size", batchSize)
            report.set("train_seconds", seconds)
            report.set("test_accuracy", accuracy)
            report.set("test_loss", test["loss"] ?? .nan)
            report.set("train_loss", history.values["loss"]?.last ?? .nan)
            if let guarantee = model.privacyGuarantee {
                report.set("epsilon", guarantee.epsilon)
                report.set("delta", guarantee.delta)
                report.set("noise_multiplier", guarantee.noiseMultiplier)
                report.set("clip_norm", guarantee.clipNorm)
            }
            report.printJSON()
        }
    }
}
