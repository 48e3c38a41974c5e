/// Where a text's anchor point sits along the text.
public enum TextAnchor: Sendable, Equatable {
    /// The anchor is at the start of the text (left for unrotated text).
    case start
    /// The anchor is at the middle of the text.
    case middle
    /// The anchor is at the end of the text (right for unrotated text).
    case end
}

/// The direction text runs in.
public enum TextOrientation: Sendable, Equatable {
    /// Left to right.
    case horizontal
    /// Bottom to top (rotated 90° counter-clockwise), as y-axis titles are.
    case vertical
}

extension RasterImage {
    /// Draws `text` in the built-in ``BitmapFont``.
    ///
    /// - Parameters:
    ///   - text: the text; characters outside printable ASCII are drawn as a hollow box.
    ///   - origin: the anchor point on the baseline (rounded to whole pixels so the
    ///     glyphs stay sharp).
    ///   - color: the text colour.
    ///   - scale: each font pixel becomes `scale × scale` image pixels (at least 1).
    ///   - anchor: which part of the text sits at `origin`.
    ///   - orientation: horizontal, or rotated to read bottom to top.
    ///   - bold: thickens strokes by one image pixel.
    public mutating func drawText(_ text: String, at origin: Point, color: Color, scale: Int = 1,
                                  anchor: TextAnchor = .start, orientation: TextOrientation = .horizontal,
                                  bold: Bool = false) {
        guard origin.x.isFinite, origin.y.isFinite, !text.isEmpty else { return }
        let scale = max(1, scale)
        let width = BitmapFont.width(of: text, scale: scale) + (bold ? 1 : 0)
        let startU: Int
        switch anchor {
        case .start: startU = 0
        case .middle: startU = -width / 2
        case .end: startU = -width
        }
        let (originX, originY) = (Int(origin.x.rounded()), Int(origin.y.rounded()))
        for (index, character) in text.enumerated() {
            let glyph = BitmapFont.rows(for: character)
            for (row, bits) in glyph.enumerated() where bits != 0 {
                let v = (row - BitmapFont.capHeight) * scale
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let u = startU + (index * BitmapFont.advance + column) * scale
                    for extra in 0...(bold ? 1 : 0) {
                        fillBlock(u: u + extra, v: v, size: scale, originX: originX, originY: originY,
                                  orientation: orientation, color: color)
                    }
                }
            }
        }
    }

    /// Fills one `size × size` block at text coordinates `(u, v)` (u along the text,
    /// v downwards from the baseline).
    private mutating func fillBlock(u: Int, v: Int, size: Int, originX: Int, originY: Int,
                                    orientation: TextOrientation, color: Color) {
        switch orientation {
        case .horizontal:
            fillRect(x: Double(originX + u), y: Double(originY + v), width: Double(size), height: Double(size), color: color)
        case .vertical:
            // Rotated counter-clockwise: the text runs up, its "down" points right.
            fillRect(x: Double(originX + v), y: Double(originY - u - size), width: Double(size), height: Double(size), color: color)
        }
    }
}
