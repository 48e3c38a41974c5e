/// The record of a `fit` run: per epoch, every logged value (Keras' `History`).
///
/// ```swift
/// let history = model.fit(x: x, y: y, epochs: 10, validationSplit: 0.2)
/// print(history.values["val_loss"]!.last!)
/// ```
public final class History: Callback, Codable {
    /// Epoch indices that were recorded (0-based).
    public private(set) var epochs: [Int] = []
    /// For each key ("loss", "accuracy", "val_loss", ...), one value per recorded epoch.
    public private(set) var values: [String: [Float]] = [:]

    /// An empty history; `fit` makes one itself and returns it.
    public init() {}

    /// Appends one epoch's logs (keys missing from earlier epochs are padded with NaN).
    ///
    /// - Parameters:
    ///   - epoch: the epoch's index (0-based).
    ///   - logs: the epoch's values; a key missing from them is recorded as NaN.
    public func record(epoch: Int, logs: Logs) {
        for key in Set(values.keys).union(logs.keys) {
            var series = values[key] ?? Array(repeating: .nan, count: epochs.count)
            series.append(logs[key] ?? .nan)
            values[key] = series
        }
        epochs.append(epoch)
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs) { record(epoch: epoch, logs: logs) }

    /// The names of the recorded series, training ones first, then `val_` ones, sorted.
    public var keys: [String] {
        values.keys.sorted { lhs, rhs in
            let (lv, rv) = (lhs.hasPrefix("val_"), rhs.hasPrefix("val_"))
            return lv == rv ? lhs < rhs : !lv
        }
    }

    /// The history as CSV: an `epoch` column, then one column per key.
    public func csv() -> String {
        let keys = self.keys
        var lines = [(["epoch"] + keys).joined(separator: ",")]
        for (row, epoch) in epochs.enumerated() {
            lines.append(([String(epoch)] + keys.map { String(values[$0]![row]) }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
