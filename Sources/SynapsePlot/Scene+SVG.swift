import Foundation

/// SVG 1.1 output of a ``Scene``.
extension Scene {
    /// Font size in SVG pixels for text at `scale`, chosen so a sans-serif cap height
    /// (about 0.7 em) matches the bitmap font's 7 × `scale` pixels.
    static func svgFontSize(scale: Int) -> Double { Double(max(1, scale)) * 10 }

    /// The scene as a standalone SVG document.
    func svg() -> String {
        var clipCount = 0
        var body = ""
        for item in items { Self.write(item, into: &body, clipCount: &clipCount) }
        var document = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        document += #"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\#(width)" height="\#(height)" "#
        document += #"viewBox="0 0 \#(width) \#(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"# + "\n"
        if let title { document += "<title>\(Self.escape(title))</title>\n" }
        document += #"<rect x="0" y="0" width="\#(width)" height="\#(height)"\#(Self.fill(background))/>"# + "\n"
        document += body
        document += "</svg>\n"
        return document
    }

    private static func write(_ item: SceneItem, into out: inout String, clipCount: inout Int) {
        switch item {
        case .line(let from, let to, let stroke):
            out += #"<line x1="\#(number(from.x))" y1="\#(number(from.y))" x2="\#(number(to.x))" y2="\#(number(to.y))"\#(attributes(stroke))/>"# + "\n"
        case .polyline(let points, let stroke):
            // A non-finite point breaks the line: one <polyline> per finite run.
            for run in points.split(whereSeparator: { !$0.x.isFinite || !$0.y.isFinite }) where run.count >= 2 {
                let list = run.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
                out += #"<polyline points="\#(list)" fill="none" stroke-linejoin="round" stroke-linecap="round"\#(attributes(stroke))/>"# + "\n"
            }
        case .rect(let rect, let fillColor, let stroke):
            out += #"<rect x="\#(number(rect.x))" y="\#(number(rect.y))" width="\#(number(rect.width))" height="\#(number(rect.height))""#
            out += fillColor.map(fill) ?? #" fill="none""#
            out += stroke.map(attributes) ?? ""
            out += "/>\n"
        case .circle(let center, let radius, let fillColor, let stroke):
            guard center.x.isFinite, center.y.isFinite else { return }
            out += #"<circle cx="\#(number(center.x))" cy="\#(number(center.y))" r="\#(number(radius))""#
            out += fillColor.map(fill) ?? #" fill="none""#
            out += stroke.map(attributes) ?? ""
            out += "/>\n"
        case .text(let text, let point, let style):
            let anchor = switch style.anchor {
            case .start: "start"
            case .middle: "middle"
            case .end: "end"
            }
            out += #"<text x="\#(number(point.x))" y="\#(number(point.y))" font-size="\#(number(svgFontSize(scale: style.scale)))""#
            out += #" text-anchor="\#(anchor)""# + fill(style.color)
            if style.bold { out += #" font-weight="bold""# }
            if style.orientation == .vertical {
                out += #" transform="rotate(-90 \#(number(point.x)) \#(number(point.y)))""#
            }
            out += ">\(escape(text))</text>\n"
        case .clipped(let rect, let children):
            clipCount += 1
            let id = "clip\(clipCount)"
            out += #"<defs><clipPath id="\#(id)"><rect x="\#(number(rect.x))" y="\#(number(rect.y))" width="\#(number(rect.width))" height="\#(number(rect.height))"/></clipPath></defs>"# + "\n"
            out += #"<g clip-path="url(#\#(id))">"# + "\n"
            for child in children { write(child, into: &out, clipCount: &clipCount) }
            out += "</g>\n"
        }
    }

    private static func fill(_ color: Color) -> String {
        var text = #" fill="\#(color.hex)""#
        if color.alpha < 255 { text += #" fill-opacity="\#(number(Double(color.alpha) / 255))""# }
        return text
    }

    private static func attributes(_ stroke: Stroke) -> String {
        var text = #" stroke="\#(stroke.color.hex)" stroke-width="\#(number(stroke.width))""#
        if stroke.color.alpha < 255 { text += #" stroke-opacity="\#(number(Double(stroke.color.alpha) / 255))""# }
        if let dash = stroke.dash, !dash.isEmpty {
            text += #" stroke-dasharray="\#(dash.map(number).joined(separator: ","))""#
        }
        return text
    }

    /// A coordinate with at most two decimals and no trailing zeros ("12", "3.5").
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// Escapes text for XML character data and attribute values (``XMLEscaping``).
    static func escape(_ text: String) -> String { XMLEscaping.escape(text) }
}
