/// The body of a predict request, `{"instances": [...]}` (or the columnar
/// `{"inputs": [...]}`), parsed straight into one flat buffer of numbers.
///
/// Each instance is a number or a nested array of numbers, all of the same shape:
///
/// ```json
/// {"instances": [[0.0, 0.5, ...], [0.1, 0.0, ...]]}
/// ```
///
/// Parsing is strict JSON (RFC 8259) and reports the first problem with its place:
/// `instances[1][3]: expected a number, found a string`. Nesting is limited to
/// ``maximumDepth`` levels, so no input can exhaust the stack. Numbers must fit
/// in float32. Other top-level keys (such as `signature_name`) are checked as JSON
/// and ignored.
///
/// A model with several inputs takes TF Serving's columnar form with one list per
/// input name, all with the same number of instances:
///
/// ```json
/// {"inputs": {"image": [[...], [...]], "tabular": [[1.0, 2.0], [3.0, 4.0]]}}
/// ```
public struct PredictRequest: Sendable, Equatable {
    /// All numbers of all instances, row-major, instance after instance (empty
    /// when the inputs are named).
    public var values: [Float]
    /// How many instances the request holds.
    public var count: Int
    /// The shape of one instance (`[]` for plain numbers; empty when the inputs are named).
    public var instanceShape: [Int]
    /// Whether the columnar `inputs` key was used (then the answer says `outputs`).
    public var columnar: Bool
    /// The instances of each input by name, from `{"inputs": {"name": [...]}}`;
    /// empty for an unnamed list.
    public var namedInputs: [String: Instances] = [:]

    /// The instances of one named input.
    public struct Instances: Sendable, Equatable {
        /// All numbers, row-major, instance after instance.
        public var values: [Float]
        /// The shape of one instance.
        public var instanceShape: [Int]
    }

    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Parses a request body.
    ///
    /// - Parameter bytes: the body, UTF-8 JSON: `{"instances": [...]}` or `{"inputs": ...}`.
    /// - Throws: ``ServingError`` (400) naming the first problem.
    public init(json bytes: some Collection<UInt8>) throws(ServingError) {
        let array = Array(bytes)
        let parsed = try array.withUnsafeBufferPointer { (buffer) throws(ServingError) -> PredictRequest in
            var parser = JSONInstancesParser(buffer)
            return try parser.parseBody()
        }
        self = parsed
    }

    init(values: [Float], count: Int, instanceShape: [Int], columnar: Bool, namedInputs: [String: Instances] = [:]) {
        (self.values, self.count, self.instanceShape, self.columnar) = (values, count, instanceShape, columnar)
        self.namedInputs = namedInputs
    }
}

