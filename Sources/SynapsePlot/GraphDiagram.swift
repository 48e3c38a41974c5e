/// A drawing of a directed acyclic graph as boxes in rows with arrows between
/// them, top to bottom: what `Model.plot(to:)` draws for a model's layers (Keras'
/// `plot_model`).
///
/// Each box holds lines of text (the first in bold); a box's row is the length of
/// the longest path that reaches it, so every arrow points downwards.
///
/// ```swift
/// let diagram = GraphDiagram(boxes: [["input (Input)", "(None, 8)"], ["dense (Dense)", "(None, 4)"]],
///                            edges: [(0, 1)])
/// try diagram.write(to: URL(fileURLWithPath: "model.svg"))   // or .png
/// ```
public struct GraphDiagram: Plot {
    /// The text lines of each box, top first.
    public let boxes: [[String]]
    /// Arrows, as (from, to) indices into ``boxes``.
    public let edges: [(from: Int, to: Int)]
    /// A title above the graph, if any.
    public let title: String?
    /// Text scale factor (font pixels are drawn `scale`×`scale`).
    public let scale: Int

    /// - Parameters:
    ///   - boxes: the text lines of each box, top first (at least one line each).
    ///   - edges: arrows as (from, to) box indices; the graph must be acyclic.
    ///   - title: an optional title above the graph.
    ///   - scale: text scale factor, 1 to 4 (default 2).
    /// - Throws: ``PlotError/invalidData(_:)`` for an edge that names a missing
    ///   box, a cycle, a box without text or a scale out of range.
    public init(boxes: [[String]], edges: [(from: Int, to: Int)], title: String? = nil, scale: Int = 2) throws {
        guard (1...4).contains(scale) else { throw PlotError.invalidData("scale must be 1 to 4, got \(scale)") }
        guard boxes.allSatisfy({ !$0.isEmpty }) else { throw PlotError.invalidData("every box needs at least one line of text") }
        for edge in edges where !boxes.indices.contains(edge.from) || !boxes.indices.contains(edge.to) {
            throw PlotError.invalidData("edge \(edge.from) → \(edge.to) names a box that does not exist (there are \(boxes.count))")
        }
        (self.boxes, self.edges, self.title, self.scale) = (boxes, edges, title, scale)
        guard Self.rows(boxes.count, edges) != nil else { throw PlotError.invalidData("the graph has a cycle") }
    }

    /// Each box's row in the drawing: 0 for boxes without incoming arrows, else one
    /// more than the deepest source; `nil` for a graph with a cycle.
    ///
    /// - Parameters:
    ///   - count: the number of boxes.
    ///   - edges: arrows as (from, to) box indices, each in `0..<count`.
    public static func rows(_ count: Int, _ edges: [(from: Int, to: Int)]) -> [Int]? {
        var row = [Int](repeating: 0, count: count)
        // Longest-path relaxation; more than `count` rounds of changes means a cycle.
        for _ in 0...count {
            var changed = false
            for edge in edges where row[edge.to] < row[edge.from] + 1 {
                row[edge.to] = row[edge.from] + 1
                changed = true
            }
            if !changed { return row }
        }
        return nil
    }

    /// The SVG document.
    public func svg() -> String { scene().svg() }
    /// The PNG bytes.
    public func png() -> [UInt8] { scene().raster().png() }

