import Foundation

/// Prediction rows as CSV or JSON text.
extension Prediction {
    /// Output formats of ``Prediction/format(_:as:)``.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated values with a header.
        case csv
        /// One JSON object: `{"predictions": [...]}`.
        case json
    }

    /// The rows in `format`.
    ///
    /// - Parameters:
    ///   - rows: the predictions, from ``Prediction/predict(_:inputs:topK:batchSize:)``.
    ///   - format: CSV or JSON.
    /// - Returns: the text of ``csv(_:)`` or ``json(_:)``.
    public static func format(_ rows: [Row], as format: Format) -> String {
        format == .csv ? csv(rows) : json(rows)
    }

    /// CSV: for classifiers `source,class,label,probability` (then `class_2`,
    /// `label_2`, `probability_2`, ... for `--top-k`); otherwise `source,output`
    /// (`output_1`, `output_2`, ... for several outputs).
    ///
    /// - Parameter rows: the predictions; the first row decides the columns.
    /// - Returns: the CSV text, ending in a newline; empty when `rows` is empty.
    public static func csv(_ rows: [Row]) -> String {
        guard let first = rows.first else { return "" }
        var lines: [String] = []
        if let classes = first.classes {
            var header = ["source"]
            for rank in 1...classes.count {
                let suffix = rank == 1 ? "" : "_\(rank)"
                header += ["class" + suffix, "label" + suffix, "probability" + suffix]
            }
            lines.append(header.joined(separator: ","))
            for row in rows {
                let fields = (row.classes ?? []).flatMap { [String($0.index), quoted($0.name ?? String($0.index)), number($0.probability)] }
                lines.append(([quoted(row.source)] + fields).joined(separator: ","))
            }
        } else {
            let width = first.values.count
            lines.append((["source"] + (width == 1 ? ["output"] : (1...width).map { "output_\($0)" })).joined(separator: ","))
            for row in rows { lines.append(([quoted(row.source)] + row.values.map(number)).joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON: `{"predictions": [{"source": ..., "class": 7, "label": "7", "probability": 0.98,
    /// "top_k": [...]}, ...]}`; regression rows have `"outputs": [...]`.
    ///
    /// - Parameter rows: the predictions.
    /// - Returns: the JSON text, ending in a newline.
    public static func json(_ rows: [Row]) -> String {
        let items: [ConfigValue] = rows.map { row in
            var object: [String: ConfigValue] = ["source": .string(row.source)]
            if let classes = row.classes, let best = classes.first {
                object["class"] = .int(best.index)
                object["label"] = .string(best.name ?? String(best.index))
                object["probability"] = ConfigValue(best.probability)
                if classes.count > 1 {
                    object["top_k"] = .array(classes.map { score in
                        ["class": .int(score.index), "label": .string(score.name ?? String(score.index)),
                         "probability": ConfigValue(score.probability)]
                    })
                }
            } else {
                object["outputs"] = .array(row.values.map { ConfigValue($0) })
            }
            return .object(object)
        }
        let value: ConfigValue = ["predictions": .array(items)]
        return ((try? value.jsonText()) ?? "{}") + "\n"
    }

    private static func number(_ value: Float) -> String { String(format: "%.6g", Double(value)) }

    private static func quoted(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
