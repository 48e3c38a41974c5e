import Foundation
import SynapseIO

/// Errors from reading IDX files (the MNIST format), each naming the file.
public enum IDXError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The gzip stream is damaged or truncated.
    case corruptCompression(path: String, reason: String)
    /// The header is not an IDX header.
    case badHeader(path: String, reason: String)
    /// The data is shorter (or longer) than the header promises.
    case wrongLength(path: String, expected: Int, found: Int)
    /// The file is valid IDX but not the data set's shape.
    case unexpectedDimensions(path: String, expected: String, found: [Int])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the file: \(reason)"
        case .corruptCompression(let path, let reason): "\(path): damaged gzip data (\(reason)); the file may be truncated"
        case .badHeader(let path, let reason): "\(path): not an IDX file: \(reason)"
        case .wrongLength(let path, let expected, let found):
            "\(path): the header promises \(expected) data bytes but the file holds \(found); the file is truncated or damaged"
        case .unexpectedDimensions(let path, let expected, let found):
            "\(path): expected \(expected), found dimensions \(found)"
        }
    }
}

/// An IDX file (LeCun's format for MNIST): big-endian magic `0x000008nn` for unsigned
/// bytes with `nn` dimensions, the dimensions as big-endian UInt32, then the bytes.
/// Gzip-compressed files are decompressed transparently.
public struct IDXFile: Sendable {
    /// Sizes, outermost first: `[count, rows, columns]` for images, `[count]` for labels.
    public let dimensions: [Int]
    /// The elements, row-major, one byte each.
    public let bytes: [UInt8]

    /// Reads and validates a `.gz` or raw IDX file.
    ///
    /// - Parameter url: the file; gzip is recognised by its magic bytes, not the extension.
    /// - Throws: ``IDXError`` naming the file and what is wrong with it.
    public init(contentsOf url: URL) throws {
        let raw: [UInt8]
        do {
            raw = Array(try Data(contentsOf: url))
        } catch {
            throw IDXError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(fileBytes: raw, path: url.path)
    }

    /// Parses file contents (gzip-compressed or not); `path` names the file in errors.
    ///
    /// - Parameters:
    ///   - raw: the file's bytes, gzip-compressed or not (at most 1 GiB once inflated).
    ///   - path: the file name errors carry.
    /// - Throws: ``IDXError`` (`corruptCompression`, `badHeader` or `wrongLength`) naming `path`.
    public init(fileBytes raw: [UInt8], path: String) throws {
        var contents = raw
        if raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B {
            do {
                // MNIST's largest file inflates to 47 MB; a limit stops decompression bombs.
                contents = try Zlib.decompress(raw, maximumSize: 1 << 30)
            } catch {
                throw IDXError.corruptCompression(path: path, reason: String(describing: error))
            }
        }
        guard contents.count >= 4 else {
            throw IDXError.badHeader(path: path, reason: "only \(contents.count) bytes")
        }
        guard contents[0] == 0, contents[1] == 0 else {
            throw IDXError.badHeader(path: path, reason: "magic number starts with \(contents[0]), \(contents[1]) instead of 0, 0")
        }
        guard contents[2] == 0x08 else {
            throw IDXError.badHeader(path: path, reason: String(format: "element type 0x%02x is not unsigned byte (0x08)", contents[2]))
        }
        let rank = Int(contents[3])
        guard rank >= 1 && rank <= 4 else {
            throw IDXError.badHeader(path: path, reason: "\(rank) dimensions (expected 1 to 4)")
        }
        let headerSize = 4 + 4 * rank
        guard contents.count >= headerSize else {
            throw IDXError.badHeader(path: path, reason: "the header is cut short")
        }
        var dimensions: [Int] = []
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let value = contents[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            dimensions.append(value)
        }
        let (expected, overflow) = dimensions.reduce((1, false)) { partial, dimension in
            let (product, overflowed) = partial.0.multipliedReportingOverflow(by: dimension)
            return (product, partial.1 || overflowed)
        }
        guard !overflow else { throw IDXError.badHeader(path: path, reason: "dimensions \(dimensions) are too large") }
        let found = contents.count - headerSize
        guard found == expected else { throw IDXError.wrongLength(path: path, expected: expected, found: found) }
        self.dimensions = dimensions
        self.bytes = Array(contents[headerSize...])
    }
}
