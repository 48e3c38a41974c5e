import Foundation

/// A training run described in a YAML or JSON file: the data, its preprocessing,
/// the model, the training settings and the callbacks. ``load(from:)`` checks the
/// whole file before anything is trained; every mistake is a ``ConfigError`` that
/// names the key and the line.
///
/// ```yaml
/// name: pima
/// data: {dataset: pima, test_split: 0.2}
/// preprocessing: {standardize: true, validation_split: 0.1}
/// model:
///   - Dense: {units: 12, activation: relu}
///   - Dense: {units: 1, activation: sigmoid}
/// training: {optimizer: adam, loss: binary_crossentropy, metrics: [accuracy], epochs: 100, batch_size: 10, seed: 7}
/// callbacks: {early_stopping: {monitor: val_loss, patience: 10}, csv_log: true}
/// ```
public struct TrainingConfig: Sendable {
    /// The run's name (the `name:` key, or the file's stem).
    public var name: String
    /// The file the configuration came from.
    public var file: String
    /// Where the samples come from.
    public var data: DataSpec
    /// How inputs and labels are transformed.
    public var preprocessing: Preprocessing
    /// The layers.
    public var model: ModelSpec
    /// Optimizer, loss, metrics, epochs, batch size, seed.
    public var training: TrainingSpec
    /// Early stopping, checkpoints, CSV log.
    public var callbacks: CallbackSpec
    /// Differentially private training (the `privacy:` section), if asked for.
    public var privacy: DifferentialPrivacy?
    /// The `privacy:` node, for errors found once the model exists.
    public var privacyNode: ConfigNode?
    /// The `data:` node, for messages about the data.
    public var dataNode: ConfigNode

    /// The top-level keys a configuration may have.
    public static let sections = ["name", "data", "preprocessing", "model", "training", "callbacks", "privacy"]

    /// Reads and checks a configuration file (YAML or JSON).
    ///
    /// - Parameter url: the configuration file; relative data paths count from its folder, and its
    ///   name without extension is the run's name when the file has no `name:`.
    /// - Returns: the checked configuration.
    /// - Throws: ``ConfigError`` naming the key and line of the first mistake.
    public static func load(from url: URL) throws -> TrainingConfig {
        try parse(ConfigNode.parse(contentsOf: url), baseDirectory: url.deletingLastPathComponent(),
                  defaultName: url.deletingPathExtension().lastPathComponent)
    }

    /// Checks a parsed configuration.
    ///
    /// - Parameters:
    ///   - root: the parsed document.
    ///   - baseDirectory: the folder relative data paths count from.
    ///   - defaultName: the run's name when the file has no `name:`.
    public static func parse(_ root: ConfigNode, baseDirectory: URL, defaultName: String) throws -> TrainingConfig {
        _ = try root.mapping(allowed: sections)
        func required(_ key: String) throws -> ConfigNode {
            guard let node = root[key], !node.isNull else { throw root.error("needs a \(key): section") }
            return node
        }
        let name = try root["name"]?.string() ?? defaultName
        guard !name.isEmpty, !name.contains("/") else { throw root["name"]!.error("must be a non-empty name without \"/\"") }
        let training = try TrainingSpec.parse(try required("training"))
        let dataNode = try required("data")
        let data = try DataSpec.parse(dataNode, baseDirectory: baseDirectory, seed: training.seed)
        let preprocessing = try Preprocessing.parse(root["preprocessing"])
        let model = try ModelSpec.parse(try required("model"))
        let callbacks = try CallbackSpec.parse(root["callbacks"])
        var config = TrainingConfig(name: name, file: root.file, data: data, preprocessing: preprocessing, model: model,
                                    training: training, callbacks: callbacks, dataNode: dataNode)
        config.privacy = try PrivacySpec.parse(root["privacy"])
        config.privacyNode = root["privacy"]
        try config.checkLossAndLabels(root: root)
        return config
    }

    /// How the loss wants its labels.
    public var labelKind: LabelKind {
        ["sparse_categorical_crossentropy", "categorical_crossentropy"].contains(training.lossName) ? .classes : .values
    }

    private func checkLossAndLabels(root: ConfigNode) throws {
        let lossNode = training.lossNode ?? root
        if training.lossName == "categorical_crossentropy" && !preprocessing.oneHot {
            throw lossNode.error("categorical_crossentropy needs one-hot targets: set preprocessing.one_hot: true, or use sparse_categorical_crossentropy")
        }
        if preprocessing.oneHot && training.lossName != "categorical_crossentropy" {
            let node = root["preprocessing"]?["one_hot"] ?? lossNode
            throw node.error("one-hot targets go with loss categorical_crossentropy, not \(training.lossName)")
        }
    }
}
