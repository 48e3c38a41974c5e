import Foundation
import SynapseCore

/// Errors from reading or writing safetensors files. Every violation of the format
/// by a damaged or hostile file is one of these; nothing traps.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// The file at `path` cannot be read; `reason` is the system's message.
    case unreadable(path: String, reason: String)
    /// The file at `path` cannot be written; `reason` names the step that failed and the system's message.
    case unwritable(path: String, reason: String)
    /// Fewer than 8 bytes, or a header length beyond the file or the limit.
    case badHeaderLength(UInt64, fileSize: Int)
    /// The header is not UTF-8 JSON, or not a JSON object.
    case badHeaderJSON(String)
    /// A tensor entry is malformed (named).
    case badEntry(tensor: String, reason: String)
    /// A dtype Synapse does not read.
    case unsupportedDType(tensor: String, dtype: String)
    /// Two tensors claim overlapping bytes.
    case overlappingData(String, String)
    /// The `__metadata__` entry is not a map of strings.
    case badMetadata(String)
    /// A tensor that was asked for is not in the file.
    case missingTensor(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .badHeaderLength(let length, let size):
            "not a safetensors file: header length \(length) does not fit a file of \(size) bytes"
        case .badHeaderJSON(let reason): "not a safetensors file: the header is not a JSON object (\(reason))"
        case .badEntry(let tensor, let reason): "tensor '\(tensor)': \(reason)"
        case .unsupportedDType(let tensor, let dtype): "tensor '\(tensor)': unsupported dtype \(dtype) (supported: F32, F64, I32, I64, U8, BOOL)"
        case .overlappingData(let first, let second): "tensors '\(first)' and '\(second)' overlap in the data section"
        case .badMetadata(let reason): "invalid __metadata__: \(reason)"
        case .missingTensor(let name): "the file has no tensor named '\(name)'"
        }
    }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a
/// JSON header mapping tensor names to `{"dtype", "shape", "data_offsets"}` plus an
/// optional `"__metadata__"` map of strings, then the raw little-endian data.
/// Readable by the Python `safetensors` package and PyTorch.
///
/// ```swift
/// try SafeTensors.write(["dense.kernel": w], metadata: ["format": "synapse"], to: url)
/// let file = try SafeTensors.read(from: url)
/// let w2 = file.tensors["dense.kernel"]!
/// ```
public struct SafeTensors: Sendable {
    /// The tensors, by name. F64 is converted to float32 and I64 to int32 (values
    /// outside Int32's range are rejected); U8 and BOOL become bool.
    public var tensors: [String: Tensor]
    /// The string metadata.
    public var metadata: [String: String]

    /// Largest header accepted (the reference implementation's limit is 100 MB).
    public static let maximumHeaderLength = 100_000_000

    /// A file's contents, to write with ``write(to:)``.
    ///
    /// - Parameters:
    ///   - tensors: the tensors, by name.
    ///   - metadata: the string metadata, stored as `__metadata__`; default empty.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    // MARK: Reading

    /// Reads and validates a file.
    ///
    /// - Parameter url: the `.safetensors` file.
    /// - Returns: its tensors and metadata.
    /// - Throws: ``SafeTensorsError/unreadable(path:reason:)`` when the file cannot be read;
    ///   any other ``SafeTensorsError`` when its contents break the format.
    public static func read(from url: URL) throws -> SafeTensors {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try parse(data)
    }

