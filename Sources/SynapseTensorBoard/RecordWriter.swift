import Foundation

/// Appends records to a file in TFRecord framing, the container of TensorBoard
/// event files: for each record its length (UInt64, little-endian), the masked
/// CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
final class RecordWriter {
    let path: String
    private let handle: FileHandle
    private var pending: [UInt8] = []

    /// Creates (or truncates) the file.
    ///
    /// - Parameter path: the file to write.
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)``.
    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw TensorBoardError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Frames `data` as one record and queues it; ``flush()`` writes it.
    ///
    /// - Parameter data: the serialised record.
    func append(_ data: [UInt8]) {
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        pending += lengthBytes
        pending += Self.littleEndianBytes(CRC32C.masked(lengthBytes))
        pending += data
        pending += Self.littleEndianBytes(CRC32C.masked(data))
    }

    /// Writes the queued records to the file.
    ///
    /// - Throws: ``TensorBoardError/cannotWrite(path:reason:)``.
    func flush() throws {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(pending))
        } catch {
            throw TensorBoardError.cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
        pending.removeAll(keepingCapacity: true)
    }

    private static func littleEndianBytes(_ value: UInt32) -> [UInt8] {
        var little = value.littleEndian
        return withUnsafeBytes(of: &little) { Array($0) }
    }
}
