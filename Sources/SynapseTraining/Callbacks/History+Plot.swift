import Foundation
import SynapsePlot

/// Training curves from a ``History``.
extension History {
    /// One line chart per quantity ("loss", "accuracy", ...), with the training
    /// series and, when recorded, the validation series (`val_…`), per epoch.
    ///
    /// ```swift
    /// for chart in history.trainingCurves() { try chart.write(toPath: "\(chart.title!).png") }
    /// ```
    ///
    /// - Parameter prefix: put before each chart's title as `"<prefix>: <quantity>"`
    ///   (default `nil`: the quantity's name alone).
    /// - Returns: one ``/SynapsePlot/LineChart`` per training quantity, in ``keys`` order; x is the epoch, from 1.
    public func trainingCurves(title prefix: String? = nil) -> [LineChart] {
        let base = keys.filter { !$0.hasPrefix("val_") }
        let epochNumbers = epochs.map { Double($0 + 1) }
        return base.map { key in
            var series = [LineChart.Series(name: "train", x: epochNumbers, y: values[key] ?? [], marker: .circle)]
            if let validation = values["val_" + key] {
                series.append(LineChart.Series(name: "validation", x: epochNumbers, y: validation, marker: .circle))
            }
            let title = prefix.map { "\($0): \(key)" } ?? key
            return LineChart(title: title, xLabel: "epoch", yLabel: key, series: series)
        }
    }

    /// Writes `<name>_<quantity>.svg` and `.png` for every training curve into
    /// `directory`; returns the paths written.
    ///
    /// - Parameters:
    ///   - directory: an existing folder; files there with the same names are replaced.
    ///   - name: the files' prefix and the charts' title prefix.
    /// - Returns: the files written, an SVG and a PNG per quantity.
    /// - Throws: ``/SynapsePlot/PlotError/writeFailed(path:reason:)`` when a file cannot be written.
    @discardableResult
    public func writeTrainingCurves(to directory: URL, name: String) throws -> [URL] {
        var written: [URL] = []
        for (key, chart) in zip(keys.filter { !$0.hasPrefix("val_") }, trainingCurves(title: name)) {
            for format in ["svg", "png"] {
                let url = directory.appendingPathComponent("\(name)_\(key).\(format)")
                try chart.write(to: url)
                written.append(url)
            }
        }
        return written
    }
}
