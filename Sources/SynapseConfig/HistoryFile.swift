import Foundation

/// Reading and writing training histories: `history.json`, `history.csv`, a
/// `CSVLogger` file, or the history stored in a model file.
///
/// ```swift
/// let history = try HistoryFile.read(from: URL(fileURLWithPath: "runs/pima/history.json"))
/// try history.writeTrainingCurves(to: folder, name: "pima")
/// ```
public enum HistoryFile {
    /// Errors reading a history.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// What is wrong, naming the file.
        public var description: String
    }

    /// The history as JSON, `{"epochs": [...], "values": {"loss": [...], ...}}`; NaN
    /// and infinities are the strings "NaN", "Infinity" and "-Infinity".
    ///
    /// - Parameter history: the training history (from `fit`).
    /// - Returns: pretty-printed UTF-8 JSON with sorted keys.
    /// - Throws: `EncodingError` when the history cannot be encoded.
    public static func jsonData(_ history: History) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(history)
    }

    /// Reads a history from a `.json` file, a `.csv` file with an `epoch` column
    /// (`history.csv`, a CSV log) or a model file (`.safetensors`).
    ///
    /// - Parameter url: the file; its extension (`.safetensors`, `.csv`, anything else as JSON) picks the reader.
    /// - Returns: the history.
    /// - Throws: ``Failure`` naming the file and the problem.
    public static func read(from url: URL) throws -> History {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { throw Failure(description: "\(path): file not found") }
        switch url.pathExtension.lowercased() {
        case "safetensors":
            guard let history = try ModelFile.read(from: url).history else {
                throw Failure(description: "\(path): the model file has no training history")
            }
            return history
        case "csv":
            return try readCSV(url)
        default:
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            do {
                return try decoder.decode(History.self, from: Data(contentsOf: url))
            } catch {
                throw Failure(description: "\(path): not a history file (expected {\"epochs\": [...], \"values\": {...}} JSON, a CSV with an epoch column, or a model file)")
            }
        }
    }

    private static func readCSV(_ url: URL) throws -> History {
        let table = try CSVTable(contentsOf: url, hasHeader: true)
        guard let header = table.header, let epochColumn = header.firstIndex(of: "epoch") else {
            throw Failure(description: "\(url.path): a history CSV needs a header with an \"epoch\" column")
        }
        let values = try table.tensor(missingValue: .nan)
        let width = header.count
        let numbers = values.scalars
        let history = History()
        for row in 0..<table.rowCount {
            var logs: Logs = [:]
            for (column, name) in header.enumerated() where column != epochColumn { logs[name] = numbers[row * width + column] }
            history.record(epoch: Int(numbers[row * width + epochColumn]), logs: logs)
        }
        return history
    }
}
