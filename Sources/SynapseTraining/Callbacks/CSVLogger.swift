#if canImport(Glibc)
import Glibc
#endif

/// Writes one CSV row per epoch (epoch, then every logged value) to a file
/// (Keras' `CSVLogger`). Each row is flushed as soon as the epoch ends, so an
/// interrupted run keeps every finished epoch.
public final class CSVLogger: Callback {
    /// Rank 0 alone prints and writes files in data-parallel training.
    public var runsOnEveryRank: Bool { false }

    /// The CSV file written.
    public let path: String
    /// The text between values ("," by default).
    public let separator: String
    /// Whether rows are added to an existing file instead of replacing it.
    public let append: Bool
    private var keys: [String]?
    private var file: UnsafeMutablePointer<FILE>?

    /// - Parameters:
    ///   - path: the CSV file.
    ///   - separator: between values, "," by default.
    ///   - append: add to an existing file instead of replacing it.
    public init(path: String, separator: String = ",", append: Bool = false) {
        self.path = path
        self.separator = separator
        self.append = append
    }

    /// Opens the file (a file that cannot be opened is reported once and training goes on).
    ///
    /// - Parameter logs: unused.
    public func onTrainBegin(logs: Logs) {
        keys = nil
        file = fopen(path, append ? "a" : "w")
        if file == nil {
            print("CSVLogger: cannot open \(path) for writing (\(String(cString: strerror(errno)))); not logging")
        }
    }

    /// Writes the epoch's row (the header first: training keys, then `val_` keys).
    ///
    /// - Parameters:
    ///   - epoch: the epoch index, the first column.
    ///   - logs: the epoch's loss and metrics.
    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        guard let file else { return }
        if keys == nil {
            let sorted = logs.keys.sorted { lhs, rhs in
                let (lv, rv) = (lhs.hasPrefix("val_"), rhs.hasPrefix("val_"))
                return lv == rv ? lhs < rhs : !lv
            }
            keys = sorted
            if !append || ftell(file) == 0 {
                fputs((["epoch"] + sorted).joined(separator: separator) + "\n", file)
            }
        }
        let row = [String(epoch)] + keys!.map { logs[$0].map { String($0) } ?? "" }
        fputs(row.joined(separator: separator) + "\n", file)
        fflush(file)
    }

    /// Closes the file.
    ///
    /// - Parameter logs: unused.
    public func onTrainEnd(logs: Logs) {
        if let file { fclose(file) }
        file = nil
    }
}