    func scene() -> Scene {
        let s = Double(scale)
        let lineHeight = Double(BitmapFont.capHeight + BitmapFont.descent + 4) * s
        let padding = 8 * s
        let (rowGap, columnGap, margin) = (36 * s, 16 * s, 12 * s)
        let titleHeight = title == nil ? 0 : lineHeight + 8 * s
        let rowOf = Self.rows(boxes.count, edges) ?? [Int](repeating: 0, count: boxes.count)
        let rowCount = (rowOf.max() ?? 0) + 1
        let sizes = boxes.map { lines in
            (width: Double(lines.map { BitmapFont.width(of: $0, scale: scale) }.max() ?? 0) + 2 * padding,
             height: Double(lines.count) * lineHeight + padding)
        }
        var members = [[Int]](repeating: [], count: rowCount)
        for (box, row) in rowOf.enumerated() { members[row].append(box) }
        let rowWidths = members.map { row in row.reduce(0) { $0 + sizes[$1].width } + columnGap * Double(max(0, row.count - 1)) }
        let rowHeights = members.map { row in row.map { sizes[$0].height }.max() ?? 0 }
        let width = (rowWidths.max() ?? 0) + 2 * margin
        var frames = [Rect](repeating: Rect(x: 0, y: 0, width: 0, height: 0), count: boxes.count)
        var y = margin + titleHeight
        for (row, boxesInRow) in members.enumerated() {
            var x = (width - rowWidths[row]) / 2
            for box in boxesInRow {
                frames[box] = Rect(x: x.rounded(), y: (y + (rowHeights[row] - sizes[box].height) / 2).rounded(),
                                   width: sizes[box].width, height: sizes[box].height)
                x += sizes[box].width + columnGap
            }
            y += rowHeights[row] + rowGap
        }
        let height = y - rowGap + margin
        // Arrows between neighbouring rows go straight; longer ones (skip
        // connections) leave the source downwards, run in a lane right of the
        // boxes they pass, and enter the target from above.
        var routes: [[Point]] = []
        var lanes = 0
        var right = width - margin
        for edge in edges {
            let (source, target) = (frames[edge.from], frames[edge.to])
            let start = Point(x: source.x + source.width / 2, y: source.maxY)
            let end = Point(x: target.x + target.width / 2, y: target.y)
            let passed = rowOf.indices.filter { rowOf[$0] > rowOf[edge.from] && rowOf[$0] < rowOf[edge.to] }
            guard let passedRight = passed.map({ frames[$0].maxX }).max() else {
                routes.append([start, end])
                continue
            }
            let lane = passedRight + columnGap + Double(lanes) * 8 * s
            lanes += 1
            right = max(right, lane)
            routes.append([start, Point(x: lane, y: start.y + rowGap / 3), Point(x: lane, y: end.y - rowGap / 3), end])
        }
        let fullWidth = max(width, right + margin)
        var scene = Scene(width: Int(fullWidth.rounded(.up)), height: Int(height.rounded(.up)), title: title ?? "model graph")
        if let title {
            scene.add(.text(title, at: Point(x: width / 2, y: margin + Double(BitmapFont.capHeight) * s),
                            style: TextStyle(color: .black, scale: scale, anchor: .middle, bold: true)))
        }
        let arrow = Stroke(color: .gray, width: max(1, s * 0.75))
        for route in routes {
            scene.add(.polyline(route, stroke: arrow))
            // The arrowhead: two short strokes back from the tip along the last segment.
            let (tip, before) = (route[route.count - 1], route[route.count - 2])
            let (dx, dy) = (tip.x - before.x, tip.y - before.y)
            let length = max(1e-9, (dx * dx + dy * dy).squareRoot())
            let (ux, uy) = (dx / length, dy / length)
            let size = 5 * s
            for side in [-1.0, 1.0] {
                let corner = Point(x: tip.x - size * ux + side * size * 0.5 * -uy, y: tip.y - size * uy + side * size * 0.5 * ux)
                scene.add(.line(from: corner, to: tip, stroke: arrow))
            }
        }
        for (box, frame) in frames.enumerated() {
            scene.add(.rect(frame, fill: Color(rgb: 0xEEF3FA), stroke: Stroke(color: Color(rgb: 0x4C72B0), width: max(1, s * 0.75))))
            for (index, line) in boxes[box].enumerated() {
                let baseline = frame.y + padding / 2 + Double(index) * lineHeight + Double(BitmapFont.capHeight + 2) * s
                scene.add(.text(line, at: Point(x: frame.x + frame.width / 2, y: baseline),
                                style: TextStyle(color: index == 0 ? .black : .darkGray, scale: scale, anchor: .middle, bold: index == 0)))
            }
        }
        return scene
    }
}