/// A single-pass parser over the bytes of a predict body.
struct JSONInstancesParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var values: [Float] = []
    /// Lengths of the arrays at each depth below the instance list (the instance shape).
    private var dimensions: [Int?] = []
    /// The depth at which numbers sit (1: the instances are plain numbers).
    private var leafDepth: Int?
    /// The indices leading to the value being parsed, for messages.
    private var path: [Int] = []
    private var key = "instances"

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseBody() throws(ServingError) -> PredictRequest {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            throw .badRequest(bytes.isEmpty ? "the request body is empty; send {\"instances\": [...]}"
                                            : "the request body must be a JSON object {\"instances\": [...]}, found \(describeNext())")
        }
        position += 1
        var found: (count: Int, columnar: Bool)?
        var named: [String: PredictRequest.Instances] = [:]
        var seenKeys = Set<String>()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let name = try parseString(context: "an object key")
                guard seenKeys.insert(name).inserted else { throw .badRequest("the key \"\(name.prefix(40))\" appears twice") }
                try expect(UInt8(ascii: ":"), after: "the key \"\(name.prefix(40))\"")
                skipWhitespace()
                if name == "instances" || name == "inputs" {
                    guard found == nil else { throw .badRequest("give either \"instances\" or \"inputs\", not both") }
                    key = name
                    if name == "inputs" && peek() == UInt8(ascii: "{") {
                        (found, named) = try parseNamedInputs()
                    } else {
                        found = (try parseInstanceList(), name == "inputs")
                    }
                } else {
                    try skipValue(depth: 1)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"), after: "a value in the request object")
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw .badRequest("unexpected \(describeNext()) after the JSON object") }
        guard let found else { throw .badRequest("the request object has no \"instances\" key; send {\"instances\": [...]}") }
        guard found.count > 0 else { throw .badRequest("\"\(key)\" is empty; send at least one instance") }
        if !named.isEmpty { return PredictRequest(values: [], count: found.count, instanceShape: [], columnar: true, namedInputs: named) }
        let depth = leafDepth ?? 1
        let shape = dimensions.prefix(depth - 1).map { $0 ?? 0 }
        return PredictRequest(values: values, count: found.count, instanceShape: shape, columnar: found.columnar)
    }

    /// Parses `{"name": [instances], ...}`: each input's list on its own, all with the
    /// same number of instances.
    private mutating func parseNamedInputs() throws(ServingError) -> ((count: Int, columnar: Bool), [String: PredictRequest.Instances]) {
        position += 1  // "{"
        var named: [String: PredictRequest.Instances] = [:]
        var count: Int?
        skipWhitespace()
        guard peek() != UInt8(ascii: "}") else { throw .badRequest("\"inputs\" is an empty object; give one list of instances per input name") }
        while true {
            skipWhitespace()
            let name = try parseString(context: "an input name")
            guard named[name] == nil else { throw .badRequest("the input \"\(name.prefix(40))\" appears twice") }
            try expect(UInt8(ascii: ":"), after: "the input name \"\(name.prefix(40))\"")
            skipWhitespace()
            (values, dimensions, leafDepth, path, key) = ([], [], nil, [], "inputs.\(name.prefix(40))")
            let instances = try parseInstanceList()
            if let count, count != instances {
                throw .badRequest("every input needs the same number of instances; \"\(name.prefix(40))\" has \(instances), an earlier one \(count)")
            }
            count = instances
            let shape = dimensions.prefix((leafDepth ?? 1) - 1).map { $0 ?? 0 }
            named[name] = PredictRequest.Instances(values: values, instanceShape: shape)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "}"), after: "an input's instances")
            break
        }
        key = "inputs"
        return ((count ?? 0, true), named)
    }

    /// Parses `[instance, instance, ...]`; returns the number of instances.
    private mutating func parseInstanceList() throws(ServingError) -> Int {
        guard peek() == UInt8(ascii: "[") else {
            throw .badRequest("\"\(key)\" must be an array of instances, found \(describeNext())")
        }
        return try parseArray(depth: 0)
    }

    /// Parses an array whose elements sit at `depth + 1`; returns its length.
    private mutating func parseArray(depth: Int) throws(ServingError) -> Int {
        guard depth < PredictRequest.maximumDepth else { throw .badRequest("\(place()): arrays nested deeper than \(PredictRequest.maximumDepth) levels") }
        position += 1  // "["
        var count = 0
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                path.append(count)
                try parseElement(depth: depth + 1)
                path.removeLast()
                count += 1
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                guard peek() == UInt8(ascii: "]") else {
                    throw .badRequest("\(place()): expected ',' or ']' after element \(count - 1), found \(describeNext())")
                }
                position += 1
                break
            }
        }
        if depth >= 1 {
            while dimensions.count < depth { dimensions.append(nil) }
            if let expected = dimensions[depth - 1] {
                guard expected == count else {
                    throw .badRequest("\(place()) has \(count) elements where earlier arrays at this level have \(expected); instances must all have the same shape")
                }
            } else {
                dimensions[depth - 1] = count
            }
        }
        return count
    }

    private mutating func parseElement(depth: Int) throws(ServingError) {
        let byte = peek()
        if byte == UInt8(ascii: "[") {
            if let leafDepth, depth >= leafDepth { throw .badRequest("\(place()): expected a number, found an array") }
            _ = try parseArray(depth: depth)
        } else if byte == UInt8(ascii: "-") || (byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false) {
            if let leafDepth {
                guard leafDepth == depth else { throw .badRequest("\(place()): expected an array, found a number") }
            } else {
                guard dimensions.count < depth || dimensions[(depth - 1)...].allSatisfy({ $0 == nil }) else {
                    throw .badRequest("\(place()): expected an array, found a number")
                }
                leafDepth = depth
            }
            values.append(try parseNumber())
        } else {
            throw .badRequest("\(place()): expected a number, found \(describeNext())")
        }
    }

    // MARK: Numbers

    /// Parses a JSON number as float32. Up to 19 significant digits with a small
    /// exponent take the exact fast path (one rounding to Double, one to Float).
    private mutating func parseNumber() throws(ServingError) -> Float {
        let start = position
        var negative = false
        if peek() == UInt8(ascii: "-") { negative = true; position += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard let first = peek(), isDigit(first) else { throw .badRequest("\(place()): malformed number") }
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = peek(), isDigit(next) { throw .badRequest("\(place()): numbers cannot have leading zeros") }
        } else {
            while let byte = peek(), isDigit(byte) {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0")); digits += 1 } else { exponent += 1 }
                position += 1
            }
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let byte = peek(), isDigit(byte) else { throw .badRequest("\(place()): malformed number (no digit after '.')") }
            while let byte = peek(), isDigit(byte) {
                if digits < 19 { mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0")); digits += 1; exponent -= 1 }
                if mantissa == 0 { digits = 0 }  // leading zeros of 0.000123 are not significant
                position += 1
            }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            var exponentNegative = false
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                position += 1
            }
            guard let byte = peek(), isDigit(byte) else { throw .badRequest("\(place()): malformed number (no digit in the exponent)") }
            var value = 0
            while let byte = peek(), isDigit(byte) {
                if value < 100_000 { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
                position += 1
            }
            exponent += exponentNegative ? -value : value
        }
        let magnitude: Double
        if mantissa == 0 {
            magnitude = 0
        } else if mantissa < (1 << 53) && abs(exponent) <= 22 {
            let power = Self.powersOfTen[abs(exponent)]
            magnitude = exponent < 0 ? Double(mantissa) / power : Double(mantissa) * power
        } else {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            magnitude = abs(Double(text) ?? .infinity)
        }
        let value = Float(negative ? -magnitude : magnitude)
        guard value.isFinite else { throw .badRequest("\(place()): \(numberText(from: start)) is outside the float32 range") }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private func numberText(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<min(position, start + 40)]), as: UTF8.self)
    }

    // MARK: Strings and other values

    /// Parses a string; returns its text (escapes decoded).
    private mutating func parseString(context: String) throws(ServingError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw .badRequest("expected \(context) (a string), found \(describeNext())") }
        position += 1
        var text: [UInt8] = []
        while let byte = peek() {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { break }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(8)
                case UInt8(ascii: "f"): text.append(12)
                case UInt8(ascii: "n"): text.append(10)
                case UInt8(ascii: "r"): text.append(13)
                case UInt8(ascii: "t"): text.append(9)
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                          let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<position + 4]), as: UTF8.self), radix: 16) else {
                        throw .badRequest("malformed \\u escape in a string")
                    }
                    position += 4
                    text.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    throw .badRequest("invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
                }
            case 0..<0x20:
                throw .badRequest("control character in a string (escape it)")
            default:
                text.append(byte)
            }
        }
        throw .badRequest("unterminated string")
    }

    /// Checks and skips any JSON value (for keys the server does not use).
    private mutating func skipValue(depth: Int) throws(ServingError) {
        guard depth < PredictRequest.maximumDepth else { throw .badRequest("JSON nested deeper than \(PredictRequest.maximumDepth) levels") }
        skipWhitespace()
        guard let byte = peek() else { throw .badRequest("unexpected end of the body") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try parseString(context: "a value")
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if peek() == close { position += 1; return }
            while true {
                skipWhitespace()
                if isObject {
                    _ = try parseString(context: "an object key")
                    try expect(UInt8(ascii: ":"), after: "an object key")
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(close, after: "a value")
                return
            }
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        default:
            _ = try parseNumber()
        }
    }

    private mutating func expectWord(_ word: String) throws(ServingError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw .badRequest("malformed JSON: expected '\(word)', found \(describeNext())") }
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8, after what: String) throws(ServingError) {
        skipWhitespace()
        guard peek() == byte else {
            throw .badRequest("malformed JSON: expected '\(Character(Unicode.Scalar(byte)))' after \(what), found \(describeNext())")
        }
        position += 1
    }

    // MARK: Bytes

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    /// `instances[2][5]`: where the parser is.
    private func place() -> String { key + path.map { "[\($0)]" }.joined() }

    /// What comes next, for messages: "a string", "'x' at byte 12", "the end of the body".
    private func describeNext() -> String {
        guard let byte = peek() else { return "the end of the body" }
        switch byte {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))' at byte \(position)"
        default: return "byte 0x\(String(byte, radix: 16)) at byte \(position)"
        }
    }
}