    /// Parses file bytes, treating them as untrusted: every length, offset, dtype
    /// and shape is checked before anything is allocated or copied.
    ///
    /// - Parameter data: the whole file's bytes.
    /// - Returns: the tensors and metadata.
    /// - Throws: ``SafeTensorsError`` naming the first violation of the format.
    public static func parse(_ data: Data) throws -> SafeTensors {
        guard data.count >= 8 else { throw SafeTensorsError.badHeaderLength(0, fileSize: data.count) }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(maximumHeaderLength), length <= UInt64(data.count - 8), length >= 2 else {
            throw SafeTensorsError.badHeaderLength(length, fileSize: data.count)
        }
        let headerEnd = 8 + Int(length)
        let headerBytes = data.subdata(in: 8..<headerEnd)
        guard String(data: headerBytes, encoding: .utf8) != nil else {
            throw SafeTensorsError.badHeaderJSON("not valid UTF-8")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerBytes, options: [])
        } catch {
            throw SafeTensorsError.badHeaderJSON((error as NSError).localizedDescription)
        }
        guard let header = json as? [String: Any] else { throw SafeTensorsError.badHeaderJSON("the top level is not an object") }
        let dataSize = data.count - headerEnd

        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: Any] else { throw SafeTensorsError.badMetadata("not an object") }
            for (key, value) in map {
                guard let text = value as? String else { throw SafeTensorsError.badMetadata("value of '\(key)' is not a string") }
                metadata[key] = text
            }
        }

        var entries: [(name: String, dtype: String, shape: [Int], range: Range<Int>)] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let entry = raw as? [String: Any] else { throw SafeTensorsError.badEntry(tensor: name, reason: "not an object") }
            guard let dtype = entry["dtype"] as? String else { throw SafeTensorsError.badEntry(tensor: name, reason: "missing dtype") }
            guard let elementSize = elementSize(of: dtype) else { throw SafeTensorsError.unsupportedDType(tensor: name, dtype: dtype) }
            guard let shapeValues = entry["shape"] as? [Any] else { throw SafeTensorsError.badEntry(tensor: name, reason: "missing shape") }
            var shape: [Int] = []
            var count = 1
            for value in shapeValues {
                guard let dimension = exactInteger(value), dimension >= 0 else {
                    throw SafeTensorsError.badEntry(tensor: name, reason: "shape \(shapeValues) has a dimension that is not a non-negative integer")
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= dataSize else {
                    throw SafeTensorsError.badEntry(tensor: name, reason: "shape \(shape + [dimension]) is larger than the file's data")
                }
                count = product
                shape.append(dimension)
            }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = exactInteger(offsets[0]), let end = exactInteger(offsets[1]) else {
                throw SafeTensorsError.badEntry(tensor: name, reason: "data_offsets must be two integers")
            }
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw SafeTensorsError.badEntry(tensor: name, reason: "data_offsets [\(begin), \(end)] are outside the \(dataSize)-byte data section")
            }
            guard end - begin == count * elementSize else {
                throw SafeTensorsError.badEntry(tensor: name, reason: "shape \(shape) of \(dtype) needs \(count * elementSize) bytes but data_offsets give \(end - begin)")
            }
            entries.append((name, dtype, shape, begin..<end))
        }
        let sorted = entries.sorted { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.range.upperBound > next.range.lowerBound {
            throw SafeTensorsError.overlappingData(previous.name, next.name)
        }

        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let bytes = data.subdata(in: (headerEnd + entry.range.lowerBound)..<(headerEnd + entry.range.upperBound))
            tensors[entry.name] = try decode(bytes, dtype: entry.dtype, shape: entry.shape, name: entry.name)
        }
        return SafeTensors(tensors: tensors, metadata: metadata)
    }

    private static func elementSize(of dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32": 4
        case "F64", "I64": 8
        case "U8", "BOOL": 1
        default: nil
        }
    }

    /// A JSON number that is an integer (not 1.5, not a Bool, not NaN), as Int.
    private static func exactInteger(_ value: Any) -> Int? {
        if let number = value as? NSNumber {
            // JSON true/false arrive as Bool-backed numbers: not dimensions.
            if type(of: value) == Bool.self || String(cString: number.objCType) == "c" { return nil }
            let double = number.doubleValue
            guard double.isFinite, double == double.rounded(), Swift.abs(double) < 9.0e15 else { return nil }
            return number.intValue
        }
        return nil
    }

    private static func decode(_ bytes: Data, dtype: String, shape: [Int], name: String) throws -> Tensor {
        let count = Shape.elementCount(shape)
        func load<T>(_: T.Type) -> [T] {
            bytes.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        switch dtype {
        case "F32": return Tensor(load(UInt32.self).map { Float(bitPattern: UInt32(littleEndian: $0)) }, shape: shape)
        case "F64": return Tensor(load(UInt64.self).map { Float(Double(bitPattern: UInt64(littleEndian: $0))) }, shape: shape)
        case "I32": return Tensor(int32: load(Int32.self).map { Int32(littleEndian: $0) }, shape: shape)
        case "I64":
            let values = load(Int64.self).map { Int64(littleEndian: $0) }
            guard values.allSatisfy({ $0 >= Int64(Int32.min) && $0 <= Int64(Int32.max) }) else {
                throw SafeTensorsError.badEntry(tensor: name, reason: "I64 values do not fit in int32")
            }
            return Tensor(int32: values.map { Int32($0) }, shape: shape)
        default: return Tensor(bool: load(UInt8.self).map { $0 != 0 }, shape: shape)
        }
    }

    // MARK: Writing

    /// The file bytes: tensors sorted by name, data aligned to 8 bytes.
    public func serialized() throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var payload: [UInt8] = []
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            let (dtype, bytes): (String, [UInt8])
            switch tensor.dtype {
            case .float32: (dtype, bytes) = ("F32", tensor.scalars.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
            case .float64: (dtype, bytes) = ("F64", tensor.doubleScalars.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
            case .int32: (dtype, bytes) = ("I32", tensor.intScalars.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
            case .bool: (dtype, bytes) = ("BOOL", tensor.boolScalars.map { $0 ? 1 : 0 })
            }
            header[name] = ["dtype": dtype, "shape": tensor.shape, "data_offsets": [payload.count, payload.count + bytes.count]]
            payload += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so the data starts 8-byte aligned (as the reference writer does).
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        let length = UInt64(json.count)
        return withUnsafeBytes(of: length.littleEndian, Array.init) + Array(json) + payload
    }

    /// Writes the file atomically: a temporary file in the same folder, flushed to
    /// disk, then renamed over `url`. A crash never leaves a partial file at `url`.
    ///
    /// - Parameter url: the destination file; its folder must exist.
    /// - Throws: ``SafeTensorsError/unwritable(path:reason:)`` when the file cannot be written.
    public func write(to url: URL) throws {
        try AtomicWrite.write(try serialized(), to: url)
    }

    /// Writes `tensors` and `metadata` to `url` atomically.
    ///
    /// - Parameters:
    ///   - tensors: the tensors, by name.
    ///   - metadata: the string metadata; default empty.
    ///   - url: the destination file; its folder must exist.
    /// - Throws: ``SafeTensorsError/unwritable(path:reason:)`` when the file cannot be written.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try SafeTensors(tensors: tensors, metadata: metadata).write(to: url)
    }
}
