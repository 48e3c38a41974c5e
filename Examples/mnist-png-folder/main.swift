// Training from a folder of image files instead of arrays. MNIST's 10,000 test
// digits are written out as PNG files sorted into class folders (DIR/7/0000.png,
// DIR/2/0001.png, ...: the file name is the digit's place in the IDX file), then
// the same CNN is trained twice with the same seed on the same 8,000 digits and
// tested on the other 2,000: once from the folder, decoded batch by batch by
// ImageFolder on background DataLoader workers, and once from the IDX arrays in
// memory. PNG is lossless, so both runs see the same pixels in the same order and
// reach the same accuracy.
//
//   swift run -c release mnist-png-folder            # writes runs/mnist-test-png once
//   synapse train Examples/configs/mnist-png-folder.yaml   # the folder from a config
import ArgumentParser
import Foundation
import ExampleSupport

@main
struct MNISTPNGFolder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnist-png-folder",
        abstract: "Write MNIST's test set as PNG class folders, train from them and from the arrays, and compare.")

    @OptionGroup var options: ExampleOptions

    @Option(help: "The image folder to write (kept and reused when complete).")
    var folder = "runs/mnist-test-png"

    @Option(help: "Background threads decoding the folder's batches.")
    var workers = 2

    @Option(help: "Use only the first N test digits (quick runs).")
    var limit: Int?

    mutating func run() throws {
        let epochs = options.epochs ?? 3
        let batchSize = options.batchSize ?? 64
        let (images, labels) = try MNIST.load(split: .test, dataDirectory: options.dataDirectoryURL(), limit: limit)
        let count = images.shape[0]
        let root = URL(fileURLWithPath: folder)
        if (try? ImageFolder(root, size: (28, 28), colorMode: .grayscale, verifyFiles: false).count) != count {
            try? FileManager.default.removeItem(at: root)
            let (written, seconds) = try measureSeconds { try ImageFolder.write(images, labels: labels, to: root) }
            print(String(format: "wrote %d PNG files to %@ in %.1f s", written, root.path, seconds))
        }
        let digits = try ImageFolder(root, size: (28, 28), colorMode: .grayscale)
        print("\(root.path): \(digits.count) images in \(digits.classNames.count) classes \(digits.classNames)")

        // The folder lists files class by class; each file's name is its digit's place in the arrays.
        var position = [Int](repeating: -1, count: count)
        for (index, path) in digits.paths.enumerated() {
            guard let sample = Int(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent),
                  sample < count else { throw ValidationError("\(path): not a file this example wrote; remove \(root.path)") }
            position[sample] = index
        }
        let (trainSamples, testSamples) = trainTestSplitIndices(count: count, testFraction: 0.2, seed: options.seed)
        let fromFolder = (train: DatasetSubset(digits, indices: trainSamples.map { position[$0] }),
                          test: DatasetSubset(digits, indices: testSamples.map { position[$0] }))
        // The arrays as the folder holds them: pixel values 0...255.
        let pixels = TensorDataset(x: Tensor(images.scalars.map { ($0 * 255).rounded() }, shape: images.shape), y: labels)
        let fromArrays = (train: DatasetSubset(pixels, indices: trainSamples), test: DatasetSubset(pixels, indices: testSamples))

        print("training on \(trainSamples.count) digits, testing on \(testSamples.count); \(epochs) epochs, batch \(batchSize)")
        var accuracies: [String: Float] = [:]
        for (name, train, test, workers) in [("image folder", fromFolder.train as any Dataset, fromFolder.test as any Dataset, workers),
                                             ("arrays", fromArrays.train, fromArrays.test, 0)] {
            Random.seed(options.seed)
            let model = Self.model()
            try model.compile(optimizer: Adam(), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
            let loader = DataLoader(train, batchSize: batchSize, shuffle: true, seed: options.seed, workers: workers)
            let callbacks = options.tensorBoardCallbacks(subfolder: name.replacingOccurrences(of: " ", with: "-"))
            let (_, seconds) = measureSeconds { model.fit(loader, epochs: epochs, callbacks: callbacks, verbose: options.json ? 0 : 1) }
            let result = model.evaluate(DataLoader(test, batchSize: 256, workers: workers))
            accuracies[name] = result["accuracy"] ?? .nan
            print(String(format: "%@: test accuracy %.4f, test loss %.4f, %.1f s per epoch", name,
                         result["accuracy"] ?? .nan, result["loss"] ?? .nan, seconds / Double(epochs)))
        }
        let same = accuracies["image folder"] == accuracies["arrays"]
        print(same ? "the same accuracy from the folder as from the arrays"
                   : "the accuracies differ: the folder's pixels or order differ from the arrays'")
        if options.json {
            var report = ExampleReport(example: "mnist-png-folder", epochs: epochs, seed: options.seed)
            report.set("folder_accuracy", accuracies["image folder"] ?? .nan)
            report.set("array_accuracy", accuracies["arrays"] ?? .nan)
            report.printJSON()
        }
        if !same { throw ExitCode.failure }
    }

    /// The CNN of Examples/configs/mnist-cnn.yaml, taking pixel values 0...255.
    static func model() -> Sequential {
        Sequential(name: "mnist_png_folder") {
            Input(shape: [28, 28, 1])
            Rescaling(scale: 1.0 / 255)
            Conv2D(32, kernelSize: 3, activation: .relu)
            MaxPooling2D(2)
            Conv2D(64, kernelSize: 3, activation: .relu)
            MaxPooling2D(2)
            Flatten()
            Dropout(0.5)
            Dense(10, activation: .softmax)
        }
    }
}
