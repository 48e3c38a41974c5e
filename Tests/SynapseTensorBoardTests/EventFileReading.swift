import Foundation
@testable import SynapseTensorBoard

/// Reads an event file back, checking the TFRecord framing and both checksums of
/// every record, as TensorBoard's reader does.
enum EventFileReading {
    struct CorruptRecord: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "record at byte \(offset): \(reason)" }
    }

    static func events(atPath path: String) throws -> [Tensorboard_Event] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var events: [Tensorboard_Event] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw CorruptRecord(offset: offset, reason: "truncated header") }
            let lengthBytes = Array(bytes[offset..<(offset + 8)])
            let length = lengthBytes.enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
            guard littleEndianUInt32(bytes, at: offset + 8) == CRC32C.masked(lengthBytes) else {
                throw CorruptRecord(offset: offset, reason: "length checksum")
            }
            let start = offset + 12
            guard start + length + 4 <= bytes.count else { throw CorruptRecord(offset: offset, reason: "truncated data") }
            let data = Array(bytes[start..<(start + length)])
            guard littleEndianUInt32(bytes, at: start + length) == CRC32C.masked(data) else {
                throw CorruptRecord(offset: offset, reason: "data checksum")
            }
            events.append(try Tensorboard_Event(serializedBytes: data))
            offset = start + length + 4
        }
        return events
    }

    /// The one event file in `directory`.
    static func eventFile(in directory: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("tfevents") }
        guard names.count == 1 else { throw CorruptRecord(offset: 0, reason: "expected one event file in \(directory), found \(names)") }
        return directory + "/" + names[0]
    }

    /// tag → [(step, value)] of the simple-value scalars in a run folder.
    static func scalars(in directory: String) throws -> [String: [(step: Int, value: Float)]] {
        var scalars: [String: [(step: Int, value: Float)]] = [:]
        for event in try events(atPath: try eventFile(in: directory)) where event.summary.value.count > 0 {
            for value in event.summary.value {
                if case .simpleValue(let number)? = value.value {
                    scalars[value.tag, default: []].append((Int(event.step), number))
                }
            }
        }
        return scalars
    }

    /// Every summary value in a run folder with its step.
    static func values(in directory: String) throws -> [(step: Int, value: Tensorboard_Summary.Value)] {
        try events(atPath: try eventFile(in: directory)).flatMap { event in
            event.summary.value.map { (Int(event.step), $0) }
        }
    }

    private static func littleEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | (UInt32(bytes[offset + $1]) << (8 * $1)) }
    }

    static func temporaryDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("synapse-tensorboard-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
    }
}
