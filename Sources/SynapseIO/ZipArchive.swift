/// The part of the ZIP format (PKWARE APPNOTE) that NumPy's `.npz` files use:
/// stored and deflated entries, ZIP64 sizes and offsets, no encryption, one disk.
///
/// Reading trusts nothing: every offset and size is checked against the archive,
/// sizes come from the central directory (NumPy's writer puts placeholders in the
/// local headers), and each entry's CRC-32 is verified.
package enum ZipArchive {
    /// One member: its name and uncompressed bytes.
    package typealias Entry = (name: String, bytes: [UInt8])

    /// Largest entry accepted when reading (declared uncompressed size).
    static let maximumEntrySize = 1 << 34

    // MARK: Reading

    /// The entries of an archive, in central-directory order.
    package static func entries(of data: [UInt8]) throws -> [Entry] {
        let end = try endOfCentralDirectory(data)
        var entries: [Entry] = []
        var position = end.directoryOffset
        for _ in 0..<end.entryCount {
            guard data.readUInt32(at: position) == 0x0201_4B50 else { throw damaged("a central directory entry is missing") }
            guard let flags = data.readUInt16(at: position + 8), let method = data.readUInt16(at: position + 10),
                  let crc = data.readUInt32(at: position + 16), var compressedSize = data.readUInt32(at: position + 20).map(Int.init),
                  var size = data.readUInt32(at: position + 24).map(Int.init), let nameLength = data.readUInt16(at: position + 28),
                  let extraLength = data.readUInt16(at: position + 30), let commentLength = data.readUInt16(at: position + 32),
                  var localOffset = data.readUInt32(at: position + 42).map(Int.init) else {
                throw damaged("a central directory entry is truncated")
            }
            let nameStart = position + 46
            let extraStart = nameStart + Int(nameLength)
            let next = extraStart + Int(extraLength) + Int(commentLength)
            guard next <= data.count else { throw damaged("a central directory entry runs past the end") }
            let name = String(decoding: data[nameStart..<extraStart], as: UTF8.self)
            guard flags & 1 == 0 else { throw ZipError("'\(name)' is encrypted") }
            // ZIP64: the fields that read 0xFFFFFFFF come, in this order, from extra field 1.
            if size == 0xFFFF_FFFF || compressedSize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
                var zip64 = try extraField(1, in: Array(data[extraStart..<(extraStart + Int(extraLength))]), entry: name)
                func take() throws -> Int {
                    guard zip64.count >= 8, let value = zip64.readUInt64(at: 0), value < UInt64(Int.max) else {
                        throw damaged("the ZIP64 sizes of '\(name)' are truncated")
                    }
                    zip64.removeFirst(8)
                    return Int(value)
                }
                if size == 0xFFFF_FFFF { size = try take() }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try take() }
                if localOffset == 0xFFFF_FFFF { localOffset = try take() }
            }
            guard size <= maximumEntrySize else { throw ZipError("'\(name)' declares \(size) bytes, more than the \(maximumEntrySize)-byte limit") }
            guard data.readUInt32(at: localOffset) == 0x0403_4B50,
                  let localNameLength = data.readUInt16(at: localOffset + 26),
                  let localExtraLength = data.readUInt16(at: localOffset + 28) else {
                throw damaged("the local header of '\(name)' is missing")
            }
            let start = localOffset + 30 + Int(localNameLength) + Int(localExtraLength)
            guard compressedSize >= 0, start + compressedSize <= data.count else {
                throw damaged("the data of '\(name)' runs past the end of the archive")
            }
            let stored = Array(data[start..<(start + compressedSize)])
            let bytes: [UInt8]
            switch method {
            case 0: bytes = stored
            case 8:
                do {
                    bytes = try Zlib.decompress(stored, container: .raw, maximumSize: size)
                } catch {
                    throw damaged("'\(name)' does not inflate: \(error)")
                }
            default: throw ZipError("'\(name)' uses compression method \(method) (stored and deflate are read)")
            }
            guard bytes.count == size else { throw damaged("'\(name)' holds \(bytes.count) bytes, its header says \(size)") }
            guard Zlib.crc32(bytes) == crc else { throw damaged("the CRC-32 of '\(name)' does not match its data") }
            entries.append((name, bytes))
            position = next
        }
        return entries
    }

    private static func endOfCentralDirectory(_ data: [UInt8]) throws -> (entryCount: Int, directoryOffset: Int) {
        // The record is 22 bytes plus a comment of at most 65,535.
        guard data.count >= 22 else { throw ZipError("not a ZIP archive (too short)") }
        var position = data.count - 22
        let lowest = Swift.max(0, data.count - 22 - 65_535)
        while position >= lowest, data.readUInt32(at: position) != 0x0605_4B50 { position -= 1 }
        guard position >= lowest else { throw ZipError("not a ZIP archive (no end of central directory)") }
        guard let count16 = data.readUInt16(at: position + 10), let offset32 = data.readUInt32(at: position + 16) else {
            throw damaged("the end of central directory is truncated")
        }
        var (count, offset) = (Int(count16), Int(offset32))
        if count16 == 0xFFFF || offset32 == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the ZIP64 record.
            guard position >= 20, data.readUInt32(at: position - 20) == 0x0706_4B50,
                  let recordOffset = data.readUInt64(at: position - 12), recordOffset < UInt64(data.count),
                  data.readUInt32(at: Int(recordOffset)) == 0x0606_4B50,
                  let count64 = data.readUInt64(at: Int(recordOffset) + 32),
                  let offset64 = data.readUInt64(at: Int(recordOffset) + 48),
                  count64 < 1 << 32, offset64 < UInt64(data.count) else {
                throw damaged("the ZIP64 end of central directory is missing or damaged")
            }
            (count, offset) = (Int(count64), Int(offset64))
        }
        guard offset <= data.count, count <= data.count / 46 else { throw damaged("the central directory lies outside the archive") }
        return (count, offset)
    }

    private static func extraField(_ id: UInt16, in extra: [UInt8], entry: String) throws -> [UInt8] {
        var position = 0
        while position + 4 <= extra.count {
            let header = extra.readUInt16(at: position)!, length = Int(extra.readUInt16(at: position + 2)!)
            guard position + 4 + length <= extra.count else { break }
            if header == id { return Array(extra[(position + 4)..<(position + 4 + length)]) }
            position += 4 + length
        }
        throw damaged("'\(entry)' needs ZIP64 sizes but has none")
    }

    private static func damaged(_ reason: String) -> ZipError { ZipError("damaged ZIP archive: \(reason)") }

    // MARK: Writing

    /// An archive of `entries`, deflated or stored, as `np.savez_compressed` and
    /// `np.savez` write them (no ZIP64: each entry and the archive stay under 4 GiB).
    package static func archive(_ entries: [Entry], compressed: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let data = compressed ? Zlib.deflateRaw(entry.bytes) : entry.bytes
            guard entry.bytes.count < 0xFFFF_FFFF, output.count + data.count < 0xFFFF_FFFF, name.count < 0xFFFF else {
                throw ZipError("'\(entry.name)' is too large for an archive without ZIP64 (4 GiB); save it as a .npy file")
            }
            let crc = Zlib.crc32(entry.bytes)
            // Version 2.0, no flags, method, DOS time 00:00 and date 1980-01-01, CRC, sizes.
            let common = UInt16(20).bytes + UInt16(0).bytes + UInt16(compressed ? 8 : 0).bytes + UInt16(0).bytes
                + UInt16(0x21).bytes + crc.bytes + UInt32(data.count).bytes + UInt32(entry.bytes.count).bytes
                + UInt16(name.count).bytes + UInt16(0).bytes
            directory += UInt32(0x0201_4B50).bytes + UInt16(20).bytes + common + UInt16(0).bytes + UInt16(0).bytes
                + UInt16(0).bytes + UInt32(0).bytes + UInt32(output.count).bytes + name
            output += UInt32(0x0403_4B50).bytes + common + name + data
        }
        let directoryOffset = output.count
        output += directory
        output += UInt32(0x0605_4B50).bytes + UInt16(0).bytes + UInt16(0).bytes + UInt16(entries.count).bytes
            + UInt16(entries.count).bytes + UInt32(directory.count).bytes + UInt32(directoryOffset).bytes + UInt16(0).bytes
        return output
    }
}

/// A ZIP archive that cannot be read or written, and why.
struct ZipError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    func readUInt16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset + 2 <= count else { return nil }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func readUInt32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= count else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }

    func readUInt64(at offset: Int) -> UInt64? {
        guard offset >= 0, offset + 8 <= count else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * UInt64($1)) }
    }
}

extension FixedWidthInteger {
    /// The little-endian bytes.
    var bytes: [UInt8] { withUnsafeBytes(of: littleEndian, Array.init) }
}
