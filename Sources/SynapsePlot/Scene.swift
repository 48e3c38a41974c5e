/// How a line or outline is drawn.
struct Stroke: Sendable, Equatable {
    /// Line colour.
    var color: Color
    /// Line width in pixels.
    var width: Double = 1
    /// Dash pattern (on, off, on, … lengths in pixels); `nil` draws a solid line.
    var dash: [Double]? = nil
}

/// How a piece of text is drawn; sizes are in ``BitmapFont`` pixels times `scale`.
struct TextStyle: Sendable, Equatable {
    var color: Color = .darkGray
    var scale: Int = 1
    var anchor: TextAnchor = .start
    var orientation: TextOrientation = .horizontal
    var bold: Bool = false
}

/// An axis-aligned rectangle in image pixels.
struct Rect: Sendable, Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }

    func contains(_ point: Point) -> Bool {
        point.x >= x && point.x <= maxX && point.y >= y && point.y <= maxY
    }
}

/// One drawing instruction of a ``Scene``.
indirect enum SceneItem: Sendable, Equatable {
    case line(from: Point, to: Point, stroke: Stroke)
    case polyline([Point], stroke: Stroke)
    case rect(Rect, fill: Color?, stroke: Stroke?)
    case circle(center: Point, radius: Double, fill: Color?, stroke: Stroke?)
    case text(String, at: Point, style: TextStyle)
    /// Items drawn only inside a rectangle (the plot area).
    case clipped(Rect, [SceneItem])
}

/// A resolution-independent drawing: what a chart lays out once and then renders
/// both as SVG (``svg()``) and as pixels (``raster()``), so the two outputs agree.
struct Scene: Sendable, Equatable {
    var width: Int
    var height: Int
    var background: Color = .white
    /// A description for the SVG `<title>` element (read by screen readers).
    var title: String? = nil
    var items: [SceneItem] = []

    mutating func add(_ item: SceneItem) { items.append(item) }

    /// Splits a polyline into its visible dashes (the whole line when `dash` is nil
    /// or has no positive length).
    static func dashes(of points: [Point], pattern: [Double]?) -> [[Point]] {
        guard let pattern, pattern.contains(where: { $0 > 0 }), pattern.allSatisfy({ $0 >= 0 && $0.isFinite }),
              points.count >= 2 else { return [points] }
        var pieces: [[Point]] = []
        var current: [Point] = [points[0]]
        var patternIndex = 0
        var remaining = pattern[0]
        var drawing = true
        for index in 1..<points.count {
            var start = points[index - 1]
            let end = points[index]
            var length = ((end.x - start.x) * (end.x - start.x) + (end.y - start.y) * (end.y - start.y)).squareRoot()
            while length > 0 {
                let step = min(remaining, length)
                let t = step / length
                let next = Point(x: start.x + (end.x - start.x) * t, y: start.y + (end.y - start.y) * t)
                if drawing { current.append(next) }
                (start, length, remaining) = (next, length - step, remaining - step)
                if remaining <= 0 {
                    if drawing, current.count >= 2 { pieces.append(current) }
                    drawing.toggle()
                    patternIndex = (patternIndex + 1) % pattern.count
                    remaining = pattern[patternIndex]
                    current = [start]
                }
            }
        }
        if drawing, current.count >= 2 { pieces.append(current) }
        return pieces
    }
}
