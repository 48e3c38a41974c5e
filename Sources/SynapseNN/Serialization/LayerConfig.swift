/// A layer's constructor arguments as JSON-compatible values, with Keras' keys
/// (`units`, `activation`, `use_bias`, `kernel_size`, ...), plus its class name.
///
/// ``ConfigurableLayer`` conformers produce one with ``ConfigurableLayer/config``
/// and are rebuilt from one by ``LayerRegistry/makeLayer(from:)``. Every config
/// carries the layer's `name` and `trainable` flag. Encoded as Keras does:
/// `{"class_name": "Dense", "config": {"units": 64, ...}}`.
///
/// The typed readers (``int(_:default:range:)``, ``float(_:default:where:_:)``, ...)
/// throw ``ModelFileError`` naming the layer and the key, so a damaged file gives
/// a message such as `layer 'dense_1' (Dense): "units" must be an integer in
/// 1...16777216, found -3`.
///
/// ```swift
/// let config = Dense(64, activation: .relu).config
/// config["units"]                         // .int(64)
/// let copy = try LayerRegistry.makeLayer(from: config) as! Dense
/// ```
public struct LayerConfig: Sendable, Hashable, Codable {
    /// The registered class name, e.g. "Dense" (Keras' `class_name`).
    public var className: String
    /// The arguments, by Keras key.
    public var values: [String: ConfigValue]

    /// Largest integer accepted for sizes (units, filters, dimensions, windows):
    /// 2²⁴. Larger values in a file are rejected before anything is allocated.
    public static let maximumSize = 1 << 24

    /// - Parameters:
    ///   - className: the name the layer class is registered under.
    ///   - values: the arguments, by key.
    public init(className: String, values: [String: ConfigValue] = [:]) {
        self.className = className
        self.values = values
    }

    /// The value for `key`, if present; setting `nil` removes the key.
    ///
    /// - Parameter key: a Keras key, e.g. "units".
    public subscript(key: String) -> ConfigValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The layer's name (its `name` key), or "?" for messages when there is none.
    public var layerName: String { values["name"]?.stringValue ?? "?" }

    private enum CodingKeys: String, CodingKey {
        case className = "class_name"
        case values = "config"
    }

    // MARK: Errors

    /// A ``ModelFileError/invalidConfig(layer:className:key:reason:)`` for this layer.
    ///
    /// - Parameters:
    ///   - key: the offending key.
    ///   - reason: what is wrong with its value, e.g. "must be positive".
    /// - Returns: the error, naming this layer (``layerName``) and ``className``.
    public func invalid(_ key: String, _ reason: String) -> ModelFileError {
        .invalidConfig(layer: layerName, className: className, key: key, reason: reason)
    }

    /// "must be <expectation>, found <value>".
    private func mismatch(_ key: String, _ expectation: String, _ value: ConfigValue) -> ModelFileError {
        invalid(key, "must be \(expectation), found \(value)")
    }

    /// The value for `key`; `nil` when absent or `null` and a default exists.
    private func required(_ key: String, hasDefault: Bool) throws -> ConfigValue? {
        guard let value = values[key], !value.isNull else {
            if hasDefault { return nil }
            throw ModelFileError.missingConfigKey(layer: layerName, className: className, key: key)
        }
        return value
    }

    // MARK: Typed readers

    /// An integer in `range` (by default 0 through ``maximumSize``).
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - defaultValue: used when the key is absent or `null`; `nil` (the default) makes the key required.
    ///   - range: the accepted values; default `0...LayerConfig.maximumSize`.
    /// - Returns: the integer.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required
    ///   key is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when
    ///   the value is not an integer in `range`.
    public func int(_ key: String, default defaultValue: Int? = nil,
                    range: ClosedRange<Int> = 0...LayerConfig.maximumSize) throws -> Int {
        guard let value = try required(key, hasDefault: defaultValue != nil) else { return defaultValue! }
        guard let integer = value.intValue, range.contains(integer) else {
            throw mismatch(key, "an integer in \(range)", value)
        }
        return integer
    }

    /// A finite number that satisfies `isValid`, described by `expectation` ("in [0, 1)").
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - defaultValue: used when the key is absent or `null`; `nil` (the default) makes the key required.
    ///   - expectation: what a valid value is, for the error message; default "a finite number".
    ///   - isValid: the check the value must pass; by default every finite number passes.
    /// - Returns: the number, as a `Float`.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required
    ///   key is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when
    ///   the value is not a finite number or fails `isValid`.
    public func float(_ key: String, default defaultValue: Float? = nil, where expectation: String = "a finite number",
                      _ isValid: (Float) -> Bool = { _ in true }) throws -> Float {
        guard let value = try required(key, hasDefault: defaultValue != nil) else { return defaultValue! }
        guard let number = value.doubleValue, Float(number).isFinite, isValid(Float(number)) else {
            throw mismatch(key, expectation, value)
        }
        return Float(number)
    }

