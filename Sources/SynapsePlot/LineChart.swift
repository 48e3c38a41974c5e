import SynapseCore
/// A line chart of one or more named series, such as training and validation loss
/// per epoch, rendered to SVG or PNG.
///
/// Axes get "nice" ticks (steps of 1, 2 or 5 × 10ⁿ) that cover the data, a legend
/// is placed in the corner with the least data, and each series gets a distinct
/// colour from ``Color/palette``. NaN and infinite values are skipped and break the
/// line, as in matplotlib; an empty chart still draws its axes.
///
/// ```swift
/// var chart = LineChart(title: "Training", xLabel: "epoch", yLabel: "loss")
/// chart.add(name: "loss", y: history["loss"]!)
/// chart.add(name: "val_loss", y: history["val_loss"]!)
/// try chart.write(toPath: "loss.png")
/// ```
public struct LineChart: Plot {
    /// One line: its name in the legend, its points and its look.
    public struct Series: Sendable, Equatable {
        /// The name shown in the legend (an empty name leaves the series out of it).
        public var name: String
        /// Horizontal positions, one per point.
        public var x: [Double]
        /// Vertical positions, one per point; NaN or ±∞ leaves a gap.
        public var y: [Double]
        /// The line colour; `nil` picks the next ``Color/palette`` colour.
        public var color: Color?
        /// The marker drawn at each point (none by default).
        public var marker: Marker
        /// Draws the line dashed.
        public var dashed: Bool

        /// A series at x = 1, 2, …, n (epoch numbers as Keras prints them).
        ///
        /// - Parameters:
        ///   - name: the name shown in the legend (empty leaves the series out of it).
        ///   - y: vertical positions, one per point; NaN or ±∞ leaves a gap.
        ///   - color: the line colour; default `nil` picks the next ``Color/palette`` colour.
        ///   - marker: the marker drawn at each point; default `.none`.
        ///   - dashed: whether the line is dashed; default `false`.
        public init<Y: BinaryFloatingPoint>(name: String, y: [Y], color: Color? = nil, marker: Marker = .none,
                                            dashed: Bool = false) {
            self.init(name: name, x: (0..<y.count).map { Double($0 + 1) }, y: y, color: color, marker: marker, dashed: dashed)
        }

