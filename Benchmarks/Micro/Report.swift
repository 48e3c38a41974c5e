#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One measured line of the report: a case, the variant timed, and its timing.
struct Row: Codable {
    /// Case name (`matmul`, `mlp`, `add`, `sum`, `small-matmul`, `wait-policy`).
    var benchmark: String
    /// What exactly was timed within the case.
    var variant: String
    /// Seconds per call.
    var timing: Timing
    /// Floating-point operations per call, when the case has a natural count.
    var flops: Double?

    /// Billions of floating-point operations per second at the median.
    var gflops: Double? { flops.map { $0 / timing.median / 1e9 } }
}

/// A ratio between two rows, with the target it is held to (if any).
struct Ratio: Codable {
    /// What is compared, e.g. `matmul 1024³: Tensor.matmul / raw sgemm throughput`.
    var name: String
    /// The ratio of medians.
    var value: Double
    /// The bound the ratio must meet, as text (`>= 0.90`), or nil for information only.
    var target: String?
    /// Whether the target is met (nil without a target).
    var met: Bool?
}

/// Everything one run of the benchmark measured.
struct Report: Codable {
    /// Threads Synapse's kernels and oneDNN use.
    var threads: Int
    /// Processors the machine has.
    var cores: Int
    /// The value of `OMP_WAIT_POLICY` in this process (`default` when unset).
    var ompWaitPolicy: String
    /// Kernel library and instruction set, e.g. `oneDNN 2.6.3, AVX-512`.
    var kernelLibrary: String
    var rows: [Row] = []
    var ratios: [Ratio] = []

    /// The median of the row with this case and variant.
    func median(_ benchmark: String, _ variant: String) -> Double? {
        rows.first { $0.benchmark == benchmark && $0.variant == variant }?.timing.median
    }

    /// Prints the rows and ratios as aligned text tables.
    func printTable() {
        print("Synapse micro-benchmark — \(kernelLibrary), \(threads) of \(cores) threads, OMP_WAIT_POLICY=\(ompWaitPolicy)")
        print("times per call over \(rows.first?.timing.repeats ?? 0) repeats (after warm-up)\n")
        let header = ["case", "variant", "median", "min", "max", "GFLOP/s"]
        var lines = rows.map { row -> [String] in
            [row.benchmark, row.variant, Self.duration(row.timing.median), Self.duration(row.timing.min),
             Self.duration(row.timing.max), row.gflops.map { Self.fixed($0, digits: 1) } ?? ""]
        }
        lines.insert(header, at: 0)
        Self.printAligned(lines, rightAligned: [2, 3, 4, 5])
        if !ratios.isEmpty {
            print("")
            var ratioLines = ratios.map { ratio -> [String] in
                let verdict = ratio.met.map { $0 ? "ok" : "MISSED" } ?? ""
                return [ratio.name, Self.fixed(ratio.value, digits: 3), ratio.target ?? "", verdict]
            }
            ratioLines.insert(["ratio", "value", "target", ""], at: 0)
            Self.printAligned(ratioLines, rightAligned: [1])
        }
    }

    /// Writes the report as pretty-printed JSON.
    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try data.write(to: URL(fileURLWithPath: path))
    }

    private static func printAligned(_ lines: [[String]], rightAligned: Set<Int>) {
        guard let columns = lines.first?.count else { return }
        let widths = (0..<columns).map { column in lines.map { $0[column].count }.max() ?? 0 }
        for line in lines {
            let cells = line.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return rightAligned.contains(column) ? padding + text : text + padding
            }
            print(cells.joined(separator: "  "))
        }
    }

    /// `1 thread`, `2 threads`.
    static func threads(_ count: Int) -> String { count == 1 ? "1 thread" : "\(count) threads" }

    /// `12.3 ms`, `45.6 µs`, `789 ns`.
    static func duration(_ seconds: Double) -> String {
        if seconds >= 1e-3 { return fixed(seconds * 1e3, digits: 2) + " ms" }
        if seconds >= 1e-6 { return fixed(seconds * 1e6, digits: 2) + " µs" }
        return fixed(seconds * 1e9, digits: 0) + " ns"
    }

    /// A number with a fixed count of decimals (no Foundation formatting needed).
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + "\(whole)" }
        let fractionText = String(fraction)
        return sign + "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}
