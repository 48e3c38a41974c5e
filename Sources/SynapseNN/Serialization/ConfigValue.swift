import Foundation

/// A JSON value: the vocabulary of layer, optimizer and loss configurations in
/// model files (as Keras' `get_config()` dictionaries).
///
/// Numbers keep the distinction JSON text allows: integers decode as ``int(_:)``
/// (also when written `3.0`), everything else as ``double(_:)``. Readers that want a
/// `Float` accept both (see ``doubleValue``).
///
/// ```swift
/// let value: ConfigValue = ["units": 64, "activation": "relu", "use_bias": true]
/// let text = try value.jsonText()          // {"activation":"relu","units":64,"use_bias":true}
/// let back = try ConfigValue(jsonText: text)
/// ```
public enum ConfigValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A number with a fraction or an exponent beyond `Int`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([ConfigValue])
    /// An object.
    case object([String: ConfigValue])

    /// A `Float` written with the fewest digits that read back as the same `Float`
    /// (0.3, not 0.30000001192092896), so files stay readable and round trips exact.
    ///
    /// - Parameter value: the number; stored as ``double(_:)``.
    public init(_ value: Float) {
        if value.isFinite, let short = Double(String(value)), Float(short) == value {
            self = .double(short)
        } else {
            self = .double(Double(value))
        }
    }

    /// An array of integers (a shape, a kernel size).
    ///
    /// - Parameter values: the integers; stored as an ``array(_:)`` of ``int(_:)``.
    public init(_ values: [Int]) { self = .array(values.map(ConfigValue.int)) }

    // MARK: Reading

    /// The integer, also from a double with no fraction that fits `Int`.
    public var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && Swift.abs(value) < 9.0e15: Int(value)
        default: nil
        }
    }

    /// The number as a `Double` (integers included).
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The Boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The elements, if this is an array.
    public var arrayValue: [ConfigValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The members, if this is an object.
    public var objectValue: [String: ConfigValue]? {
        if case .object(let value) = self { value } else { nil }
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// What kind of value this is, for error messages: "a string", "an array", ...
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a Boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    // MARK: JSON text

    /// Compact JSON with sorted keys (stable output for identical values).
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses JSON text.
    ///
    /// - Parameter jsonText: one JSON value (an object, array, string, number, Boolean or `null`).
    /// - Throws: the decoder's error for text that is not JSON.
    public init(jsonText: String) throws {
        self = try JSONDecoder().decode(ConfigValue.self, from: Data(jsonText.utf8))
    }

    /// The value as JSON text, cut to 80 characters (for messages).
    public var description: String {
        let text = (try? jsonText()) ?? "?"
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }

    // MARK: Codable

    /// Decodes any JSON value; integers become ``int(_:)``, other numbers ``double(_:)``.
    ///
    /// - Parameter decoder: the decoder to read a single value from.
    /// - Throws: the decoder's `DecodingError` when the data holds no JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ConfigValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ConfigValue].self))
        }
    }

    /// Encodes the value as the JSON it stands for.
    ///
    /// - Parameter encoder: the encoder to write a single value to.
    /// - Throws: the encoder's `EncodingError`, e.g. for a non-finite ``double(_:)``
    ///   with `JSONEncoder`'s default strategy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension ConfigValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    /// `nil` is ``null``.
    ///
    /// - Parameter nilLiteral: the empty tuple the compiler passes for `nil`.
    public init(nilLiteral: ()) { self = .null }
    /// `true` / `false`.
    ///
    /// - Parameter value: the Boolean literal; stored as ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `64` is ``int(_:)``.
    ///
    /// - Parameter value: the integer literal.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// `0.5` is ``double(_:)``.
    ///
    /// - Parameter value: the floating-point literal.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `"relu"` is ``string(_:)``.
    ///
    /// - Parameter value: the string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `[3, 3]` is ``array(_:)``.
    ///
    /// - Parameter elements: the array literal's elements, in order.
    public init(arrayLiteral elements: ConfigValue...) { self = .array(elements) }
    /// `["units": 64]` is ``object(_:)`` (a repeated key keeps its last value).
    ///
    /// - Parameter elements: the dictionary literal's key–value pairs.
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
