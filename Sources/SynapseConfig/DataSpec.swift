import Foundation

/// The `data:` section of a training configuration: where the samples come from and
/// how much of them to use.
///
/// ```yaml
/// data:
///   dataset: mnist          # bundled: mnist, fashion-mnist, pima
///   limit: 2000             # first 2000 training samples only
/// ```
/// ```yaml
/// data:
///   csv: measurements.csv   # relative to the configuration file
///   label: outcome          # a header name, or a column index (-1: the last)
///   header: true
///   test_split: 0.2         # rows held out (seeded shuffle) for the final test
/// ```
/// ```yaml
/// data:
///   images_from: digits/          # one subfolder of PNG/JPEG files per class
///   test_images_from: digits-test/ # optional; otherwise test_split applies
///   image_size: [28, 28]          # height, width (default 256 × 256, as Keras)
///   color_mode: grayscale         # or rgb (the default)
/// ```
/// ```yaml
/// data:
///   npz: arrays.npz         # np.savez(..., x=..., y=...) and optionally x_test=, y_test=
/// ```
/// ```yaml
/// data:
///   images: train-images-idx3-ubyte.gz
///   labels: train-labels-idx1-ubyte.gz
///   test_images: t10k-images-idx3-ubyte.gz   # optional; otherwise test_split applies
///   test_labels: t10k-labels-idx1-ubyte.gz
/// ```
public struct DataSpec: Codable, Sendable, Equatable {
    /// Where the samples come from.
    public enum Source: Codable, Sendable, Equatable {
        /// A data set bundled in the repository's `Data/` folder.
        case bundled(String)
        /// A CSV file with one label column; the other columns (or `features`) are inputs.
        case csv(path: String, label: String, header: Bool, delimiter: String, features: [String]?)
        /// IDX files (MNIST's format), images `[N, rows, columns]` (or `[N, features]`) and labels `[N]`.
        case idx(images: String, labels: String, testImages: String?, testLabels: String?)
        /// A NumPy archive with arrays `x` and `y` (and optionally `x_test` and `y_test`).
        case npz(path: String)
        /// PNG and JPEG images in class folders (`ImageFolder`), resized to `height` × `width`.
        case imageFolder(path: String, testPath: String?, height: Int, width: Int, grayscale: Bool)
    }

    /// The bundled data sets `dataset:` may name.
    public static let bundledNames = ["mnist", "fashion-mnist", "pima"]

    /// Where the samples come from (paths absolute).
    public var source: Source
    /// The share of samples held out as the test set when the source has no test files
    /// (after a shuffle seeded by `seed`); 0 keeps every sample for training.
    public var testSplit: Double
    /// Use only the first `limit` training samples (quick runs and tests).
    public var limit: Int?
    /// Use only the first `testLimit` test samples.
    public var testLimit: Int?
    /// The seed of the test split's shuffle.
    public var seed: UInt64

    /// - Parameters:
    ///   - source: where the samples come from.
    ///   - testSplit: the share held out for testing when there are no test files.
    ///   - limit: the most training samples used.
    ///   - testLimit: the most test samples used.
    ///   - seed: the seed of the test split's shuffle.
    public init(source: Source, testSplit: Double = 0.2, limit: Int? = nil, testLimit: Int? = nil, seed: UInt64 = 42) {
        (self.source, self.testSplit, self.limit, self.testLimit, self.seed) = (source, testSplit, limit, testLimit, seed)
    }

    /// A short description: `mnist`, `CSV pima.csv (label outcome)`, `IDX images.gz`.
    public var summary: String {
        switch source {
        case .bundled(let name): name
        case .csv(let path, let label, _, _, _): "CSV \((path as NSString).lastPathComponent) (label \(label))"
        case .idx(let images, _, _, _): "IDX \((images as NSString).lastPathComponent)"
        case .npz(let path): "NumPy \((path as NSString).lastPathComponent)"
        case .imageFolder(let path, _, _, _, _): "images in \((path as NSString).lastPathComponent)/"
        }
    }

