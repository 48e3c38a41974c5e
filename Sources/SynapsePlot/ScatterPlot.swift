import SynapseCore
/// A scatter plot of one or more point series, such as true versus predicted
/// values with a y = x reference line, rendered to SVG or PNG.
///
/// Points with a NaN or infinite coordinate are skipped. Markers are slightly
/// transparent so dense regions read darker.
///
/// ```swift
/// let plot = ScatterPlot.predictedVersusTrue(trueValues: y, predicted: model.predict(x).scalars)
/// try plot.write(toPath: "predictions.svg")
/// ```
public struct ScatterPlot: Plot {
    /// One group of points with a name in the legend and a colour.
    public struct Series: Sendable, Equatable {
        /// The name shown in the legend (an empty name leaves the series out of it).
        public var name: String
        /// Horizontal positions.
        public var x: [Double]
        /// Vertical positions, one per x.
        public var y: [Double]
        /// The marker colour; `nil` picks the next ``Color/palette`` colour.
        public var color: Color?
        /// The marker shape (a disk by default).
        public var marker: Marker

        /// A series of points `(x[i], y[i])`.
        ///
        /// - Parameters:
        ///   - name: the name shown in the legend (empty leaves the series out of it).
        ///   - x: horizontal positions.
        ///   - y: vertical positions, one per x.
        ///   - color: the marker colour; default `nil` picks the next ``Color/palette`` colour.
        ///   - marker: the marker shape; default `.circle` (`.none` also gives a circle).
        /// - Precondition: `x` and `y` have the same count.
        public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y], color: Color? = nil,
                                                                    marker: Marker = .circle) {
            require(x.count == y.count, "ScatterPlot.Series \"\(name)\": x has \(x.count) values but y has \(y.count)")
            self.name = name
            self.x = x.map { Double($0) }
            self.y = y.map { Double($0) }
            self.color = color
            self.marker = marker == .none ? .circle : marker
        }
    }

    /// A straight reference line drawn dashed across the plot.
    public enum ReferenceLine: Sendable, Equatable {
        /// y = x: where predictions equal the truth.
        case identity
        /// y = slope · x + intercept.
        case line(slope: Double, intercept: Double)
    }

    /// The point groups, drawn in order.
    public var series: [Series]
    /// An optional dashed reference line (drawn under the points).
    public var referenceLine: ReferenceLine?
    /// Gives both axes the same limits (useful for true-versus-predicted plots).
    public var equalAxes: Bool
    /// The title above the plot.
    public var title: String?
    /// The horizontal axis title.
    public var xLabel: String?
    /// The vertical axis title.
    public var yLabel: String?
    /// Image width in pixels; default 600.
    public var width: Int
    /// Image height in pixels; default 500.
    public var height: Int
    /// Text size as a multiple of the 5×7 font; `nil` picks one from the image size.
    public var textScale: Int?
    /// Marker size in pixels; `nil` scales it with the text.
    public var markerSize: Double?
    /// Fixed horizontal limits; `nil` fits the data.
    public var xRange: ClosedRange<Double>?
    /// Fixed vertical limits; `nil` fits the data.
    public var yRange: ClosedRange<Double>?
    /// Draws light grid lines at the ticks.
    public var showsGrid: Bool
    /// Draws the legend (when at least one series has a name).
    public var showsLegend: Bool

    /// A scatter plot with the given texts and series.
    ///
    /// - Parameters:
    ///   - title: the title above the plot; default `nil` (none).
    ///   - xLabel: the horizontal axis title; default `nil`.
    ///   - yLabel: the vertical axis title; default `nil`.
    ///   - series: the point groups, drawn in order; default none.
    ///   - referenceLine: a dashed line drawn under the points; default `nil` (none).
    ///   - width: image width in pixels; default 600.
    ///   - height: image height in pixels; default 500.
    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, series: [Series] = [],
                referenceLine: ReferenceLine? = nil, width: Int = 600, height: Int = 500) {
        self.series = series
        self.referenceLine = referenceLine
        self.equalAxes = false
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
        self.textScale = nil
        self.markerSize = nil
        self.xRange = nil
        self.yRange = nil
        self.showsGrid = true
        self.showsLegend = true
    }

    /// Predictions against the truth: x = true value, y = prediction, equal axes
    /// and the y = x line where a perfect model's points would lie.
    ///
    /// - Parameters:
    ///   - trueValues: the targets, one per sample (x).
    ///   - predicted: the model's outputs, one per sample (y).
    ///   - title: the title; default `"Predicted vs true"`.
    ///   - name: the series' legend name; default `""` (no legend).
    /// - Returns: the plot, with axes titled `true` and `predicted`.
    /// - Precondition: `trueValues` and `predicted` have the same count.
    public static func predictedVersusTrue<T: BinaryFloatingPoint, P: BinaryFloatingPoint>(
        trueValues: [T], predicted: [P], title: String? = "Predicted vs true", name: String = "") -> ScatterPlot {
        var plot = ScatterPlot(title: title, xLabel: "true", yLabel: "predicted",
                               series: [Series(name: name, x: trueValues, y: predicted)], referenceLine: .identity)
        plot.equalAxes = true
        return plot
    }

    /// Appends a series of points.
    ///
    /// - Parameters:
    ///   - name: the name shown in the legend (empty leaves the series out of it).
    ///   - x: horizontal positions.
    ///   - y: vertical positions, one per x.
    ///   - color: the marker colour; default `nil` picks the next ``Color/palette`` colour.
    ///   - marker: the marker shape; default `.circle` (`.none` also gives a circle).
    /// - Precondition: `x` and `y` have the same count.
    public mutating func add<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y],
                                                                            color: Color? = nil, marker: Marker = .circle) {
        series.append(Series(name: name, x: x, y: y, color: color, marker: marker))
    }

    /// The plot as an SVG document.
    public func svg() -> String { scene().svg() }

    /// The plot as PNG bytes.
    public func png() -> [UInt8] { scene().raster().png() }

    /// Lays the plot out once for both outputs.
    func scene() -> Scene {
        let (width, height) = (max(1, self.width), max(1, self.height))
        let s = textScale ?? ChartLayout.automaticTextScale(width: width, height: height)
        let finite = series.flatMap { zip($0.x, $0.y).filter { $0.0.isFinite && $0.1.isFinite } }
        var xExtent = ChartLayout.extent(of: finite.map(\.0)), yExtent = ChartLayout.extent(of: finite.map(\.1))
        var (xRange, yRange) = (self.xRange, self.yRange)
        if equalAxes {
            if let x = xExtent, let y = yExtent { xExtent = (min(x.0, y.0), max(x.1, y.1)); yExtent = xExtent }
            if xRange == nil { xRange = yRange }
            if yRange == nil { yRange = xRange }
        }
        let spec = AxesSpec(width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel, textScale: s,
                            xExtent: xExtent, yExtent: yExtent, xRange: xRange, yRange: yRange, showsGrid: showsGrid)
        let layout = ChartLayout(spec)
        var scene = Scene(width: width, height: height, title: title ?? "scatter plot")
        scene.items = layout.underlay

        var data: [SceneItem] = []
        if let referenceLine {
            let (slope, intercept) = switch referenceLine {
            case .identity: (1.0, 0.0)
            case .line(let slope, let intercept): (slope, intercept)
            }
            let (low, high) = (layout.xScale.lower, layout.xScale.upper)
            data.append(.line(from: layout.point(x: low, y: slope * low + intercept),
                              to: layout.point(x: high, y: slope * high + intercept),
                              stroke: Stroke(color: .gray, width: max(1, Double(s) * 0.75), dash: [5 * Double(s), 4 * Double(s)])))
        }
        var points: [Point] = []
        var entries: [LegendEntry] = []
        let size = markerSize ?? 3 * Double(s)
        for (index, group) in series.enumerated() {
            let color = (group.color ?? .series(index))
            let faded = color.withAlpha(UInt8(Double(color.alpha) * 0.75))
            for (x, y) in zip(group.x, group.y) where x.isFinite && y.isFinite {
                let point = layout.point(x: x, y: y)
                if let item = group.marker.item(at: point, size: size, color: faded) { data.append(item) }
                points.append(point)
            }
            if !group.name.isEmpty {
                entries.append(LegendEntry(name: group.name, color: color, showsLine: false, marker: group.marker))
            }
        }
        scene.add(.clipped(layout.plot, data))
        scene.items += layout.overlay
        if showsLegend {
            scene.items += Legend.items(entries: entries, plot: layout.plot, textScale: s, avoiding: points)
        }
        return scene
    }
}
