import Foundation

/// Which part of a data set to load.
public enum DataSplit: String, Sendable, CaseIterable {
    /// The training part.
    case train
    /// The test part.
    case test
}

/// An image-classification data set in MNIST's four IDX files
/// (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-…`).
public struct IDXImageDataSet: Sendable {
    /// Readable name for error messages.
    public let name: String
    /// Folder under the data directory.
    public let folder: String
    /// Class names, index = label.
    public let classNames: [String]

    /// Loads one split.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - dataDirectory: the folder holding `<folder>/`; the repository's `Data/` by default.
    ///   - limit: load only the first `limit` samples (quick tests).
    /// - Returns: images `[N, 28, 28, 1]` float32 scaled to [0, 1] (NHWC, as Keras)
    ///   and labels `[N]` int32.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` or ``IDXError`` naming the file.
    public func load(split: DataSplit, dataDirectory: URL = DataDirectory.default,
                     limit: Int? = nil) throws -> (images: Tensor, labels: Tensor) {
        let prefix = split == .train ? "train" : "t10k"
        let folderURL = dataDirectory.appendingPathComponent(folder, isDirectory: true)
        let imagesURL = folderURL.appendingPathComponent("\(prefix)-images-idx3-ubyte.gz")
        let labelsURL = folderURL.appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz")
        for url in [imagesURL, labelsURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw DataSetError.missingFile(dataSet: name, path: url.path)
        }
        let images = try IDXFile(contentsOf: imagesURL)
        let labels = try IDXFile(contentsOf: labelsURL)
        guard images.dimensions.count == 3 else {
            throw IDXError.unexpectedDimensions(path: imagesURL.path, expected: "[count, rows, columns]", found: images.dimensions)
        }
        guard labels.dimensions.count == 1, labels.dimensions[0] == images.dimensions[0] else {
            throw IDXError.unexpectedDimensions(path: labelsURL.path, expected: "[\(images.dimensions[0])] labels, one per image",
                                                found: labels.dimensions)
        }
        if let invalid = labels.bytes.first(where: { Int($0) >= classNames.count }) {
            throw IDXError.badHeader(path: labelsURL.path, reason: "label \(invalid) is not one of the \(classNames.count) classes")
        }
        let count = Swift.min(images.dimensions[0], Swift.max(0, limit ?? Int.max))
        let (rows, columns) = (images.dimensions[1], images.dimensions[2])
        let pixels = count * rows * columns
        var imageTensor = Tensor.zeros([count, rows, columns, 1], device: .cpu)
        imageTensor.withUnsafeMutablePointer(as: Float.self) { output in
            images.bytes.withUnsafeBufferPointer { input in
                for index in 0..<pixels { output[index] = Float(input[index]) * (1 / 255) }
            }
        }
        let labelTensor = Tensor(int32: labels.bytes.prefix(count).map { Int32($0) }, device: .cpu)
        return (imageTensor, labelTensor)
    }
}

/// The MNIST handwritten digits (LeCun, Cortes & Burges; CC BY-SA 3.0), bundled in
/// `Data/mnist`.
///
/// ```swift
/// let (x, y) = try MNIST.load(split: .train)   // [60000, 28, 28, 1], [60000]
/// ```
public enum MNIST {
    /// The data set description.
    public static let dataSet = IDXImageDataSet(name: "MNIST", folder: "mnist",
                                                classNames: (0...9).map(String.init))

    /// Loads a split; see ``IDXImageDataSet/load(split:dataDirectory:limit:)``.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - dataDirectory: the folder holding `mnist/`; default `DataDirectory.default`.
    ///   - limit: load only the first `limit` samples; `nil` (default) loads all.
    /// - Returns: images `[N, 28, 28, 1]` float32 scaled to [0, 1] and labels `[N]` int32.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` or ``IDXError`` naming the file.
    public static func load(split: DataSplit, dataDirectory: URL = DataDirectory.default,
                            limit: Int? = nil) throws -> (images: Tensor, labels: Tensor) {
        try dataSet.load(split: split, dataDirectory: dataDirectory, limit: limit)
    }
}

/// Fashion-MNIST (Zalando; MIT), ten kinds of clothing in MNIST's format, bundled in
/// `Data/fashion-mnist`.
public enum FashionMNIST {
    /// The data set description.
    public static let dataSet = IDXImageDataSet(
        name: "Fashion-MNIST", folder: "fashion-mnist",
        classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                     "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])

    /// Loads a split; see ``IDXImageDataSet/load(split:dataDirectory:limit:)``.
    ///
    /// - Parameters:
    ///   - split: `.train` (60,000 images) or `.test` (10,000).
    ///   - dataDirectory: the folder holding `fashion-mnist/`; default `DataDirectory.default`.
    ///   - limit: load only the first `limit` samples; `nil` (default) loads all.
    /// - Returns: images `[N, 28, 28, 1]` float32 scaled to [0, 1] and labels `[N]` int32.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)`` or ``IDXError`` naming the file.
    public static func load(split: DataSplit, dataDirectory: URL = DataDirectory.default,
                            limit: Int? = nil) throws -> (images: Tensor, labels: Tensor) {
        try dataSet.load(split: split, dataDirectory: dataDirectory, limit: limit)
    }
}
