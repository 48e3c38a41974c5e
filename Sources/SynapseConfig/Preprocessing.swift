import Foundation

/// The `preprocessing:` section, and once fitted on the training samples, the
/// transform that evaluation and prediction must apply in the same way. It is
/// saved with the model (see ``SavedModel``).
///
/// ```yaml
/// preprocessing:
///   standardize: true       # zero mean, unit variance per feature (training statistics)
///   normalize: false        # or true for [0, 1], or [min, max]: scale each feature to the range
///   one_hot: false          # class labels as one-hot rows (categorical_crossentropy)
///   validation_split: 0.2   # the last 20 % of the training samples validate each epoch
/// ```
public struct Preprocessing: Codable, Sendable, Equatable {
    /// Standardise each feature (statistics of the training samples).
    public var standardize: Bool
    /// Scale each feature to this range (training minimum and maximum), if set.
    public var normalizeRange: [Double]?
    /// One-hot encode class labels.
    public var oneHot: Bool
    /// The share of training samples held out for validation (Keras' `validation_split`).
    public var validationSplit: Double

    /// The fitted standardiser, once ``fit(_:)`` ran.
    public private(set) var standardScaler: StandardScaler?
    /// The fitted range scaler, once ``fit(_:)`` ran.
    public private(set) var minMaxScaler: MinMaxScaler?

    /// The per-sample input shape the model takes (`[8]`, `[28, 28, 1]`).
    public var inputShape: [Int] = []
    /// How labels are read for training and evaluation.
    public var labelKind: LabelKind = .values
    /// The number of classes (classifiers), index = class id.
    public var classCount: Int?
    /// Class names, when the data set has them.
    public var classNames: [String]?
    /// Feature names of CSV data, in input order.
    public var featureNames: [String]?
    /// The label column of CSV data.
    public var labelName: String?
    /// The training data, so `evaluate` can find the same test samples.
    public var data: DataSpec?

    /// - Parameters:
    ///   - standardize: standardise features.
    ///   - normalizeRange: scale features to `[min, max]`.
    ///   - oneHot: one-hot encode class labels.
    ///   - validationSplit: the share of training samples used for validation.
    public init(standardize: Bool = false, normalizeRange: [Double]? = nil, oneHot: Bool = false, validationSplit: Double = 0) {
        (self.standardize, self.normalizeRange, self.oneHot, self.validationSplit) = (standardize, normalizeRange, oneHot, validationSplit)
    }

    /// Reads the `preprocessing:` section.
    ///
    /// - Parameter node: the `preprocessing:` node; `nil` or `null` gives the defaults (no scaling, no one-hot).
    /// - Returns: the unfitted preprocessing.
    /// - Throws: ``ConfigError`` naming the key and line.
    public static func parse(_ node: ConfigNode?) throws -> Preprocessing {
        guard let node, !node.isNull else { return Preprocessing() }
        _ = try node.mapping(allowed: ["standardize", "standardise", "normalize", "normalise", "one_hot", "validation_split"])
        var result = Preprocessing()
        result.standardize = try (node["standardize"] ?? node["standardise"])?.bool() ?? false
        if let normalize = node["normalize"] ?? node["normalise"] {
            if case .scalar(.bool(let flag)) = normalize.kind {
                result.normalizeRange = flag ? [0, 1] : nil
            } else {
                let bounds = try normalize.sequence().map { try $0.double() }
                guard bounds.count == 2, bounds[0] < bounds[1] else {
                    throw normalize.error("must be true, false or [min, max] with min < max")
                }
                result.normalizeRange = bounds
            }
        }
        if result.standardize && result.normalizeRange != nil {
            throw (node["normalize"] ?? node["normalise"])!.error("cannot be combined with standardize")
        }
        result.oneHot = try node["one_hot"]?.bool() ?? false
        result.validationSplit = try node["validation_split"]?.double("a number in [0, 1)") { $0 >= 0 && $0 < 1 } ?? 0
        return result
    }

    /// Fits the scalers on training inputs `[N, ...]` (features are everything after the first axis).
    ///
    /// - Parameter x: the training inputs `[N, ...]`.
    public mutating func fit(_ x: Tensor) {
        let flat = Self.flattened(x)
        if standardize {
            var scaler = StandardScaler()
            scaler.fit(flat)
            standardScaler = scaler
        }
        if let range = normalizeRange {
            var scaler = MinMaxScaler(featureRange: range[0]...range[1])
            scaler.fit(flat)
            minMaxScaler = scaler
        }
    }

    /// Applies the fitted scalers to inputs `[N, ...]` shaped as the training inputs.
    ///
    /// - Parameter x: inputs `[N, ...]`.
    /// - Returns: the scaled inputs, same shape; `x` itself when no scaler is fitted.
    public func transform(_ x: Tensor) -> Tensor {
        guard standardScaler != nil || minMaxScaler != nil else { return x }
        var flat = Self.flattened(x)
        if let standardScaler { flat = standardScaler.transform(flat) }
        if let minMaxScaler { flat = minMaxScaler.transform(flat) }
        return flat.reshaped(to: x.shape)
    }

    /// Labels as the loss wants them: one-hot float32 rows when ``oneHot`` is set.
    ///
    /// - Parameter labels: int32 class indices `[N]`, or float32 targets.
    /// - Returns: `[N, classCount]` one-hot rows when ``oneHot`` is set, ``classCount`` is known
    ///   and `labels` are int32; otherwise `labels` unchanged.
    public func targets(_ labels: Tensor) -> Tensor {
        guard oneHot, let classCount, labels.dtype == .int32 else { return labels }
        return labels.oneHot(depth: classCount)
    }

    private static func flattened(_ x: Tensor) -> Tensor {
        x.rank == 2 ? x : x.reshaped(to: [x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }

    /// The transform as JSON text (what is saved with the model).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads the JSON written by ``jsonText()``.
    ///
    /// - Parameter jsonText: the JSON text.
    /// - Throws: `DecodingError` when the text is not a valid preprocessing record.
    public init(jsonText: String) throws {
        self = try JSONDecoder().decode(Preprocessing.self, from: Data(jsonText.utf8))
    }
}