        /// A series with explicit x values.
        ///
        /// - Parameters:
        ///   - name: the name shown in the legend (empty leaves the series out of it).
        ///   - x: horizontal positions, one per point.
        ///   - y: vertical positions, one per point; NaN or ±∞ leaves a gap.
        ///   - color: the line colour; default `nil` picks the next ``Color/palette`` colour.
        ///   - marker: the marker drawn at each point; default `.none`.
        ///   - dashed: whether the line is dashed; default `false`.
        /// - Precondition: `x` and `y` have the same count.
        public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y], color: Color? = nil,
                                                                    marker: Marker = .none, dashed: Bool = false) {
            require(x.count == y.count, "LineChart.Series \"\(name)\": x has \(x.count) values but y has \(y.count)")
            self.name = name
            self.x = x.map { Double($0) }
            self.y = y.map { Double($0) }
            self.color = color
            self.marker = marker
            self.dashed = dashed
        }
    }

    /// The lines, drawn in order (later ones on top).
    public var series: [Series]
    /// The title above the chart.
    public var title: String?
    /// The horizontal axis title.
    public var xLabel: String?
    /// The vertical axis title.
    public var yLabel: String?
    /// Image width in pixels (SVG user units); default 800.
    public var width: Int
    /// Image height in pixels; default 500.
    public var height: Int
    /// Text size as a multiple of the 5×7 font; `nil` picks one from the image size (2 at 800 × 500).
    public var textScale: Int?
    /// Fixed horizontal limits; `nil` fits the data.
    public var xRange: ClosedRange<Double>?
    /// Fixed vertical limits; `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// Draws light grid lines at the ticks.
    public var showsGrid: Bool
    /// Draws the legend (when at least one series has a name).
    public var showsLegend: Bool

    /// A chart with the given texts and series.
    ///
    /// - Parameters:
    ///   - title: the title above the chart; default `nil` (none).
    ///   - xLabel: the horizontal axis title; default `nil`.
    ///   - yLabel: the vertical axis title; default `nil`.
    ///   - series: the lines, drawn in order; default none (add them with ``add(name:y:color:marker:)``).
    ///   - width: image width in pixels; default 800.
    ///   - height: image height in pixels; default 500.
    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, series: [Series] = [],
                width: Int = 800, height: Int = 500) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.textScale = nil
        self.xRange = nil
        self.yRange = nil
        self.showsGrid = true
        self.showsLegend = true
    }

    /// Appends a series at x = 1, 2, …, n.
    ///
    /// - Parameters:
    ///   - name: the name shown in the legend (empty leaves the series out of it).
    ///   - y: vertical positions, one per point; NaN or ±∞ leaves a gap.
    ///   - color: the line colour; default `nil` picks the next ``Color/palette`` colour.
    ///   - marker: the marker drawn at each point; default `.none`.
    public mutating func add<Y: BinaryFloatingPoint>(name: String, y: [Y], color: Color? = nil, marker: Marker = .none) {
        series.append(Series(name: name, y: y, color: color, marker: marker))
    }

    /// Appends a series with explicit x values.
    ///
    /// - Parameters:
    ///   - name: the name shown in the legend (empty leaves the series out of it).
    ///   - x: horizontal positions, one per point.
    ///   - y: vertical positions, one per point; NaN or ±∞ leaves a gap.
    ///   - color: the line colour; default `nil` picks the next ``Color/palette`` colour.
    ///   - marker: the marker drawn at each point; default `.none`.
    /// - Precondition: `x` and `y` have the same count.
    public mutating func add<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y],
                                                                            color: Color? = nil, marker: Marker = .none) {
        series.append(Series(name: name, x: x, y: y, color: color, marker: marker))
    }

    /// The chart as an SVG document.
    public func svg() -> String { scene().svg() }

    /// The chart as PNG bytes.
    public func png() -> [UInt8] { scene().raster().png() }

    /// Lays the chart out once for both outputs.
    func scene() -> Scene {
        let (width, height) = (max(1, self.width), max(1, self.height))
        let s = textScale ?? ChartLayout.automaticTextScale(width: width, height: height)
        // Points count toward the extent only where both coordinates are finite.
        let finite = series.flatMap { zip($0.x, $0.y).filter { $0.0.isFinite && $0.1.isFinite } }
        let spec = AxesSpec(width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel, textScale: s,
                            xExtent: ChartLayout.extent(of: finite.map(\.0)), yExtent: ChartLayout.extent(of: finite.map(\.1)),
                            xRange: xRange, yRange: yRange,
                            xIntegerSteps: !finite.isEmpty && finite.allSatisfy { $0.0 == $0.0.rounded() },
                            showsGrid: showsGrid)
        let layout = ChartLayout(spec)
        var scene = Scene(width: width, height: height, title: title ?? "line chart")
        scene.items = layout.underlay

        var data: [SceneItem] = []
        var lines: [[Point]] = []
        var entries: [LegendEntry] = []
        let lineWidth = max(1.5, Double(s)), markerSize = 3.5 * Double(s)
        for (index, line) in series.enumerated() {
            let color = line.color ?? .series(index)
            let dash = line.dashed ? [6 * Double(s), 4 * Double(s)] : nil
            let points = zip(line.x, line.y).map { x, y in
                x.isFinite && y.isFinite ? layout.point(x: x, y: y) : Point(x: .nan, y: .nan)
            }
            data.append(.polyline(points, stroke: Stroke(color: color, width: lineWidth, dash: dash)))
            for point in points where point.x.isFinite && point.y.isFinite {
                if let marker = line.marker.item(at: point, size: markerSize, color: color) { data.append(marker) }
            }
            // A lone finite point between gaps has no segment: mark it so it shows.
            for (offset, point) in points.enumerated() where point.x.isFinite && line.marker == .none {
                let before = offset > 0 && points[offset - 1].x.isFinite
                let after = offset + 1 < points.count && points[offset + 1].x.isFinite
                if !before && !after { data.append(.circle(center: point, radius: 1.5 * lineWidth, fill: color, stroke: nil)) }
            }
            lines.append(points)
            if !line.name.isEmpty {
                entries.append(LegendEntry(name: line.name, color: color, showsLine: true, marker: line.marker, dash: dash))
            }
        }
        // Clip a little outside the frame so lines and markers on the limits show whole.
        let margin = markerSize / 2 + 1
        let clip = Rect(x: layout.plot.x - margin, y: layout.plot.y - margin,
                        width: layout.plot.width + 2 * margin, height: layout.plot.height + 2 * margin)
        scene.add(.clipped(clip, data))
        scene.items += layout.overlay
        if showsLegend {
            scene.items += Legend.items(entries: entries, plot: layout.plot, textScale: s,
                                        avoiding: Legend.samples(along: lines))
        }
        return scene
    }
}
