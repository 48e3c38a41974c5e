import Foundation
import Yams

/// A parsed configuration document that remembers where every value came from: each
/// node knows its line and its key path, so errors can name both.
///
/// YAML and JSON read the same way (JSON is YAML); one parser, Yams, reads both.
///
/// ```swift
/// let root = try ConfigNode.parse(text: "training:\n  epochs: ten\n", file: "run.yaml")
/// try root["training"]?["epochs"]?.int()   // throws "run.yaml:2: training.epochs: must be an integer, found "ten""
/// ```
public struct ConfigNode: Sendable {
    /// The shape of a node.
    public enum Kind: Sendable {
        /// A scalar, already typed (integers, numbers, Booleans, strings, null).
        case scalar(ConfigValue)
        /// A mapping, in file order, with the line of each key.
        case mapping([Entry])
        /// A sequence.
        case sequence([ConfigNode])
    }

    /// One key of a mapping.
    public struct Entry: Sendable {
        /// The key.
        public var key: String
        /// The line of the key.
        public var line: Int
        /// The value.
        public var value: ConfigNode
    }

    /// What the node holds.
    public var kind: Kind
    /// The line the node starts on (counting from 1).
    public var line: Int
    /// The key path from the root: `model[1].units`; empty for the root.
    public var path: String
    /// The file, for messages.
    public var file: String

    // MARK: Parsing

    /// Parses YAML or JSON text.
    ///
    /// - Parameters:
    ///   - text: the document.
    ///   - file: the file name that messages name; every node records it.
    /// - Returns: the root node.
    /// - Throws: ``ConfigError`` with the line of a syntax error, a duplicate key or
    ///   a key that is not a plain string.
    public static func parse(text: String, file: String) throws -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        }
        guard let node else { throw ConfigError(file: file, line: 1, key: "", message: "the file is empty") }
        return try convert(node, path: "", file: file)
    }

    /// Reads and parses a YAML or JSON file.
    ///
    /// - Parameter url: the file, which must be UTF-8 text.
    /// - Returns: the root node; messages name the file by its path.
    /// - Throws: ``ConfigError`` when the file cannot be read or parsed.
    public static func parse(contentsOf url: URL) throws -> ConfigNode {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError(file: url.path, line: 0, key: "", message: "cannot read the configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: url.path, line: 0, key: "", message: "the file is not UTF-8 text")
        }
        return try parse(text: text, file: url.path)
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return ConfigError(file: file, line: mark.line, key: "", message: "not valid YAML or JSON: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(file: file, line: context.mark.line, key: "",
                               message: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return ConfigError(file: file, line: 0, key: "", message: "not valid YAML or JSON: \(error)")
        }
    }

    private static func convert(_ node: Node, path: String, file: String) throws -> ConfigNode {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            return ConfigNode(kind: .scalar(scalarValue(node, scalar)), line: line, path: path, file: file)
        case .sequence(let sequence):
            let items = try sequence.enumerated().map { index, item in
                try convert(item, path: "\(path)[\(index)]", file: file)
            }
            return ConfigNode(kind: .sequence(items), line: line, path: path, file: file)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLine = key.mark?.line ?? line
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigError(file: file, line: keyLine, key: path, message: "keys must be plain names")
                }
                let name = keyScalar.string
                if entries.contains(where: { $0.key == name }) {
                    throw ConfigError(file: file, line: keyLine, key: join(path, name), message: "is given twice")
                }
                entries.append(Entry(key: name, line: keyLine,
                                     value: try convert(value, path: join(path, name), file: file)))
            }
            return ConfigNode(kind: .mapping(entries), line: line, path: path, file: file)
        case .alias:
            throw ConfigError(file: file, line: line, key: path, message: "YAML aliases are not supported")
        }
    }

    private static func scalarValue(_ node: Node, _ scalar: Node.Scalar) -> ConfigValue {
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted { return .string(scalar.string) }
        if node.null != nil { return .null }
        if let flag = node.bool { return .bool(flag) }
        if let integer = node.int { return .int(integer) }
        if let number = node.float { return .double(number) }
        return .string(scalar.string)
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
