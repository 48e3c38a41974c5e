/// Whether a monitored quantity should go down or up.
public enum MonitorMode: String, Sendable {
    /// Lower is better.
    case min
    /// Higher is better.
    case max
    /// `max` for names containing "acc", "auc", "precision" or "recall"; `min` otherwise (as Keras).
    case auto
}

/// Tracks the best value of one logged quantity, for EarlyStopping,
/// ReduceLROnPlateau and ModelCheckpoint.
struct MonitoredQuantity {
    let name: String
    let lowerIsBetter: Bool
    let minDelta: Float
    private(set) var best: Float

    init(name: String, mode: MonitorMode, minDelta: Float) {
        self.name = name
        switch mode {
        case .min: lowerIsBetter = true
        case .max: lowerIsBetter = false
        case .auto:
            let lowered = name.lowercased()
            lowerIsBetter = !["acc", "auc", "precision", "recall"].contains { lowered.contains($0) }
        }
        self.minDelta = Swift.abs(minDelta)
        best = lowerIsBetter ? .infinity : -.infinity
    }

    /// Whether `value` beats the best by more than `minDelta`.
    func isImprovement(_ value: Float) -> Bool { isImprovement(value, over: best) }

    /// Whether `value` beats `reference` by more than `minDelta`.
    func isImprovement(_ value: Float, over reference: Float) -> Bool {
        lowerIsBetter ? value < reference - minDelta : value > reference + minDelta
    }

    /// Records `value` as the best.
    mutating func accept(_ value: Float) { best = value }

    /// Forgets the best value.
    mutating func reset() { best = lowerIsBetter ? .infinity : -.infinity }

    /// The value in `logs`, printing Keras' warning once when it is missing.
    func value(in logs: Logs, callback: String) -> Float? {
        guard let value = logs[name] else {
            print("\(callback): '\(name)' is not in the logs (available: \(logs.keys.sorted().joined(separator: ", "))); skipping")
            return nil
        }
        return value
    }
}
