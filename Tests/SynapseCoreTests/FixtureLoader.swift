import Foundation
import Testing
@testable import SynapseCore

/// Reading the reference files that `scripts/generate_fixtures.py` writes into
/// `Fixtures/` (copied into the test bundle).
enum FixtureLoader {
    /// Errors while locating or decoding a fixture file.
    enum LoadError: Error, CustomStringConvertible {
        case missing(String)

        var description: String {
            switch self {
            case .missing(let name):
                "Fixtures/\(name).json is not in the test bundle; run python3 scripts/generate_fixtures.py"
            }
        }
    }

    /// Decodes `Fixtures/<name>.json` from the test bundle.
    static func load<File: Decodable>(_ name: String, as type: File.Type = File.self) throws -> File {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw LoadError.missing(name)
        }
        let decoder = JSONDecoder()
        // JSON has no NaN or infinity; the generator writes them as strings.
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(File.self, from: Data(contentsOf: url))
    }

    /// The "ops" group, decoded once per test process.
    private static let opsFile: Result<OpFixtureFile, any Error> = Result { try load("ops") }

    /// Every case of `Fixtures/ops.json`.
    static func opsCases() throws -> [OpFixtureCase] { try opsFile.get().cases }
}

/// `Fixtures/ops.json`: reference values of the tensor ops.
struct OpFixtureFile: Decodable, Sendable {
    var torch: String
    var cases: [OpFixtureCase]
}

/// One op case: inputs, parameters, expected outputs, and the gradient of
/// `Σᵢ sum(outputᵢ · weightᵢ)` with respect to each float input.
struct OpFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    /// The Synapse op, the key of the Swift implementation table.
    var op: String
    var params: FixtureParameters
    var inputs: [FixtureTensor]
    var outputs: [FixtureTensor]
    /// One per output; `nil` for outputs without gradient (int, bool, constant).
    var weights: [FixtureTensor?]
    /// One per input; `nil` for inputs without gradient (int32, bool).
    var gradients: [FixtureTensor?]
    var tolerance: FixtureTolerance?
    var note: String?

    var testDescription: String { name }
}

/// A per-case tolerance override, with the reason it is needed.
struct FixtureTolerance: Decodable, Sendable {
    var absolute: Float
    var relative: Float
    var why: String
}

/// A tensor in a fixture: dtype name, shape and row-major values (bools as 0/1).
struct FixtureTensor: Decodable, Sendable {
    var name: String?
    var dtype: String
    var shape: [Int]
    var values: [Float]

    /// The Synapse tensor with these values.
    func tensor() throws -> Tensor {
        switch dtype {
        case "float32": return Tensor(values, shape: shape)
        case "int32": return Tensor(int32: values.map { Int32($0) }, shape: shape)
        case "bool": return Tensor(bool: values.map { $0 != 0 }, shape: shape)
        default: throw FixtureParameters.ParameterError.invalid("dtype", dtype)
        }
    }
}

/// A JSON value of an op's parameter list.
enum FixtureValue: Decodable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case array([FixtureValue])
    case object([String: FixtureValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([FixtureValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: FixtureValue].self))
        }
    }

    var int: Int? { if case .number(let value) = self, value == value.rounded() { Int(value) } else { nil } }
    var float: Float? { if case .number(let value) = self { Float(value) } else { nil } }
}

/// An op's parameters by name, with typed accessors that throw on a wrong type.
/// An absent parameter means "call Synapse with its default".
struct FixtureParameters: Decodable, Sendable {
    enum ParameterError: Error, CustomStringConvertible {
        case missing(String)
        case invalid(String, String)

        var description: String {
            switch self {
            case .missing(let key): "parameter '\(key)' is missing"
            case .invalid(let key, let value): "parameter '\(key)' has an unexpected value \(value)"
            }
        }
    }

    var values: [String: FixtureValue]

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: FixtureValue].self)
    }

    func int(_ key: String) throws -> Int? {
        guard let value = values[key] else { return nil }
        guard let int = value.int else { throw ParameterError.invalid(key, "\(value)") }
        return int
    }

    func ints(_ key: String) throws -> [Int]? {
        guard let value = values[key] else { return nil }
        guard case .array(let elements) = value else { throw ParameterError.invalid(key, "\(value)") }
        return try elements.map { element in
            guard let int = element.int else { throw ParameterError.invalid(key, "\(value)") }
            return int
        }
    }

    func float(_ key: String) throws -> Float? {
        guard let value = values[key] else { return nil }
        guard let float = value.float else { throw ParameterError.invalid(key, "\(value)") }
        return float
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = values[key] else { return nil }
        guard case .bool(let bool) = value else { throw ParameterError.invalid(key, "\(value)") }
        return bool
    }

    func string(_ key: String) throws -> String? {
        guard let value = values[key] else { return nil }
        guard case .string(let string) = value else { throw ParameterError.invalid(key, "\(value)") }
        return string
    }

    func array(_ key: String) throws -> [FixtureValue]? {
        guard let value = values[key] else { return nil }
        guard case .array(let elements) = value else { throw ParameterError.invalid(key, "\(value)") }
        return elements
    }

    /// A parameter the op cannot do without.
    func required<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
        guard let value = try read(key) else { throw ParameterError.missing(key) }
        return value
    }
}
