import Foundation

/// Predictions of a saved model for inputs read from files: CSV rows, IDX images
/// or PNG and JPEG images, transformed with the model's preprocessing.
///
/// ```swift
/// let saved = try SavedModel.load(from: modelURL)
/// let inputs = try Prediction.readInputs([URL(fileURLWithPath: "digit.png")], saved: saved)
/// let rows = Prediction.predict(saved, inputs: inputs, topK: 3)
/// print(Prediction.csv(rows))
/// ```
public enum Prediction {
    /// Inputs read from files, one sample per row, with where each came from.
    public struct Inputs {
        /// Samples `[N, ...]`, shaped as the model's inputs, before preprocessing.
        public var x: Tensor
        /// For each sample, its file (and row or index within the file).
        public var sources: [String]
    }

    /// One class of a classifier's answer.
    public struct ClassScore: Sendable, Equatable {
        /// The class index.
        public var index: Int
        /// The class name, when known.
        public var name: String?
        /// Its probability.
        public var probability: Float
    }

    /// The prediction for one sample.
    public struct Row: Sendable, Equatable {
        /// Where the sample came from.
        public var source: String
        /// The best classes, best first (classifiers only).
        public var classes: [ClassScore]?
        /// The raw outputs (regression, or a classifier's probabilities).
        public var values: [Float]
    }

    /// The per-sample input shape of `saved`: its preprocessing's, else the model's.
    static func inputShape(_ preprocessing: Preprocessing?, _ model: Sequential) -> [Int] {
        if let shape = preprocessing?.inputShape, !shape.isEmpty { return shape }
        return model.inputShape ?? []
    }

    /// `x` reshaped to `[N] + inputShape` when it holds the same number of values per
    /// sample (CSV rows of 784 pixels for a `[28, 28, 1]` model).
    ///
    /// - Parameters:
    ///   - x: samples `[N, ...]`.
    ///   - preprocessing: the saved preprocessing, whose ``Preprocessing/inputShape`` is used when set.
    ///   - model: the model, whose input shape is used otherwise.
    /// - Returns: `x` as `[N] + inputShape`, or `x` unchanged when it already has that shape or no shape is known.
    /// - Throws: ``UsageError`` when the values per sample differ from the model's.
    public static func shaped(_ x: Tensor, for preprocessing: Preprocessing, model: Sequential) throws -> Tensor {
        let shape = inputShape(preprocessing, model)
        guard !shape.isEmpty, Array(x.shape.dropFirst()) != shape else { return x }
        let perSample = x.shape.dropFirst().reduce(1, *)
        guard perSample == shape.reduce(1, *) else {
            throw UsageError("the inputs have per-sample shape \(Shape.describe(Array(x.shape.dropFirst()))) but the model takes \(Shape.describe(shape))")
        }
        return x.reshaped(to: [x.shape[0]] + shape)
    }

    /// Reads samples from CSV, IDX or image (PNG, JPEG) files (by extension; IDX
    /// files are any other file, gzip or not).
    ///
    /// CSV: a header is recognised when its first row is not all numbers; the
    /// training features are picked by name when the header has them, otherwise the
    /// rows must have the model's feature count (or one more: the label column, which
    /// is dropped). PNG and JPEG: converted to grey or RGB as the model takes, resized
    /// (bilinear) to the model's height and width, scaled to [0, 1].
    ///
    /// - Parameters:
    ///   - urls: the input files, read in order.
    ///   - saved: the model and preprocessing that decide the input shape and CSV features.
    /// - Returns: all samples concatenated along the first axis, with each one's source.
    /// - Throws: ``UsageError`` for a missing file, no inputs, an unknown input shape or a shape
    ///   mismatch; the file readers' errors (`CSVError`, `IDXError`,
    ///   `ImageDecodingError`).
    public static func readInputs(_ urls: [URL], saved: SavedModel) throws -> Inputs {
        var tensors: [Tensor] = []
        var sources: [String] = []
        let shape = inputShape(saved.preprocessing, saved.model)
        guard !shape.isEmpty else { throw UsageError("the model does not record its input shape") }
        for url in urls {
            guard FileManager.default.fileExists(atPath: url.path) else { throw UsageError("\(url.path): file not found") }
            let name = url.lastPathComponent
            switch url.pathExtension.lowercased() {
            case "csv":
                let x = try readCSV(url, preprocessing: saved.preprocessing, featureCount: shape.reduce(1, *))
                tensors.append(try shaped(x, for: saved.preprocessing ?? Preprocessing(), model: saved.model))
                sources += (0..<x.shape[0]).map { "\(name):\($0 + 1)" }
            case let fileExtension where ImageDecoder.fileExtensions.contains(fileExtension):
                tensors.append(try readImage(url, shape: shape))
                sources.append(name)
            default:
                let x = try DataSpec.loadIDX(images: url.path, labels: nil, limit: nil).x
                tensors.append(try shaped(x, for: saved.preprocessing ?? Preprocessing(), model: saved.model))
                sources += (0..<x.shape[0]).map { "\(name)[\($0)]" }
            }
        }
        guard !tensors.isEmpty else { throw UsageError("no inputs given") }
        return Inputs(x: tensors.count == 1 ? tensors[0] : Tensor.concatenate(tensors, axis: 0), sources: sources)
    }

