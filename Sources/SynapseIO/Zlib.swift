import CZlib

/// Errors from compressing or decompressing data.
public enum CompressionError: Error, CustomStringConvertible, Equatable {
    /// The input is not valid gzip/zlib data, or it ends early.
    case corrupt(String)
    /// The decompressed size would exceed the caller's limit.
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .corrupt(let reason): "corrupt compressed data: \(reason)"
        case .tooLarge(let limit): "decompressed data exceeds the limit of \(limit) bytes"
        }
    }
}

/// The one file that talks to zlib: gzip and zlib streams, and CRC-32.
public enum Zlib {
    /// How a deflate stream is wrapped.
    public enum Container: Sendable {
        /// A gzip (RFC 1952) or zlib (RFC 1950) header and trailer, detected.
        case gzipOrZlib
        /// Bare deflate data (RFC 1951), as ZIP archives store it.
        case raw
    }

    /// Decompresses a gzip, zlib or raw deflate stream.
    ///
    /// - Parameters:
    ///   - data: the compressed bytes.
    ///   - container: how the stream is wrapped (gzip or zlib by default).
    ///   - maximumSize: stop with ``CompressionError/tooLarge(limit:)`` beyond this
    ///     many output bytes, so a hostile file cannot exhaust memory.
    /// - Throws: ``CompressionError`` when the stream is damaged or truncated.
    public static func decompress(_ data: [UInt8], container: Container = .gzipOrZlib,
                                  maximumSize: Int = 1 << 31) throws -> [UInt8] {
        var stream = z_stream()
        // 32 + MAX_WBITS detects gzip or zlib headers; −MAX_WBITS reads bare deflate.
        let windowBits = container == .raw ? -MAX_WBITS : 32 + MAX_WBITS
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CompressionError.corrupt("cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(maximumSize, max(data.count * 4, 1024)))
        // A small expected output (a PNG image's rows) fits one call of a buffer just
        // large enough to see the limit passed, rather than a 256 KB one zeroed per call.
        var chunk = [UInt8](repeating: 0, count: min(1 << 18, max(maximumSize, 0) + 1))
        var status: Int32 = Z_OK
        try data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    if status != Z_OK && status != Z_STREAM_END {
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        throw CompressionError.corrupt(status == Z_BUF_ERROR ? "unexpected end of data" : message)
                    }
                    let produced = buffer.count - Int(stream.avail_out)
                    if output.count + produced > maximumSize { throw CompressionError.tooLarge(limit: maximumSize) }
                    output.append(contentsOf: buffer[0..<produced])
                }
                // A concatenated gzip member: restart for the next one.
                if status == Z_STREAM_END && stream.avail_in > 0 && container == .gzipOrZlib {
                    inflateReset(&stream)
                    status = Z_OK
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard status == Z_STREAM_END else { throw CompressionError.corrupt("unexpected end of data") }
        return output
    }

    /// Compresses bytes as a zlib stream (RFC 1950; what PNG's IDAT chunks hold).
    ///
    /// - Parameters:
    ///   - data: the bytes to compress.
    ///   - level: compression level, 0 (store) to 9 (smallest), or -1 for zlib's default; default 6.
    /// - Returns: the zlib stream.
    public static func compress(_ data: [UInt8], level: Int = 6) -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let status = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), Int32(level))
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(length)...)
        return output
    }

    /// Compresses bytes as a gzip file (RFC 1952).
    ///
    /// - Parameters:
    ///   - data: the bytes to compress.
    ///   - level: compression level, 0 (store) to 9 (smallest), or -1 for zlib's default; default 6.
    /// - Returns: the gzip file's bytes, header and trailer included.
    public static func gzip(_ data: [UInt8], level: Int = 6) -> [UInt8] {
        // 16 + MAX_WBITS: write a gzip header and trailer.
        deflateStream(data, level: level, windowBits: 16 + MAX_WBITS)
    }

    /// Compresses bytes as bare deflate data (RFC 1951), as ZIP archives store it.
    ///
    /// - Parameters:
    ///   - data: the bytes to compress.
    ///   - level: compression level, 0 (store) to 9 (smallest), or -1 for zlib's default; default 6.
    /// - Returns: the deflate data, without header or checksum.
    public static func deflateRaw(_ data: [UInt8], level: Int = 6) -> [UInt8] {
        deflateStream(data, level: level, windowBits: -MAX_WBITS)
    }

    private static func deflateStream(_ data: [UInt8], level: Int, windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(&stream, Int32(level), Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed with status \(status)")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                status = deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END, "zlib deflate failed with status \(status)")
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// CRC-32 (the checksum of gzip and PNG), optionally continuing `previous`.
    ///
    /// - Parameters:
    ///   - data: the bytes to checksum.
    ///   - previous: the CRC of the bytes before `data`, to checksum in pieces; default 0 (a fresh start).
    /// - Returns: the CRC-32 of everything so far.
    public static func crc32(_ data: [UInt8], previous: UInt32 = 0) -> UInt32 {
        data.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(uLong(previous), buffer.baseAddress, uInt(buffer.count)))
        }
    }

    /// The zlib library version, e.g. "1.2.13".
    public static var version: String { String(cString: zlibVersion()) }
}
