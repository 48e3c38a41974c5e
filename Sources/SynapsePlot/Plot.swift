import Foundation

/// Something that renders as an SVG document and as a PNG image: ``LineChart``,
/// ``ScatterPlot`` and ``ImageGrid``.
///
/// ```swift
/// let chart = LineChart(title: "Training", xLabel: "epoch", yLabel: "loss",
///                       series: [.init(name: "loss", y: [0.9, 0.5, 0.3, 0.25])])
/// try chart.write(to: URL(fileURLWithPath: "loss.png"))   // or "loss.svg"
/// ```
public protocol Plot: Sendable {
    /// The plot as a standalone SVG 1.1 document.
    func svg() -> String
    /// The plot as PNG file bytes.
    func png() -> [UInt8]
}

extension Plot {
    /// Writes the plot to `url`, as SVG or PNG according to the file name's
    /// extension (`.svg` or `.png`, any letter case).
    ///
    /// The write is atomic: the bytes go to a temporary file in the same folder,
    /// which then replaces `url` in one step, so readers never see half a file.
    ///
    /// - Parameter url: the destination file, ending in `.svg` or `.png`.
    /// - Throws: ``PlotError/unsupportedFormat(path:)`` for any other extension,
    ///   ``PlotError/writeFailed(path:reason:)`` when the file cannot be written.
    public func write(to url: URL) throws {
        let bytes: [UInt8]
        switch url.pathExtension.lowercased() {
        case "svg": bytes = Array(svg().utf8)
        case "png": bytes = png()
        default: throw PlotError.unsupportedFormat(path: url.path)
        }
        try AtomicFile.write(bytes, to: url)
    }

    /// Writes the plot to the file at `path`; see ``write(to:)``.
    ///
    /// - Parameter path: the destination file's path, ending in `.svg` or `.png`.
    /// - Throws: ``PlotError/unsupportedFormat(path:)`` for any other extension,
    ///   ``PlotError/writeFailed(path:reason:)`` when the file cannot be written.
    public func write(toPath path: String) throws {
        try write(to: URL(fileURLWithPath: path))
    }
}
