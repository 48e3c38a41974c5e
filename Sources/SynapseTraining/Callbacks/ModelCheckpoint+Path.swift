import Foundation

/// Why a ``ModelCheckpoint`` path pattern could not be filled in.
public enum CheckpointPathError: Error, Equatable, CustomStringConvertible {
    /// A placeholder names neither `epoch` nor a logged value.
    case unknownPlaceholder(name: String, available: [String])
    /// A placeholder's format spec is not `[0][width][.precision][type]`, or its type does not fit the value.
    case invalidSpec(placeholder: String)
    /// A `{` without its `}`, or a lone `}`.
    case unbalancedBrace(pattern: String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .unknownPlaceholder(let name, let available):
            "the path names '{\(name)}', which is not in the logs (available: \((["epoch"] + available).joined(separator: ", ")))"
        case .invalidSpec(let placeholder):
            "the placeholder '{\(placeholder)}' has a format spec Synapse does not read ([0][width][.precision][d|f|e|g])"
        case .unbalancedBrace(let pattern):
            "the path '\(pattern)' has an unbalanced brace (write {{ or }} for a literal brace)"
        }
    }
}

extension ModelCheckpoint {
    /// Fills in a path pattern as Keras does with `filepath.format(epoch=epoch + 1, **logs)`.
    ///
    /// - Parameters:
    ///   - pattern: the path with `{name}` or `{name:spec}` placeholders.
    ///   - epoch: the 0-based epoch index (written 1-based).
    ///   - logs: the epoch's logs.
    /// - Throws: ``CheckpointPathError``.
    ///
    /// ```swift
    /// try ModelCheckpoint.formatPath("m-{epoch:02d}-{val_loss:.4f}", epoch: 2, logs: ["val_loss": 0.41823])
    /// // "m-03-0.4182"
    /// ```
    public static func formatPath(_ pattern: String, epoch: Int, logs: Logs) throws -> String {
        var result = ""
        var index = pattern.startIndex
        while index < pattern.endIndex {
            let character = pattern[index]
            let next = pattern.index(after: index)
            if character == "}" {
                guard next < pattern.endIndex, pattern[next] == "}" else { throw CheckpointPathError.unbalancedBrace(pattern: pattern) }
                result.append("}")
                index = pattern.index(after: next)
                continue
            }
            guard character == "{" else {
                result.append(character)
                index = next
                continue
            }
            if next < pattern.endIndex, pattern[next] == "{" {
                result.append("{")
                index = pattern.index(after: next)
                continue
            }
            guard let close = pattern[next...].firstIndex(of: "}") else { throw CheckpointPathError.unbalancedBrace(pattern: pattern) }
            let placeholder = String(pattern[next..<close])
            result += try fill(placeholder, epoch: epoch, logs: logs)
            index = pattern.index(after: close)
        }
        return result
    }

    private static func fill(_ placeholder: String, epoch: Int, logs: Logs) throws -> String {
        let parts = placeholder.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        let spec = parts.count > 1 ? parts[1] : ""
        let value: Double
        let isInteger: Bool
        if name == "epoch" {
            (value, isInteger) = (Double(epoch + 1), true)
        } else if let logged = logs[name] {
            (value, isInteger) = (Double(logged), false)
        } else {
            throw CheckpointPathError.unknownPlaceholder(name: name, available: logs.keys.sorted())
        }
        if spec.isEmpty { return isInteger ? String(epoch + 1) : String(logs[name]!) }
        // [0][width][.precision][type]
        var rest = Substring(spec)
        let type = rest.last.flatMap { "dfeg".contains($0) ? $0 : nil }
        if type != nil { rest = rest.dropLast() }
        let pieces = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let widthText = pieces[0]
        let precisionText = pieces.count > 1 ? pieces[1] : nil
        guard widthText.allSatisfy(\.isASCII) && widthText.allSatisfy(\.isNumber), widthText.count <= 3,
              precisionText.map({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) ?? true else {
            throw CheckpointPathError.invalidSpec(placeholder: placeholder)
        }
        let flags = widthText.hasPrefix("0") ? "0" : ""
        let width = widthText.drop { $0 == "0" }
        switch type ?? (isInteger ? "d" : "g") {
        case "d":
            guard isInteger, precisionText == nil else { throw CheckpointPathError.invalidSpec(placeholder: placeholder) }
            return String(format: "%\(flags)\(width)ld", epoch + 1)
        case let letter:
            let precision = precisionText.map { ".\($0)" } ?? (type == nil && !isInteger ? "" : ".6")
            return String(format: "%\(flags)\(width)\(precision)\(letter)", value)
        }
    }
}
