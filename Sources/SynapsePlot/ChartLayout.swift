/// What a chart tells the shared axes layout: size, texts and the data's extent.
struct AxesSpec {
    var width: Int
    var height: Int
    var title: String?
    var xLabel: String?
    var yLabel: String?
    var textScale: Int
    /// Smallest and largest finite data values, or nil when there are none.
    var xExtent: (Double, Double)?
    var yExtent: (Double, Double)?
    var xRange: ClosedRange<Double>?
    var yRange: ClosedRange<Double>?
    var xIntegerSteps = false
    var showsGrid = true
}

/// The plot area and scales of a chart, and the frame drawn around the data:
/// grid, axes, ticks, tick labels, axis titles and the chart title.
///
/// All sizes derive from the text scale `s` (a ``BitmapFont`` pixel is `s` image
/// pixels), so a chart twice as large with twice the scale looks the same.
struct ChartLayout {
    let plot: Rect
    let xScale: NiceScale
    let yScale: NiceScale
    /// Items under the data (background grid).
    var underlay: [SceneItem] = []
    /// Items over the data (frame, ticks, labels, titles).
    var overlay: [SceneItem] = []
    let textScale: Int

    /// The pixel position of data point `(x, y)` (may lie outside the plot area).
    func point(x: Double, y: Double) -> Point {
        let xSpan = xScale.upper - xScale.lower, ySpan = yScale.upper - yScale.lower
        return Point(x: plot.x + (x - xScale.lower) / xSpan * plot.width,
                     y: plot.maxY - (y - yScale.lower) / ySpan * plot.height)
    }

    /// The text scale that suits an image of this size: 1 below about 600 pixels
    /// across, 2 for the default 800 × 500, and so on.
    static func automaticTextScale(width: Int, height: Int) -> Int {
        max(1, Int((Double(min(width, height * 8 / 5)) / 400).rounded()))
    }