    /// A Boolean.
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - defaultValue: used when the key is absent or `null`; `nil` (the default) makes the key required.
    /// - Returns: the Boolean.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required
    ///   key is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when
    ///   the value is not `true` or `false`.
    public func bool(_ key: String, default defaultValue: Bool? = nil) throws -> Bool {
        guard let value = try required(key, hasDefault: defaultValue != nil) else { return defaultValue! }
        guard let flag = value.boolValue else { throw mismatch(key, "true or false", value) }
        return flag
    }

    /// A string.
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - defaultValue: used when the key is absent or `null`; `nil` (the default) makes the key required.
    /// - Returns: the string.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required
    ///   key is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when
    ///   the value is not a string.
    public func string(_ key: String, default defaultValue: String? = nil) throws -> String {
        guard let value = try required(key, hasDefault: defaultValue != nil) else { return defaultValue! }
        guard let text = value.stringValue else { throw mismatch(key, "a string", value) }
        return text
    }

    /// A string, or `nil` when absent or `null`.
    ///
    /// - Parameter key: the key to read.
    /// - Returns: the string, or `nil`.
    /// - Throws: ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when the
    ///   value is present but not a string.
    public func optionalString(_ key: String) throws -> String? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw mismatch(key, "a string", value) }
        return text
    }

    /// The layer name to pass to an initializer (`name`), if any; it must be a
    /// non-empty string without "." (dots separate weight-name parts).
    public func name() throws -> String? {
        guard let name = try optionalString("name") else { return nil }
        guard !name.isEmpty, !name.contains("."), name.count <= 256 else {
            throw invalid("name", "must be a non-empty string of at most 256 characters without \".\", found \"\(name.prefix(40))\"")
        }
        return name
    }

    /// A list of integers, each in `range`, with at most `maximumCount` elements.
    ///
    /// - Parameters:
    ///   - key: the key to read; it is required.
    ///   - range: the accepted values of each element; default `1...LayerConfig.maximumSize`.
    ///   - maximumCount: the most elements accepted; default `8`.
    /// - Returns: the integers.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when the key is
    ///   absent or `null`, ``ModelFileError/invalidConfig(layer:className:key:reason:)``
    ///   when the value is not such a list.
    public func intArray(_ key: String, range: ClosedRange<Int> = 1...LayerConfig.maximumSize,
                         maximumCount: Int = 8) throws -> [Int] {
        guard let value = try required(key, hasDefault: false) else { return [] }
        let expectation = "a list of at most \(maximumCount) integers in \(range)"
        guard let elements = value.arrayValue, elements.count <= maximumCount else { throw mismatch(key, expectation, value) }
        return try elements.map { element in
            guard let integer = element.intValue, range.contains(integer) else { throw mismatch(key, expectation, value) }
            return integer
        }
    }

    /// A pair of integers in `range`, written `[a, b]` or as one integer `n` meaning `[n, n]`.
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - defaultValue: used when the key is absent or `null`; `nil` (the default) makes the key required.
    ///   - range: the accepted values of each integer; default `1...LayerConfig.maximumSize`.
    /// - Returns: the pair.
    /// - Throws: ``ModelFileError/missingConfigKey(layer:className:key:)`` when a required
    ///   key is absent, ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when
    ///   the value is neither an integer nor a pair of integers in `range`.
    public func intPair(_ key: String, default defaultValue: (Int, Int)? = nil,
                        range: ClosedRange<Int> = 1...LayerConfig.maximumSize) throws -> (Int, Int) {
        guard let value = try required(key, hasDefault: defaultValue != nil) else { return defaultValue! }
        guard let pair = Self.pair(value, range) else { throw mismatch(key, "an integer or a pair of integers in \(range)", value) }
        return pair
    }

    /// Like ``intPair(_:default:range:)``, but absent or `null` gives `nil`.
    ///
    /// - Parameters:
    ///   - key: the key to read.
    ///   - range: the accepted values of each integer; default `1...LayerConfig.maximumSize`.
    /// - Returns: the pair, or `nil`.
    /// - Throws: ``ModelFileError/invalidConfig(layer:className:key:reason:)`` when the
    ///   value is present but neither an integer nor a pair of integers in `range`.
    public func optionalIntPair(_ key: String, range: ClosedRange<Int> = 1...LayerConfig.maximumSize) throws -> (Int, Int)? {
        guard let value = values[key], !value.isNull else { return nil }
        guard let pair = Self.pair(value, range) else { throw mismatch(key, "null, an integer or a pair of integers in \(range)", value) }
        return pair
    }

    private static func pair(_ value: ConfigValue, _ range: ClosedRange<Int>) -> (Int, Int)? {
        if let single = value.intValue { return range.contains(single) ? (single, single) : nil }
        guard let elements = value.arrayValue, elements.count == 2,
              let first = elements[0].intValue, let second = elements[1].intValue,
              range.contains(first), range.contains(second) else { return nil }
        return (first, second)
    }

    /// Whether `key` holds a value other than `null`.
    ///
    /// - Parameter key: the key to look up.
    /// - Returns: `true` when the key is present and not `null`.
    public func contains(_ key: String) -> Bool {
        if let value = values[key] { !value.isNull } else { false }
    }
}
