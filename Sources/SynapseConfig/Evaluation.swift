import Foundation

/// Errors of evaluation and prediction that are not about a file's syntax.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and what to do about it.
    public var description: String

    /// - Parameter description: what is wrong.
    public init(_ description: String) { self.description = description }
}

/// Metrics of a saved model on a data set, with the model's own preprocessing.
///
/// ```swift
/// let saved = try SavedModel.load(from: modelURL)
/// let data = try Evaluation.dataSpec(for: "mnist", labels: nil, saved: saved.preprocessing)
/// let (logs, samples) = try Evaluation.evaluate(saved, data: data)
/// ```
public enum Evaluation {
    /// Which part of the data to evaluate on.
    public enum Split: String, Sendable, CaseIterable {
        /// The training part.
        case train
        /// The test part (the test files, or the rows `test_split` held out); all
        /// samples when the source has no test part.
        case test
    }

    /// The data a command-line `--data` argument names: a bundled data set, a CSV
    /// file, an IDX image file (with `labels`), or a training configuration (its
    /// `data:` section). A source equal to the one the model was trained on keeps
    /// the training run's split, so `test` means the same held-out samples.
    ///
    /// - Parameters:
    ///   - argument: a bundled data set's name (`mnist`, `fashion-mnist`, `pima`) or the path of
    ///     a `.csv`, `.yaml`/`.yml`/`.json` or IDX file.
    ///   - labels: the path of the IDX label file; required when `argument` is an IDX image file.
    ///   - saved: the model's saved preprocessing, whose data source and split are reused when they match.
    /// - Returns: the data specification to load (CSV and IDX files are not split: `testSplit` 0).
    /// - Throws: ``UsageError`` for an unknown name, a missing file or missing `labels`;
    ///   ``ConfigError`` for a configuration file that does not parse.
    public static func dataSpec(for argument: String, labels: String?, saved: Preprocessing?) throws -> DataSpec {
        let trained = saved?.data
        func same(_ spec: DataSpec) -> DataSpec {
            if let trained, trained.source == spec.source { return DataSpec(source: trained.source, testSplit: trained.testSplit, seed: trained.seed) }
            return spec
        }
        if DataSpec.bundledNames.contains(argument.lowercased()) {
            return same(DataSpec(source: .bundled(argument.lowercased()), testSplit: 0.2))
        }
        let url = URL(fileURLWithPath: argument).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw UsageError("--data \(argument): not a bundled data set (\(DataSpec.bundledNames.joined(separator: ", "))) and no such file")
        }
        switch url.pathExtension.lowercased() {
        case "yaml", "yml", "json":
            return try TrainingConfig.load(from: url).data
        case "csv":
            if case .csv(_, let label, let header, let delimiter, let features)? = trained?.source {
                return same(DataSpec(source: .csv(path: url.path, label: label, header: header, delimiter: delimiter, features: features), testSplit: 0))
            }
            return DataSpec(source: .csv(path: url.path, label: "-1", header: false, delimiter: ",", features: nil), testSplit: 0)
        default:
            guard let labels else { throw UsageError("--data \(argument): an IDX image file needs --labels FILE") }
            let labelsURL = URL(fileURLWithPath: labels).standardizedFileURL
            guard FileManager.default.fileExists(atPath: labelsURL.path) else { throw UsageError("--labels \(labels): no such file") }
            return DataSpec(source: .idx(images: url.path, labels: labelsURL.path, testImages: nil, testLabels: nil), testSplit: 0)
        }
    }

    /// Loss and metrics of `saved` on one part of `data`.
    ///
    /// - Parameters:
    ///   - saved: the model (which must have a loss) and its preprocessing.
    ///   - data: the samples to evaluate on.
    ///   - split: which part of `data`; default `.test` (all samples when there is no test part).
    ///   - limit: the most samples to use; `nil` (default) uses all.
    ///   - batchSize: samples per forward pass; default 256.
    ///   - dataDirectory: where bundled data sets live; default `DataDirectory.default`.
    /// - Returns: the logs (loss and the compiled metrics) and the number of samples.
    /// - Throws: ``UsageError`` when the model has no loss or the inputs do not fit its input shape;
    ///   the loaders' errors (see ``DataSpec/load(labels:dataDirectory:)``).
    public static func evaluate(_ saved: SavedModel, data: DataSpec, split: Split = .test, limit: Int? = nil,
                                batchSize: Int = 256, dataDirectory: URL = DataDirectory.default) throws -> (logs: Logs, samples: Int) {
        guard saved.model.loss != nil else {
            throw UsageError("the model has no loss (it was saved without compile settings), so it cannot be evaluated")
        }
        let preprocessing = saved.preprocessing ?? Preprocessing()
        var spec = data
        if let limit { (spec.limit, spec.testLimit) = (limit, limit) }
        let labelKind = saved.preprocessing?.labelKind ?? (saved.model.loss?.name.contains("categorical") == true ? .classes : .values)
        let loaded = try spec.load(labels: labelKind, dataDirectory: dataDirectory)
        var (x, y) = (loaded.xTrain, loaded.yTrain)
        if split == .test, let xTest = loaded.xTest, let yTest = loaded.yTest { (x, y) = (xTest, yTest) }
        x = try Prediction.shaped(x, for: preprocessing, model: saved.model)
        let logs = saved.model.evaluate(x: preprocessing.transform(x), y: preprocessing.targets(y), batchSize: batchSize)
        return (logs, x.shape[0])
    }
}
