#if canImport(Glibc)
import Glibc
#endif

/// Keras' progress bar: per epoch, the batch counter, a bar, the elapsed time or
/// ETA, time per step and the running loss and metrics, redrawn in place on a
/// terminal. When standard output is not a terminal (a log file, CI), it prints one
/// line per epoch instead.
///
/// `fit(verbose: 1)` adds it; `verbose: 2` forces one line per epoch.
public final class ProgressBar: Callback {
    /// Rank 0 alone prints and writes files in data-parallel training.
    public var runsOnEveryRank: Bool { false }

    private let totalEpochs: Int
    private var stepsPerEpoch: Int?
    private let inPlace: Bool
    private var epochStart = 0.0
    private var lastDraw = 0.0
    private var lastLogs: Logs = [:]
    private var seenSteps = 0

    /// - Parameters:
    ///   - epochs: total epochs, for the "Epoch 3/10" heading.
    ///   - stepsPerEpoch: batches per epoch, if known.
    ///   - inPlace: redraw one line with carriage returns; defaults to whether
    ///     standard output is a terminal.
    public init(epochs: Int, stepsPerEpoch: Int?, inPlace: Bool = isatty(STDOUT_FILENO) != 0) {
        self.totalEpochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.inPlace = inPlace
    }

    public func onEpochBegin(_ epoch: Int, logs: Logs) {
        epochStart = Clock.now
        lastDraw = 0
        seenSteps = 0
        if inPlace { print("Epoch \(epoch + 1)/\(totalEpochs)") }
    }

    public func onTrainBatchEnd(_ batch: Int, logs: Logs) {
        seenSteps = batch + 1
        lastLogs = logs
        guard inPlace else { return }
        let now = Clock.now
        // Redraw at most ten times a second: terminals are slow.
        if now - lastDraw >= 0.1 || batch + 1 == stepsPerEpoch {
            lastDraw = now
            draw(final: false, logs: logs)
        }
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        if inPlace {
            draw(final: true, logs: logs)
            print("")
        } else {
            print("Epoch \(epoch + 1)/\(totalEpochs) - " + line(final: true, logs: logs))
        }
        fflush(nil)
    }

    private func draw(final: Bool, logs: Logs) {
        print("\r" + line(final: final, logs: logs) + "\u{1B}[K", terminator: "")
        fflush(nil)
    }

    private func line(final: Bool, logs: Logs) -> String {
        let elapsed = Clock.now - epochStart
        let perStep = elapsed / Double(max(seenSteps, 1))
        var parts: [String] = []
        if let total = stepsPerEpoch {
            let width = String(total).count
            let counter = String(repeating: " ", count: width - String(seenSteps).count) + "\(seenSteps)/\(total)"
            let filled = min(20, Int((Double(seenSteps) / Double(max(total, 1)) * 20).rounded(.down)))
            let bar = String(repeating: "━", count: filled) + String(repeating: "─", count: 20 - filled)
            // Keras 3: "32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 4ms/step - loss: 0.3", the timing
            // beside the bar, the logs after dashes.
            let timing = final || seenSteps >= total
                ? "\(Self.duration(elapsed)) \(Self.duration(perStep, perStep: true))/step"
                : "ETA: \(Self.duration(perStep * Double(total - seenSteps)))"
            parts.append("\(counter) \(bar) \(timing)")
        } else {
            parts.append("\(seenSteps) steps \(Self.duration(elapsed))")
        }
        let metrics = logs.keys.sorted { lhs, rhs in
            let (lv, rv) = (lhs.hasPrefix("val_"), rhs.hasPrefix("val_"))
            return lv == rv ? lhs < rhs : !lv
        }.map { "\($0): \(Self.format(logs[$0]!))" }
        return (parts + metrics).joined(separator: " - ")
    }

    static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        let magnitude = Swift.abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) {
            return String(printf: "%.4e", value)
        }
        return String(printf: "%.4f", value)
    }

    static func duration(_ seconds: Double, perStep: Bool = false) -> String {
        if perStep && seconds < 1 {
            return seconds < 1e-3 ? "\(Int((seconds * 1e6).rounded()))us" : "\(Int((seconds * 1e3).rounded()))ms"
        }
        if seconds < 60 { return "\(Int(seconds.rounded()))s" }
        let minutes = Int(seconds) / 60
        return "\(minutes)m\(Int(seconds) % 60)s"
    }
}

/// Monotonic wall-clock seconds.
enum Clock {
    static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}

extension String {
    /// printf-style formatting of one float without Foundation.
    init(printf format: String, _ value: Float) {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([Double(value)]) { vsnprintf(&buffer, buffer.count, format, $0) }
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
