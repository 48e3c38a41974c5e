import Foundation

/// The `training:` section: optimizer, loss, metrics, epochs, batch size, seed.
///
/// ```yaml
/// training:
///   optimizer: adam                  # or {name: adam, learning_rate: 0.01}
///   loss: binary_crossentropy        # or {name: ..., from_logits: true}
///   metrics: [accuracy]
///   epochs: 100
///   batch_size: 10
///   seed: 42
///   shuffle: true
///   device: cpu                      # or isolated, cuda, cuda:1
/// ```
public struct TrainingSpec: Sendable {
    /// The optimizer's configuration (`{"class_name": ..., "config": {...}}`).
    public var optimizer: ConfigValue
    /// The loss's configuration (`{"name": ...}`).
    public var loss: ConfigValue
    /// The loss's Keras name.
    public var lossName: String
    /// Metric names.
    public var metrics: [String]
    /// Number of epochs.
    public var epochs: Int
    /// Samples per step.
    public var batchSize: Int
    /// The seed of `Random` (weights, shuffling, dropout) and of the test split.
    public var seed: UInt64
    /// Reshuffle training samples every epoch.
    public var shuffle: Bool
    /// The `loss:` node, for messages about the loss and the data.
    public var lossNode: ConfigNode?
    /// Where the model is built and trained (default the CPU).
    public var device: Device = .cpu

    /// Reads the `training:` section.
    ///
    /// - Parameter node: the `training:` node, a mapping that must name a `loss:`.
    /// - Returns: the training settings, with defaults for keys left out.
    /// - Throws: ``ConfigError`` naming the key and line.
    public static func parse(_ node: ConfigNode) throws -> TrainingSpec {
        _ = try node.mapping(allowed: ["optimizer", "loss", "metrics", "epochs", "batch_size", "seed", "shuffle", "device"])
        var device = Device.cpu
        if let deviceNode = node["device"] {
            let name = try deviceNode.string()
            guard let parsed = Device(name: name) else {
                throw deviceNode.error("unknown device \"\(name.prefix(40))\" (known: cpu, isolated, cuda, cuda:N)")
            }
            device = parsed
        }
        let optimizer = try parseOptimizer(node["optimizer"], parent: node)
        guard let lossNode = node["loss"] else { throw node.error("needs loss: (e.g. binary_crossentropy, sparse_categorical_crossentropy, mse)") }
        let (loss, lossName) = try parseLoss(lossNode)
        var metrics: [String] = []
        if let metricsNode = node["metrics"] {
            for item in try metricsNode.sequence() {
                let name = try item.string()
                guard Metrics.named(name, loss: lossName) != nil else {
                    throw item.error("unknown metric \"\(name.prefix(40))\" (known: \(Metrics.names.joined(separator: ", ")))")
                }
                metrics.append(name)
            }
        }
        return TrainingSpec(optimizer: optimizer, loss: loss, lossName: lossName, metrics: metrics,
                            epochs: try node["epochs"]?.int(in: 1...1_000_000) ?? 10,
                            batchSize: try node["batch_size"]?.int(in: 1...1 << 24) ?? 32,
                            seed: UInt64(try node["seed"]?.int(in: 0...Int.max) ?? 42),
                            shuffle: try node["shuffle"]?.bool() ?? true, lossNode: lossNode, device: device)
    }

    private static func parseOptimizer(_ node: ConfigNode?, parent: ConfigNode) throws -> ConfigValue {
        guard let node else { return ["class_name": "Adam", "config": [:]] }
        var name: String
        var arguments: [String: ConfigValue] = [:]
        if case .scalar = node.kind {
            name = try node.string()
        } else {
            guard let nameNode = node["name"] ?? node["type"] else { throw node.error("needs name: (\(Optimizers.names.joined(separator: ", ")))") }
            name = try nameNode.string()
            for entry in try node.mapping() where entry.key != "name" && entry.key != "type" { arguments[entry.key] = entry.value.value }
        }
        guard Optimizers.names.contains(name.lowercased()) else {
            throw (node["name"] ?? node["type"] ?? node).error("unknown optimizer \"\(name.prefix(40))\" (known: \(Optimizers.names.joined(separator: ", ")))")
        }
        let value: ConfigValue = ["class_name": .string(name), "config": .object(arguments)]
        let optimizer: Optimizer?
        do {
            optimizer = try OptimizerConfig.makeOptimizer(from: value)
        } catch let error as ModelFileError {
            throw keyedError(error, in: node)
        }
        if let optimizer, let written = OptimizerConfig.value(of: optimizer).objectValue?["config"]?.objectValue?.keys {
            // The moving-average keys are written only when on, but always accepted.
            let known = Set(written).union(["use_ema", "ema_momentum", "ema_overwrite_frequency"])
            for key in arguments.keys where !known.contains(key) {
                throw ConfigError(file: node.file, line: node.line(of: key), key: node[key]?.path ?? node.path,
                                  message: "unknown argument for \(name) (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        return value
    }

    private static func parseLoss(_ node: ConfigNode) throws -> (ConfigValue, String) {
        var object: [String: ConfigValue]
        if case .scalar = node.kind {
            object = ["name": .string(try node.string())]
        } else {
            let allowed = ["name", "from_logits", "reduction", "delta"]
            object = Dictionary(try node.mapping(allowed: allowed).map { ($0.key, $0.value.value) }, uniquingKeysWith: { $1 })
            guard node["name"] != nil else { throw node.error("needs name:") }
            _ = try node["name"]!.string()
        }
        let name = object["name"]?.stringValue ?? ""
        let loss: (any Loss)?
        do {
            loss = try LossConfig.makeLoss(from: .object(object))
        } catch let error as ModelFileError {
            throw keyedError(error, in: node)
        }
        guard let loss else {
            throw (node["name"] ?? node).error("unknown loss \"\(name.prefix(40))\" (known: \(Losses.names.joined(separator: ", ")))")
        }
        return (.object(object), loss.name)
    }

    /// Places a compile-config error (`optimizer Adam: "beta_1" must be ...`) at its key.
    private static func keyedError(_ error: ModelFileError, in node: ConfigNode) -> ConfigError {
        guard case .invalidJSON(_, let reason) = error else { return node.error(error.description) }
        let parts = reason.split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, let argument = node[String(parts[1])] {
            return ConfigError(file: node.file, line: node.line(of: String(parts[1])), key: argument.path,
                               message: parts[2].trimmingCharacters(in: .whitespaces))
        }
        return node.error(reason)
    }

    /// A new optimizer and loss from the configuration (checked by ``parse(_:)``).
    public func makeObjects() throws -> (optimizer: Optimizer, loss: any Loss, metrics: [any Metric]) {
        guard let optimizer = try OptimizerConfig.makeOptimizer(from: optimizer), let loss = try LossConfig.makeLoss(from: loss) else {
            throw ModelFileError.unsupportedModel("the optimizer or loss cannot be built")
        }
        return (optimizer, loss, metrics.compactMap { Metrics.named($0, loss: loss.name) })
    }
}
