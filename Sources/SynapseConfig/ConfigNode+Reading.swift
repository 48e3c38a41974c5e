/// Typed reading of ``ConfigNode``s: each reader throws a ``ConfigError`` naming the
/// node's key path and line.
extension ConfigNode {
    /// An error at this node.
    ///
    /// - Parameter message: what is wrong, e.g. `must be a string, found 12`.
    /// - Returns: a ``ConfigError`` with this node's file, line and key path.
    public func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, key: path, message: message)
    }

    /// The plain value of this node and everything below it (for layer arguments).
    public var value: ConfigValue {
        switch kind {
        case .scalar(let value): value
        case .sequence(let items): .array(items.map(\.value))
        case .mapping(let entries): .object(Dictionary(entries.map { ($0.key, $0.value.value) }, uniquingKeysWith: { $1 }))
        }
    }

    /// The entries, if this is a mapping.
    public var entries: [Entry]? {
        if case .mapping(let entries) = kind { entries } else { nil }
    }

    /// The items, if this is a sequence.
    public var items: [ConfigNode]? {
        if case .sequence(let items) = kind { items } else { nil }
    }

    /// Whether this is `null` (or an empty value, `key:` with nothing after it).
    public var isNull: Bool {
        if case .scalar(.null) = kind { true } else { false }
    }

    /// The value under `key` in a mapping, if present.
    ///
    /// - Parameter key: the mapping key to look up.
    /// - Returns: the value's node, or `nil` when this is not a mapping or has no such key.
    public subscript(key: String) -> ConfigNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The line of `key` in this mapping (or this node's line).
    ///
    /// - Parameter key: the mapping key whose line is wanted.
    /// - Returns: the key's line (counting from 1), or this node's own line when the key is absent.
    public func line(of key: String) -> Int {
        entries?.first { $0.key == key }?.line ?? line
    }

    /// The entries of a mapping.
    ///
    /// - Parameter allowed: the keys this section understands; any other key is an
    ///   error naming the key, its line and the keys allowed.
    public func mapping(allowed: [String]? = nil) throws -> [Entry] {
        guard let entries else { throw error("must be a mapping (key: value lines), found \(describe)") }
        if let allowed {
            for entry in entries where !allowed.contains(entry.key) {
                throw ConfigError(file: file, line: entry.line, key: entry.value.path,
                                  message: "unknown key (known here: \(allowed.joined(separator: ", ")))")
            }
        }
        return entries
    }

    /// The items of a sequence.
    public func sequence() throws -> [ConfigNode] {
        guard let items else { throw error("must be a list, found \(describe)") }
        return items
    }

    /// A string (numbers and Booleans are not converted).
    public func string() throws -> String {
        guard case .scalar(.string(let text)) = kind else { throw error("must be a string, found \(describe)") }
        return text
    }

    /// One of `choices` (matched without case).
    ///
    /// - Parameter choices: the accepted strings.
    /// - Returns: the matching entry of `choices`, spelled as in `choices`.
    /// - Throws: ``ConfigError`` when the node is not a string or matches none of `choices`.
    public func choice(_ choices: [String]) throws -> String {
        let text = try string()
        guard let match = choices.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw error("must be one of \(choices.joined(separator: ", ")), found \"\(text.prefix(40))\"")
        }
        return match
    }

    /// An integer in `range`.
    ///
    /// - Parameter range: the allowed values; default `Int.min...Int.max` (any integer).
    /// - Returns: the integer.
    /// - Throws: ``ConfigError`` when the node is not an integer (a Boolean is refused) or lies outside `range`.
    public func int(in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard case .scalar(let value) = kind, value.boolValue == nil, let integer = value.intValue, range.contains(integer) else {
            let bounds = range == Int.min...Int.max ? "an integer" : "an integer in \(range)"
            throw error("must be \(bounds), found \(describe)")
        }
        return integer
    }

    /// A number that satisfies `isValid`, described by `expectation`.
    ///
    /// - Parameters:
    ///   - expectation: how the error message describes a valid value; default `"a number"`.
    ///   - isValid: the check the number must pass; default `{ $0.isFinite }`. Non-finite numbers are always refused.
    /// - Returns: the number.
    /// - Throws: ``ConfigError`` when the node is not a finite number or fails `isValid`.
    public func double(_ expectation: String = "a number", _ isValid: (Double) -> Bool = { $0.isFinite }) throws -> Double {
        guard case .scalar(let value) = kind, let number = value.doubleValue, number.isFinite, isValid(number) else {
            throw error("must be \(expectation), found \(describe)")
        }
        return number
    }

    /// `true` or `false`.
    public func bool() throws -> Bool {
        guard case .scalar(.bool(let flag)) = kind else { throw error("must be true or false, found \(describe)") }
        return flag
    }

    /// The value as written, for messages: `"ten"`, `12`, `a list`, `a mapping`.
    public var describe: String {
        switch kind {
        case .scalar(.null): "nothing"
        case .scalar(.string(let text)): "\"\(text.prefix(40))\""
        case .scalar(let value): value.description
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
