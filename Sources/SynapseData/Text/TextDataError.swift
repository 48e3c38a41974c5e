import Foundation
import SynapseIO

/// Errors from the text loaders and from reading or writing a saved vocabulary,
/// each naming the file and what is wrong with it.
public enum TextDataError: Error, CustomStringConvertible, Equatable {
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// A file or folder could not be written.
    case unwritable(path: String, reason: String)
    /// The gzip stream is damaged or truncated.
    case corruptCompression(path: String, reason: String)
    /// A line does not have the data set's format (`line` counts from 1).
    case malformedLine(path: String, line: Int, reason: String)
    /// The file was read but holds a different amount of data than the data set has.
    case unexpectedCount(path: String, expected: Int, found: Int)
    /// A saved vocabulary (``Tokenizer`` or ``CharacterVocabulary`` JSON) is not valid.
    case invalidVocabulary(path: String, reason: String)
    /// A text file is not valid UTF-8 (`offset`: the first bad byte).
    case invalidUTF8(path: String, offset: Int)
    /// A folder meant to hold one subfolder per class holds none with text files.
    case noClassFolders(path: String, extensions: [String])

    /// A readable explanation naming the file.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the file: \(reason)"
        case .unwritable(let path, let reason): "\(path): cannot write: \(reason)"
        case .corruptCompression(let path, let reason):
            "\(path): damaged gzip data (\(reason)); the file may be truncated — restore it from the repository"
        case .malformedLine(let path, let line, let reason): "\(path), line \(line): \(reason)"
        case .unexpectedCount(let path, let expected, let found):
            "\(path): expected \(expected) records, found \(found); the file may be damaged or a different version"
        case .invalidVocabulary(let path, let reason): "\(path): not a valid saved vocabulary: \(reason)"
        case .invalidUTF8(let path, let offset):
            "\(path): not UTF-8 text (invalid byte at offset \(offset)); convert it (iconv -t UTF-8) or skip invalid files"
        case .noClassFolders(let path, let extensions):
            "\(path): no class subfolders with \(extensions.map { "." + $0 }.joined(separator: " or ")) files; expected \(path)/CLASS_NAME/FILE"
        }
    }
}

/// Reading the bundled text files: plain or gzip, with errors that name the file.
enum TextFile {
    /// The bytes of `url`, decompressed when they start with the gzip magic.
    ///
    /// - Parameter dataSet: the data set's name for the missing-file error.
    /// - Throws: ``DataSetError/missingFile(dataSet:path:)``, ``TextDataError/unreadable(path:reason:)``
    ///   or ``TextDataError/corruptCompression(path:reason:)``.
    static func bytes(at url: URL, dataSet: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DataSetError.missingFile(dataSet: dataSet, path: url.path)
        }
        let raw: [UInt8]
        do {
            raw = Array(try Data(contentsOf: url))
        } catch {
            throw TextDataError.unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        guard raw.count >= 2 && raw[0] == 0x1F && raw[1] == 0x8B else { return raw }
        do {
            // The largest bundled text (IMDB train) inflates to 33 MB; the limit stops decompression bombs.
            return try Zlib.decompress(raw, maximumSize: 1 << 28)
        } catch {
            throw TextDataError.corruptCompression(path: url.path, reason: String(describing: error))
        }
    }

    /// Splits `bytes` into lines at `\n` (a final line without `\n` counts; a trailing empty line does not).
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(bytes[start..<index])
            start = index + 1
        }
        if start < bytes.count { lines.append(bytes[start...]) }
        return lines
    }

    /// Parses a non-negative decimal integer from ASCII digits; nil when empty or not all digits.
    static func integer(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