    init(_ spec: AxesSpec) {
        let s = max(1, spec.textScale)
        textScale = s
        let capHeight = Double(BitmapFont.capHeight * s), descent = Double(BitmapFont.descent * s)
        let pad = Double(8 * s), gap = Double(3 * s), tickLength = Double(3 * s)
        let (width, height) = (Double(spec.width), Double(spec.height))
        let text = TextStyle(color: .darkGray, scale: s)

        // Title: one size larger when it fits.
        var titleScale = s
        if let title = spec.title, BitmapFont.width(of: title, scale: s + 1) <= spec.width - Int(2 * pad) { titleScale = s + 1 }
        let titleHeight = spec.title == nil ? 0 : Double(BitmapFont.capHeight * titleScale) + descent + 2 * gap

        // Vertical layout first: the y ticks depend on the plot height only.
        let top = pad + max(titleHeight, capHeight / 2)
        let xTitleHeight = spec.xLabel == nil ? 0 : capHeight + descent + gap
        let bottom = pad + xTitleHeight + tickLength + gap + capHeight + descent
        let plotHeight = max(1, height - top - bottom)
        let yTicks = max(2, min(10, Int(plotHeight / (capHeight * 3.5))))
        let yScale = Self.scale(extent: spec.yExtent, range: spec.yRange, maximumTicks: yTicks, integers: false)
        let yLabels = yScale.labels
        let yLabelWidth = Double(yLabels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0)
        let yTitleWidth = spec.yLabel == nil ? 0 : capHeight + descent + 2 * gap
        let left = pad + yTitleWidth + yLabelWidth + gap + tickLength

        // Horizontal: as many x ticks as fit without their labels touching; the
        // last label may reach past the plot, so leave room for half of it.
        var right = pad
        var xScale = Self.scale(extent: spec.xExtent, range: spec.xRange, maximumTicks: 2, integers: spec.xIntegerSteps)
        for _ in 0..<2 {
            let plotWidth = max(1, width - left - right)
            for count in stride(from: 10, through: 2, by: -1) {
                let candidate = Self.scale(extent: spec.xExtent, range: spec.xRange, maximumTicks: count, integers: spec.xIntegerSteps)
                let widest = Double(candidate.labels.map { BitmapFont.width(of: $0, scale: s) }.max() ?? 0)
                let spacing = plotWidth * candidate.step / max(candidate.upper - candidate.lower, .leastNormalMagnitude)
                xScale = candidate
                if spacing >= widest + 4 * gap { break }
            }
            let lastWidth = Double(BitmapFont.width(of: xScale.labels.last ?? "", scale: s))
            right = max(pad, lastWidth / 2 + gap)
        }
        let plot = Rect(x: left, y: top, width: max(1, width - left - right), height: plotHeight)
        self.plot = plot
        self.xScale = xScale
        self.yScale = yScale

        // Grid under the data; lines sit on pixel centres so they stay one pixel wide.
        let crisp = { (value: Double) in value.rounded(.down) + 0.5 }
        let frame = Rect(x: crisp(plot.x), y: crisp(plot.y), width: (plot.maxX.rounded(.down) - plot.x.rounded(.down)),
                         height: (plot.maxY.rounded(.down) - plot.y.rounded(.down)))
        let xPositions = xScale.ticks.map { crisp(point(x: $0, y: 0).x) }
        let yPositions = yScale.ticks.map { crisp(point(x: 0, y: $0).y) }
        if spec.showsGrid {
            let grid = Stroke(color: .lightGray, width: 1)
            for x in xPositions where x > frame.x + 1 && x < frame.maxX - 1 {
                underlay.append(.line(from: Point(x: x, y: frame.y), to: Point(x: x, y: frame.maxY), stroke: grid))
            }
            for y in yPositions where y > frame.y + 1 && y < frame.maxY - 1 {
                underlay.append(.line(from: Point(x: frame.x, y: y), to: Point(x: frame.maxX, y: y), stroke: grid))
            }
        }

        // Frame, ticks and tick labels over the data.
        let axis = Stroke(color: .darkGray, width: 1)
        overlay.append(.rect(frame, fill: nil, stroke: axis))
        for (x, label) in zip(xPositions, xScale.labels) {
            overlay.append(.line(from: Point(x: x, y: frame.maxY), to: Point(x: x, y: frame.maxY + tickLength), stroke: axis))
            var style = text
            style.anchor = .middle
            overlay.append(.text(label, at: Point(x: x, y: frame.maxY + tickLength + gap + capHeight), style: style))
        }
        for (y, label) in zip(yPositions, yLabels) {
            overlay.append(.line(from: Point(x: frame.x - tickLength, y: y), to: Point(x: frame.x, y: y), stroke: axis))
            var style = text
            style.anchor = .end
            overlay.append(.text(label, at: Point(x: frame.x - tickLength - gap, y: (y + capHeight / 2).rounded(.down)), style: style))
        }

        // Axis titles and the chart title.
        if let xLabel = spec.xLabel {
            var style = text
            style.anchor = .middle
            overlay.append(.text(xLabel, at: Point(x: plot.x + plot.width / 2, y: height - pad - descent), style: style))
        }
        if let yLabel = spec.yLabel {
            var style = text
            style.anchor = .middle
            style.orientation = .vertical
            overlay.append(.text(yLabel, at: Point(x: pad + capHeight, y: plot.y + plot.height / 2), style: style))
        }
        if let title = spec.title {
            var style = TextStyle(color: .black, scale: titleScale, anchor: .middle, bold: true)
            var center = plot.x + plot.width / 2
            let titleWidth = Double(BitmapFont.width(of: title, scale: titleScale))
            if center - titleWidth / 2 < pad || center + titleWidth / 2 > width - pad {
                center = width / 2  // too wide to centre over the plot: centre on the image
            }
            if titleWidth > width - 2 * pad { (style.anchor, center) = (.start, pad) }
            overlay.append(.text(title, at: Point(x: center, y: pad + Double(BitmapFont.capHeight * titleScale)), style: style))
        }
    }

    /// A covering scale for the data, or a fixed one for a user-given range.
    private static func scale(extent: (Double, Double)?, range: ClosedRange<Double>?, maximumTicks: Int,
                              integers: Bool) -> NiceScale {
        if let range, range.lowerBound < range.upperBound {
            return NiceScale(limits: range, maximumTickCount: maximumTicks, integerSteps: integers)
        }
        let (low, high) = extent ?? (0, 1)
        return NiceScale(covering: low, high, maximumTickCount: maximumTicks, integerSteps: integers)
    }

    /// The smallest and largest finite values, or nil when there are none.
    static func extent<S: Sequence>(of values: S) -> (Double, Double)? where S.Element == Double {
        var low = Double.infinity, high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? (low, high) : nil
    }
}