    /// Reads the `data:` section. Relative paths count from `baseDirectory` (the
    /// configuration file's folder); files must exist.
    ///
    /// - Parameters:
    ///   - node: the `data:` node, a mapping.
    ///   - baseDirectory: the folder relative file paths count from.
    ///   - seed: the seed of the test split's shuffle, stored in ``seed``.
    /// - Returns: the data specification, with absolute paths and `test_split` defaulting to 0.2.
    /// - Throws: ``ConfigError`` naming the key and line of the first mistake.
    public static func parse(_ node: ConfigNode, baseDirectory: URL, seed: UInt64) throws -> DataSpec {
        let keys = ["dataset", "csv", "label", "header", "delimiter", "features", "images", "labels",
                    "test_images", "test_labels", "npz", "images_from", "test_images_from", "image_size", "color_mode",
                    "test_split", "limit", "test_limit"]
        let entries = try node.mapping(allowed: keys)
        let given = entries.map(\.key)
        let kinds = ["dataset", "csv", "images", "npz", "images_from"].filter(given.contains)
        guard kinds.count == 1 else {
            throw node.error(kinds.isEmpty ? "needs one of dataset: (\(bundledNames.joined(separator: ", "))), csv: FILE, images: FILE, npz: FILE or images_from: DIR"
                                           : "give only one of \(kinds.joined(separator: ", "))")
        }
        func file(_ key: String) throws -> String {
            guard let value = node[key] else { throw node.error("needs \(key):") }
            let path = try value.string()
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseDirectory.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path) else { throw value.error("file not found: \(url.path)") }
            return url.standardizedFileURL.path
        }
        let source: Source
        switch kinds[0] {
        case "dataset":
            let name = try node["dataset"]!.choice(bundledNames)
            source = .bundled(name)
        case "csv":
            var label = "-1"
            if let labelNode = node["label"] {
                if case .scalar(.int(let index)) = labelNode.kind { label = String(index) } else { label = try labelNode.string() }
            }
            let delimiter = try node["delimiter"]?.string() ?? ","
            guard delimiter.count == 1 else { throw node["delimiter"]!.error("must be a single character, found \"\(delimiter)\"") }
            let features = try node["features"].map { try $0.sequence().map { try $0.string() } }
            source = .csv(path: try file("csv"), label: label, header: try node["header"]?.bool() ?? false,
                          delimiter: delimiter, features: features)
        case "npz":
            source = .npz(path: try file("npz"))
        case "images_from":
            var size = (256, 256)
            if let sizeNode = node["image_size"] {
                let values = try sizeNode.sequence().map { try $0.int(in: 1...65_536) }
                guard values.count == 2 else { throw sizeNode.error("must be [height, width]") }
                size = (values[0], values[1])
            }
            let mode = try node["color_mode"]?.choice(["rgb", "grayscale"]) ?? "rgb"
            source = .imageFolder(path: try file("images_from"),
                                  testPath: node["test_images_from"] != nil ? try file("test_images_from") : nil,
                                  height: size.0, width: size.1, grayscale: mode == "grayscale")
        default:
            let hasTestImages = node["test_images"] != nil
            guard hasTestImages == (node["test_labels"] != nil) else {
                throw node.error("test_images: and test_labels: go together")
            }
            source = .idx(images: try file("images"), labels: try file("labels"),
                          testImages: hasTestImages ? try file("test_images") : nil,
                          testLabels: hasTestImages ? try file("test_labels") : nil)
        }
        for key in ["label", "header", "delimiter", "features"] where node[key] != nil && kinds[0] != "csv" {
            throw ConfigError(file: node.file, line: node.line(of: key), key: node[key]!.path, message: "only applies to csv: data")
        }
        for key in ["test_images_from", "image_size", "color_mode"] where node[key] != nil && kinds[0] != "images_from" {
            throw ConfigError(file: node.file, line: node.line(of: key), key: node[key]!.path, message: "only applies to images_from: data")
        }
        let testSplit = try node["test_split"]?.double("a number in [0, 1)") { $0 >= 0 && $0 < 1 } ?? 0.2
        let limit = try node["limit"]?.int(in: 1...Int.max)
        let testLimit = try node["test_limit"]?.int(in: 1...Int.max)
        return DataSpec(source: source, testSplit: testSplit, limit: limit, testLimit: testLimit, seed: seed)
    }
}
