/// The shape drawn at each data point.
public enum Marker: Sendable, Equatable {
    /// No marker (line charts' default).
    case none
    /// A filled disk (scatter plots' default).
    case circle
    /// A filled square.
    case square

    /// The scene item for this marker at `center`, `size` pixels across.
    func item(at center: Point, size: Double, color: Color) -> SceneItem? {
        switch self {
        case .none:
            return nil
        case .circle:
            return .circle(center: center, radius: size / 2, fill: color, stroke: nil)
        case .square:
            return .rect(Rect(x: center.x - size / 2, y: center.y - size / 2, width: size, height: size), fill: color, stroke: nil)
        }
    }
}

/// One row of a legend: a swatch (line and/or marker) and a name.
struct LegendEntry: Sendable, Equatable {
    var name: String
    var color: Color
    var showsLine: Bool
    var marker: Marker
    var dash: [Double]? = nil
}

/// Places a legend box in the corner of the plot where it hides the least data
/// (matplotlib's `loc="best"`), trying upper right, upper left, lower left, lower right.
enum Legend {
    static func items(entries: [LegendEntry], plot: Rect, textScale s: Int, avoiding samples: [Point]) -> [SceneItem] {
        guard !entries.isEmpty else { return [] }
        let scale = Double(s)
        let gap = 4 * scale, swatch = 14 * scale, rowHeight = 11 * scale
        let capHeight = Double(BitmapFont.capHeight) * scale
        let textWidth = Double(entries.map { BitmapFont.width(of: $0.name, scale: s) }.max() ?? 0)
        let boxWidth = gap + swatch + gap + textWidth + gap
        let boxHeight = Double(entries.count) * rowHeight + gap
        let inset = 3 * scale
        let corners = [
            Point(x: plot.maxX - inset - boxWidth, y: plot.y + inset),
            Point(x: plot.x + inset, y: plot.y + inset),
            Point(x: plot.x + inset, y: plot.maxY - inset - boxHeight),
            Point(x: plot.maxX - inset - boxWidth, y: plot.maxY - inset - boxHeight),
        ]
        var best = corners[0], bestCost = Int.max
        for corner in corners {
            let box = Rect(x: corner.x - gap, y: corner.y - gap, width: boxWidth + 2 * gap, height: boxHeight + 2 * gap)
            let cost = samples.reduce(0) { $0 + (box.contains($1) ? 1 : 0) }
            if cost < bestCost { (best, bestCost) = (corner, cost) }
        }
        let box = Rect(x: best.x.rounded(.down) + 0.5, y: best.y.rounded(.down) + 0.5, width: boxWidth.rounded(), height: boxHeight.rounded())
        var items: [SceneItem] = [.rect(box, fill: Color.white.withAlpha(230), stroke: Stroke(color: Color(rgb: 0xBBBBBB), width: 1))]
        for (row, entry) in entries.enumerated() {
            let rowTop = box.y + gap / 2 + Double(row) * rowHeight
            let middle = (rowTop + rowHeight / 2).rounded()
            let swatchStart = box.x + gap
            if entry.showsLine {
                items.append(.line(from: Point(x: swatchStart, y: middle), to: Point(x: swatchStart + swatch, y: middle),
                                   stroke: Stroke(color: entry.color, width: max(1.5, scale), dash: entry.dash)))
            }
            if let marker = entry.marker.item(at: Point(x: swatchStart + swatch / 2, y: middle), size: 3.5 * scale, color: entry.color) {
                items.append(marker)
            }
            items.append(.text(entry.name, at: Point(x: swatchStart + swatch + gap, y: (middle + capHeight / 2).rounded()),
                               style: TextStyle(color: .darkGray, scale: s)))
        }
        return items
    }

    /// Points along polylines, at most `spacing` pixels apart, for the placement test.
    static func samples(along lines: [[Point]], spacing: Double = 4, limit: Int = 50_000) -> [Point] {
        var result: [Point] = []
        for line in lines {
            for (index, point) in line.enumerated() where point.x.isFinite && point.y.isFinite {
                result.append(point)
                guard index + 1 < line.count else { continue }
                let next = line[index + 1]
                guard next.x.isFinite, next.y.isFinite else { continue }
                let length = ((next.x - point.x) * (next.x - point.x) + (next.y - point.y) * (next.y - point.y)).squareRoot()
                let steps = min(Int(length / spacing), 2_000)
                if steps < 2 { continue }
                for step in 1..<steps {
                    let t = Double(step) / Double(steps)
                    result.append(Point(x: point.x + (next.x - point.x) * t, y: point.y + (next.y - point.y) * t))
                }
                if result.count > limit { return result }
            }
        }
        return result
    }
}
