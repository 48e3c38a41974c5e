#if canImport(Glibc)
import Glibc
#endif

/// Writes one CSV row per epoch (epoch, then every logged value) to a file
/// (Keras' `CSVLogger`). Each row is flushed as soon as the epoch ends, so an
/// interrupted run keeps every finished epoch.
public final class CSVLogger: Callback {
    /// Rank 0 alone prints and writes files in data-parallel training.
    public var runsOnEveryRank: Bool { false }

    public let path: String
    public let separator: String
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

    public func onTrainBegin(logs: Logs) {
        keys = nil
        file = fopen(path, append ? "a" : "w")
        if file == nil {
            print("CSVLogger: cannot open \(path) for writing (\(String(cString: strerror(errno)))); not logging")
        }
    }

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

    public func onTrainEnd(logs: Logs) {
        if let file { fclose(file) }
        file = nil
    }
}
