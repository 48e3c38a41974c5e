import SynapseCore

/// The header of a `.npy` file and the byte-level conversions around it.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (2 bytes little-endian in version 1, 4 in versions 2 and 3), then the header: a
/// Python dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`
/// padded with spaces and a newline so that the data starts on a 64-byte boundary.
struct NumPyHeader {
    var elementType: NumPyArray.ElementType
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]
    /// Where the data starts.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY
    /// Longest header accepted (NumPy itself refuses headers over 10,000 bytes by default).
    static let maximumHeaderLength = 1 << 20

    var byteCount: Int { Shape.elementCount(shape) * elementType.byteSize }

    /// Parses the header at the start of `data` (only its first bytes are needed).
    init(parsing data: some RandomAccessCollection<UInt8>) throws {
        let bytes = Array(data.prefix(Self.maximumHeaderLength + 12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == Self.magic else {
            throw NumPyError("not a NumPy .npy file (it does not start with \\x93NUMPY)")
        }
        let major = bytes[6]
        let (lengthSize, headerStart): (Int, Int)
        switch major {
        case 1: (lengthSize, headerStart) = (2, 10)
        case 2, 3: (lengthSize, headerStart) = (4, 12)
        default: throw NumPyError("unsupported .npy format version \(major).\(bytes[7]) (versions 1 to 3 are read)")
        }
        guard bytes.count >= headerStart else { throw NumPyError("truncated: the file ends inside the header") }
        let length = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        guard length <= Self.maximumHeaderLength, headerStart + length <= bytes.count else {
            throw NumPyError("truncated or damaged: a header of \(length) bytes does not fit the file")
        }
        // Versions 1 and 2 hold ASCII (Latin-1 in principle, never used), version 3 UTF-8.
        guard let text = String(validating: bytes[headerStart..<(headerStart + length)], as: UTF8.self),
              major == 3 || text.allSatisfy(\.isASCII) else {
            throw NumPyError("the header is not \(major == 3 ? "UTF-8" : "ASCII") text")
        }
        let dictionary = try HeaderLiteral.parseDictionary(text)
        guard case .string(let descriptor)? = dictionary["descr"] else {
            throw NumPyError("the header has no 'descr' string (a structured or object array?): \(text.trimmingTrailingSpaces)")
        }
        guard case .bool(let fortran)? = dictionary["fortran_order"] else {
            throw NumPyError("the header has no 'fortran_order' True or False")
        }
        guard case .tuple(let dimensions)? = dictionary["shape"], dimensions.allSatisfy({ $0 >= 0 }) else {
            throw NumPyError("the header has no 'shape' tuple of non-negative integers")
        }
        var count = 1
        for dimension in dimensions {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product < Int(Int32.max) * 16 else { throw NumPyError("the shape \(dimensions) is too large") }
            count = product
        }
        (elementType, bigEndian) = try Self.elementType(descriptor)
        fortranOrder = fortran
        shape = dimensions
        dataOffset = headerStart + length
    }

    /// The element type of a `descr` such as "<f4"; refuses the rest by name.
    private static func elementType(_ descriptor: String) throws -> (NumPyArray.ElementType, bigEndian: Bool) {
        if descriptor.contains("O") {
            throw NumPyError("object arrays (dtype \(descriptor)) are stored as Python pickles, which Synapse never loads; save a numeric array")
        }
        guard let order = descriptor.first, "<>|=".contains(order),
              let type = NumPyArray.ElementType(rawValue: String(descriptor.dropFirst())) else {
            let supported = NumPyArray.ElementType.allCases.map(\.descriptor).joined(separator: ", ")
            throw NumPyError("unsupported element type '\(descriptor)' (supported: \(supported))")
        }
        return (type, order == ">" && type.byteSize > 1)
    }

    /// The bytes of a version 1.0 header (2.0 when longer than 65,535 bytes) for
    /// little-endian C-order data.
    static func encode(elementType: NumPyArray.ElementType, shape: [Int]) -> [UInt8] {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var text = "{'descr': '\(elementType.descriptor)', 'fortran_order': False, 'shape': \(dimensions), }"
        let version: UInt8 = text.utf8.count + 12 > 65_535 ? 2 : 1
        let prefix = version == 1 ? 10 : 12
        while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        let length = text.utf8.count
        let lengthBytes = (0..<(prefix - 8)).map { UInt8((length >> (8 * $0)) & 0xFF) }
        return magic + [version, 0] + lengthBytes + Array(text.utf8)
    }

    /// Reverses the bytes of every element in place (big-endian → little-endian).
    static func swapBytes(_ bytes: inout [UInt8], elementSize: Int) {
        guard elementSize > 1 else { return }
        for start in stride(from: 0, to: bytes.count, by: elementSize) {
            bytes[start..<(start + elementSize)].reverse()
        }
    }

    /// Fortran (column-major) element order rearranged into C (row-major) order.
    static func cOrder(fromFortran bytes: [UInt8], shape: [Int], elementSize: Int) -> [UInt8] {
        guard shape.count > 1 else { return bytes }
        var fortranStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
        var result = [UInt8](repeating: 0, count: bytes.count)
        var index = [Int](repeating: 0, count: shape.count)
        for element in 0..<Shape.elementCount(shape) {
            let source = zip(index, fortranStrides).reduce(0) { $0 + $1.0 * $1.1 } * elementSize
            for byte in 0..<elementSize { result[element * elementSize + byte] = bytes[source + byte] }
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// A CPU tensor from little-endian C-order bytes (see ``NumPyArray/tensor()``).
    static func tensor(from bytes: ArraySlice<UInt8>, elementType: NumPyArray.ElementType, shape: [Int]) throws -> Tensor {
        let count = Shape.elementCount(shape)
        func load<T>(_: T.Type) -> [T] {
            bytes.withUnsafeBytes { raw in
                [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for i in 0..<count { buffer[i] = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self) }
                    initialized = count
                }
            }
        }
        switch elementType {
        case .float32: return Tensor(load(Float.self), shape: shape)
        case .float64: return Tensor(float64: load(Double.self), shape: shape)
        case .int32: return Tensor(int32: load(Int32.self), shape: shape)
        case .uint8: return Tensor(int32: load(UInt8.self).map { Int32($0) }, shape: shape)
        case .bool: return Tensor(bool: load(UInt8.self).map { $0 != 0 }, shape: shape)
        case .int64:
            let values = load(Int64.self)
            if let outside = values.first(where: { $0 < Int64(Int32.min) || $0 > Int64(Int32.max) }) {
                throw NumPyError("int64 value \(outside) does not fit in int32, Synapse's integer type")
            }
            return Tensor(int32: values.map { Int32($0) }, shape: shape)
        }
    }
}

/// The few Python literals a `.npy` header holds, parsed (never evaluated).
enum HeaderLiteral: Equatable {
    case string(String)
    case bool(Bool)
    case tuple([Int])

    /// Parses `{'key': value, ...}` with string, True/False and integer-tuple values.
    static func parseDictionary(_ text: String) throws -> [String: HeaderLiteral] {
        var scanner = Scanner(Array(text.unicodeScalars))
        var result: [String: HeaderLiteral] = [:]
        try scanner.expect("{")
        while true {
            scanner.skipSpaces()
            if scanner.take("}") { break }
            let key = try scanner.string()
            try scanner.expect(":")
            scanner.skipSpaces()
            result[key] = try scanner.value()
            scanner.skipSpaces()
            if scanner.take(",") { continue }
            try scanner.expect("}")
            break
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw NumPyError("the header has text after its dictionary") }
        return result
    }

    private struct Scanner {
        let characters: [Unicode.Scalar]
        var position = 0
        init(_ characters: [Unicode.Scalar]) { self.characters = characters }

        var atEnd: Bool { position >= characters.count }
        mutating func skipSpaces() { while !atEnd, characters[position].properties.isWhitespace { position += 1 } }
        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard !atEnd, characters[position] == character else { return false }
            position += 1
            return true
        }
        mutating func expect(_ character: Unicode.Scalar) throws {
            skipSpaces()
            guard take(character) else { throw NumPyError("the header is not a dictionary literal (expected '\(character)' at character \(position))") }
        }
        mutating func string() throws -> String {
            skipSpaces()
            guard !atEnd, characters[position] == "'" || characters[position] == "\"" else {
                throw NumPyError("the header's keys must be quoted strings (character \(position))")
            }
            let quote = characters[position]
            position += 1
            var text = String.UnicodeScalarView()
            while !atEnd, characters[position] != quote {
                text.append(characters[position])
                position += 1
            }
            guard take(quote) else { throw NumPyError("the header has an unterminated string") }
            return String(text)
        }
        mutating func value() throws -> HeaderLiteral {
            guard !atEnd else { throw NumPyError("the header ends inside its dictionary") }
            switch characters[position] {
            case "'", "\"": return .string(try string())
            case "(": return .tuple(try tuple())
            default:
                for (word, value) in [("True", true), ("False", false)] where matches(word) {
                    position += word.unicodeScalars.count
                    return .bool(value)
                }
                throw NumPyError("the header has a value that is not a string, True, False or a tuple (character \(position))")
            }
        }
        private func matches(_ word: String) -> Bool {
            let scalars = Array(word.unicodeScalars)
            return position + scalars.count <= characters.count && Array(characters[position..<(position + scalars.count)]) == scalars
        }
        mutating func tuple() throws -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpaces()
                if take(")") { return values }
                var digits = ""
                while !atEnd, characters[position].properties.numericType != nil || characters[position] == "L" {
                    if characters[position] != "L" { digits.unicodeScalars.append(characters[position]) }
                    position += 1
                }
                guard let value = Int(digits) else { throw NumPyError("the shape has an entry that is not an integer") }
                values.append(value)
                skipSpaces()
                if take(",") { continue }
                try expect(")")
                return values
            }
        }
    }
}

extension String {
    /// The text without trailing spaces and newlines.
    var trimmingTrailingSpaces: String {
        String(unicodeScalars.reversed().drop { $0.properties.isWhitespace }.reversed().map(Character.init))
    }
}