    private static func readCSV(_ url: URL, preprocessing: Preprocessing?, featureCount: Int) throws -> Tensor {
        let probe = try CSVTable(contentsOf: url)
        let firstRow = probe.rows.first ?? []
        let hasHeader = firstRow.contains { Float($0.trimmingCharacters(in: .whitespaces)) == nil }
        let table = hasHeader ? try CSVTable(contentsOf: url, hasHeader: true) : probe
        if let header = table.header, let names = preprocessing?.featureNames, names.allSatisfy(header.contains) {
            return try table.tensor(columns: names.map(CSVColumn.name))
        }
        if table.columnCount == featureCount { return try table.tensor() }
        if table.columnCount == featureCount + 1 {
            var label = table.columnCount - 1
            if let name = preprocessing?.labelName, let index = table.header?.firstIndex(of: name) { label = index }
            if case .csv(_, let column, _, _, _)? = preprocessing?.data?.source, let index = Int(column) {
                label = index < 0 ? table.columnCount + index : index
            }
            return try table.tensor(columns: (0..<table.columnCount).filter { $0 != label }.map(CSVColumn.index))
        }
        throw UsageError("\(url.path): rows have \(table.columnCount) columns but the model takes \(featureCount) features")
    }

    /// An image file (PNG or JPEG) as one sample: converted to the model's channels
    /// (1: grey, 3: RGB) and resized (bilinear) to its height and width, scaled to
    /// [0, 1] as training from IDX files or image folders scales it.
    private static func readImage(_ url: URL, shape: [Int]) throws -> Tensor {
        let image = try ImageDecoder.decode(contentsOf: url)
        let size: (height: Int, width: Int)
        let channels: Int
        if shape.count == 3 {
            (size, channels) = ((shape[0], shape[1]), shape[2])
        } else if shape.count == 2 {
            (size, channels) = ((shape[0], shape[1]), 1)
        } else {
            // A flat input (an MLP on 784 pixels): the image must already have that many pixels.
            let perSample = shape.reduce(1, *)
            channels = perSample == image.width * image.height * 3 ? 3 : 1
            size = (image.height, image.width)
            guard image.width * image.height * channels == perSample else {
                throw UsageError("\(url.path): the image is \(image.width)×\(image.height) but the model takes flat inputs of \(Shape.describe(shape)); it can only be resized for models that take [height, width, channels]")
            }
        }
        guard channels == 1 || channels == 3 else {
            throw UsageError("\(url.path): the model takes \(Shape.describe(shape)) inputs: \(channels) channels, not an image's 1 (grey) or 3 (RGB)")
        }
        let pixels = ImageFolder.pixels(of: image, size: size, colorMode: channels == 1 ? .grayscale : .rgb) / 255
        return pixels.reshaped(to: [1] + shape)
    }

    /// Runs the model on preprocessed inputs. Classifiers (a known class count equal
    /// to the output width, or one sigmoid output) give their `topK` best classes.
    ///
    /// - Parameters:
    ///   - saved: the model and the preprocessing applied to `inputs`.
    ///   - inputs: the samples, from ``readInputs(_:saved:)``.
    ///   - topK: how many classes each classifier row lists, best first; default 1.
    ///   - batchSize: samples per forward pass; default 256.
    /// - Returns: one row per sample, in input order; logits are turned into probabilities.
    public static func predict(_ saved: SavedModel, inputs: Inputs, topK: Int = 1, batchSize: Int = 256) -> [Row] {
        let preprocessing = saved.preprocessing ?? Preprocessing()
        let output = saved.model.predict(preprocessing.transform(inputs.x), batchSize: batchSize)
        let width = output.shape.dropFirst().reduce(1, *)
        let values = output.scalars
        let classCount = preprocessing.classCount
        let fromLogits = saved.model.loss.map { LossConfig.value(of: $0).objectValue?["from_logits"]?.boolValue == true } ?? false
        return inputs.sources.enumerated().map { row, source in
            var outputs = Array(values[(row * width)..<((row + 1) * width)])
            var classes: [ClassScore]?
            if width == 1, classCount == 2 {
                let probability = fromLogits ? 1 / (1 + exp(-outputs[0])) : outputs[0]
                outputs = [probability]
                let positive = ClassScore(index: 1, name: preprocessing.classNames?[1], probability: probability)
                let negative = ClassScore(index: 0, name: preprocessing.classNames?[0], probability: 1 - probability)
                classes = Array((probability >= 0.5 ? [positive, negative] : [negative, positive]).prefix(Swift.max(1, topK)))
            } else if width > 1, classCount == width {
                if fromLogits {
                    let largest = outputs.max() ?? 0
                    let exponentials = outputs.map { exp($0 - largest) }
                    let total = exponentials.reduce(0, +)
                    outputs = exponentials.map { $0 / total }
                }
                let order = outputs.indices.sorted { outputs[$0] > outputs[$1] }
                classes = order.prefix(Swift.max(1, topK)).map { index in
                    ClassScore(index: index, name: preprocessing.classNames.flatMap { index < $0.count ? $0[index] : nil },
                               probability: outputs[index])
                }
            }
            return Row(source: source, classes: classes, values: outputs)
        }
    }
}
