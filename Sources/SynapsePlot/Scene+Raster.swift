/// Pixel output of a ``Scene``.
extension Scene {
    /// The scene drawn on a new canvas of its size.
    func raster() -> RasterImage {
        var image = RasterImage(width: max(1, width), height: max(1, height), background: background)
        for item in items { Self.draw(item, on: &image) }
        return image
    }

    private static func draw(_ item: SceneItem, on image: inout RasterImage) {
        switch item {
        case .line(let from, let to, let stroke):
            drawPolyline([from, to], stroke: stroke, on: &image)
        case .polyline(let points, let stroke):
            drawPolyline(points, stroke: stroke, on: &image)
        case .rect(let rect, let fill, let stroke):
            if let fill { image.fillRect(x: rect.x, y: rect.y, width: rect.width, height: rect.height, color: fill) }
            if let stroke {
                let corners = [Point(x: rect.x, y: rect.y), Point(x: rect.maxX, y: rect.y),
                               Point(x: rect.maxX, y: rect.maxY), Point(x: rect.x, y: rect.maxY),
                               Point(x: rect.x, y: rect.y)]
                drawPolyline(corners, stroke: stroke, square: true, on: &image)
            }
        case .circle(let center, let radius, let fill, let stroke):
            if let fill { image.fillCircle(center: center, radius: radius, color: fill) }
            if let stroke { image.strokeCircle(center: center, radius: radius, color: stroke.color, thickness: stroke.width) }
        case .text(let text, let point, let style):
            image.drawText(text, at: point, color: style.color, scale: style.scale, anchor: style.anchor,
                           orientation: style.orientation, bold: style.bold)
        case .clipped(let rect, let children):
            let saved = image.clip
            image.clip = rect
            for child in children { draw(child, on: &image) }
            image.clip = saved
        }
    }

    /// Draws connected segments, skipping non-finite points (which break the line).
    /// Axis-aligned segments of a `square` outline are filled as rectangles so
    /// frames stay crisp instead of getting round, blurred corners.
    private static func drawPolyline(_ points: [Point], stroke: Stroke, square: Bool = false, on image: inout RasterImage) {
        var run: [Point] = []
        func flush() {
            defer { run.removeAll(keepingCapacity: true) }
            for piece in dashes(of: run, pattern: stroke.dash) where piece.count >= 2 {
                for index in 1..<piece.count {
                    let (a, b) = (piece[index - 1], piece[index])
                    if square && (a.x == b.x || a.y == b.y) {
                        let half = stroke.width / 2
                        image.fillRect(x: min(a.x, b.x) - half, y: min(a.y, b.y) - half,
                                       width: abs(b.x - a.x) + stroke.width, height: abs(b.y - a.y) + stroke.width,
                                       color: stroke.color)
                    } else {
                        image.drawLine(from: a, to: b, color: stroke.color, thickness: stroke.width)
                    }
                }
            }
        }
        for point in points {
            if point.x.isFinite && point.y.isFinite { run.append(point) } else { flush() }
        }
        flush()
    }
}
