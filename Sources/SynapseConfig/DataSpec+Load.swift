import Foundation

/// How labels are returned: class indices or target values.
public enum LabelKind: String, Codable, Sendable {
    /// int32 class indices `[N]` (sparse and one-hot classification).
    case classes
    /// float32 targets `[N, 1]` (binary cross-entropy, regression).
    case values
}

/// The samples a ``DataSpec`` names, split into training and test parts.
public struct LoadedData {
    /// Training inputs `[N, ...]` float32.
    public var xTrain: Tensor
    /// Training labels (see ``LabelKind``).
    public var yTrain: Tensor
    /// Test inputs, when the source has a test part.
    public var xTest: Tensor?
    /// Test labels, when the source has a test part.
    public var yTest: Tensor?
    /// The feature names of a CSV source (or Pima's), in input order.
    public var featureNames: [String]?
    /// The label column's name (or index as text) of a CSV source.
    public var labelName: String?
    /// Class names of an image data set, index = label.
    public var classNames: [String]?
}

extension DataSpec {
    /// Loads the samples.
    ///
    /// - Parameters:
    ///   - labels: how to return labels.
    ///   - dataDirectory: where bundled data sets live (`DataDirectory.default`: the repository's `Data/` or
    ///     an installation's `share/synapse`).
    /// - Returns: the training part and, when the source has one or `test_split` holds samples out, the test part.
    /// - Throws: the loaders' errors (`CSVError`, `IDXError`,
    ///   `DataSetError`), which name the file.
    public func load(labels: LabelKind, dataDirectory: URL = DataDirectory.default) throws -> LoadedData {
        var data: LoadedData
        switch source {
        case .bundled(let name) where name == "pima":
            let table = try PimaDiabetes.table(dataDirectory: dataDirectory)
            data = try split(table: table, label: .index(-1), features: nil, labels: labels)
            data.featureNames = PimaDiabetes.featureNames
            data.labelName = PimaDiabetes.labelName
        case .bundled(let name):
            let dataSet = name == "mnist" ? MNIST.dataSet : FashionMNIST.dataSet
            let train = try dataSet.load(split: .train, dataDirectory: dataDirectory, limit: limit)
            let test = try dataSet.load(split: .test, dataDirectory: dataDirectory, limit: testLimit)
            data = LoadedData(xTrain: train.images, yTrain: Self.labels(train.labels, labels), xTest: test.images,
                              yTest: Self.labels(test.labels, labels), classNames: dataSet.classNames)
        case .csv(let path, let label, let header, let delimiter, let features):
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: path), hasHeader: header, delimiter: Character(delimiter))
            let column: CSVColumn = Int(label).map(CSVColumn.index) ?? .name(label)
            data = try split(table: table, label: column, features: features?.map(CSVColumn.name), labels: labels)
            let labelIndex = try table.columnIndex(column)
            if let names = table.header {
                data.featureNames = features ?? (0..<table.columnCount).filter { $0 != labelIndex }.map { names[$0] }
                data.labelName = names[labelIndex]
            }
        case .idx(let images, let labelsPath, let testImages, let testLabels):
            let train = try Self.loadIDX(images: images, labels: labelsPath, limit: nil)
            if let testImages, let testLabels {
                let test = try Self.loadIDX(images: testImages, labels: testLabels, limit: testLimit)
                data = LoadedData(xTrain: Self.first(train.x, limit), yTrain: Self.labels(Self.first(train.y, limit), labels),
                                  xTest: test.x, yTest: Self.labels(test.y, labels))
            } else {
                data = splitTensors(train.x, Self.labels(train.y, labels))
            }
        case .npz(let path):
            data = try loadArchive(URL(fileURLWithPath: path), labels: labels)
        case .imageFolder(let path, let testPath, let height, let width, let grayscale):
            func load(_ path: String) throws -> (x: Tensor, y: Tensor, classNames: [String]) {
                let folder = try ImageFolder(URL(fileURLWithPath: path), size: (height, width),
                                             colorMode: grayscale ? .grayscale : .rgb)
                let all = folder.batch(in: 0..<folder.count)
                // Scaled to [0, 1], as the IDX images of this format are.
                return (all.x / 255, Self.labels(all.y, labels), folder.classNames)
            }
            let train = try load(path)
            if let testPath {
                let test = try load(testPath)
                guard test.classNames == train.classNames else {
                    throw DataSetError.mismatchedClasses(path: testPath, expected: train.classNames, found: test.classNames)
                }
                data = LoadedData(xTrain: Self.first(train.x, limit), yTrain: Self.first(train.y, limit),
                                  xTest: Self.first(test.x, testLimit), yTest: Self.first(test.y, testLimit))
            } else {
                data = splitTensors(train.x, train.y)
            }
            data.classNames = train.classNames
        }
        return data
    }

    /// `x` and `y` of a NumPy archive (and `x_test`, `y_test` when both are there):
    /// inputs as float32, labels as ``LabelKind`` asks.
    private func loadArchive(_ url: URL, labels: LabelKind) throws -> LoadedData {
        let arrays = try NumPy.loadArchive(url)
        func array(_ name: String) throws -> Tensor {
            guard let tensor = arrays[name] else {
                throw NumPyError(path: url.path, "the archive has no array '\(name)' (it has \(arrays.keys.sorted().joined(separator: ", "))); save it with np.savez(path, x=..., y=...)")
            }
            return tensor
        }
        func labelTensor(_ tensor: Tensor, _ name: String) throws -> Tensor {
            guard tensor.rank == 1 || (tensor.rank == 2 && tensor.shape[1] == 1) else {
                throw NumPyError(path: url.path, "'\(name)' must hold one label per sample, [N] or [N, 1], not \(Shape.describe(tensor.shape))")
            }
            let flat = tensor.reshaped(to: [tensor.shape[0]])
            return labels == .classes ? flat.to(.int32) : flat.to(.float32).reshaped(to: [tensor.shape[0], 1])
        }
        func pair(_ xName: String, _ yName: String) throws -> (x: Tensor, y: Tensor) {
            let (x, y) = (try array(xName).to(.float32), try labelTensor(try array(yName), yName))
            guard x.rank >= 1, x.shape[0] == y.shape[0] else {
                throw NumPyError(path: url.path, "'\(xName)' has \(x.rank == 0 ? 0 : x.shape[0]) samples but '\(yName)' has \(y.shape[0])")
            }
            return (x, y)
        }
        let train = try pair("x", "y")
        guard arrays["x_test"] != nil || arrays["y_test"] != nil else { return splitTensors(train.x, train.y) }
        let test = try pair("x_test", "y_test")
        return LoadedData(xTrain: Self.first(train.x, limit), yTrain: Self.first(train.y, limit),
                          xTest: Self.first(test.x, testLimit), yTest: Self.first(test.y, testLimit))
    }

    /// Reads an IDX image file (`[N, rows, columns]` or `[N, features]`, bytes scaled
    /// to [0, 1]; images get a channel axis, NHWC) and an IDX label file `[N]`.
    ///
    /// - Parameters:
    ///   - images: the path of the IDX image file.
    ///   - labels: the path of the IDX label file (one byte per image); `nil` returns all-zero labels.
    ///   - limit: the most samples to keep (the first ones); `nil` keeps all.
    /// - Returns: `x`, float32 `[N, rows, columns, 1]` or `[N, features]`, and `y`, int32 class indices `[N]`.
    /// - Throws: `IDXError` when a file cannot be read, is not IDX, or has unexpected dimensions.
    public static func loadIDX(images: String, labels: String?, limit: Int?) throws -> (x: Tensor, y: Tensor) {
        let imageFile = try IDXFile(contentsOf: URL(fileURLWithPath: images))
        let dims = imageFile.dimensions
        guard dims.count == 2 || dims.count == 3, dims[0] > 0 else {
            throw IDXError.unexpectedDimensions(path: images, expected: "[count, rows, columns] or [count, features]", found: dims)
        }
        let count = Swift.min(dims[0], limit ?? Int.max)
        let perSample = dims.dropFirst().reduce(1, *)
        let shape = dims.count == 3 ? [count, dims[1], dims[2], 1] : [count, dims[1]]
        let x = Tensor(imageFile.bytes.prefix(count * perSample).map { Float($0) / 255 }, shape: shape)
        guard let labels else { return (x, Tensor(int32: [Int32](repeating: 0, count: count))) }
        let labelFile = try IDXFile(contentsOf: URL(fileURLWithPath: labels))
        guard labelFile.dimensions == [dims[0]] else {
            throw IDXError.unexpectedDimensions(path: labels, expected: "[\(dims[0])] labels, one per image", found: labelFile.dimensions)
        }
        return (x, Tensor(int32: labelFile.bytes.prefix(count).map { Int32($0) }))
    }

    private func split(table: CSVTable, label: CSVColumn, features: [CSVColumn]?, labels: LabelKind) throws -> LoadedData {
        let (x, y) = try table.featuresAndLabels(labelColumn: label, featureColumns: features,
                                                 labelDType: labels == .classes ? .int32 : .float32)
        return splitTensors(x, y)
    }

    private func splitTensors(_ x: Tensor, _ y: Tensor) -> LoadedData {
        let samples = x.shape[0]
        let held = Int((Double(samples) * testSplit).rounded(.up))
        guard testSplit > 0, held >= 1, held < samples else {
            return LoadedData(xTrain: Self.first(x, limit), yTrain: Self.first(y, limit))
        }
        let parts = trainTestSplit(x, y, testFraction: testSplit, seed: seed)
        return LoadedData(xTrain: Self.first(parts.xTrain, limit), yTrain: Self.first(parts.yTrain, limit),
                          xTest: Self.first(parts.xTest, testLimit), yTest: Self.first(parts.yTest, testLimit))
    }

    private static func first(_ tensor: Tensor, _ limit: Int?) -> Tensor {
        guard let limit, limit < tensor.shape[0] else { return tensor }
        return tensor.narrowed(axis: 0, start: 0, length: limit)
    }

    private static func labels(_ classes: Tensor, _ kind: LabelKind) -> Tensor {
        kind == .classes ? classes : classes.to(.float32).reshaped(to: [classes.shape[0], 1])
    }
}
