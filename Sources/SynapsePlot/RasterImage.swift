import SynapseCore
import SynapseIO
/// A point in image coordinates: x to the right, y downwards, in pixels; pixel
/// `(i, j)` covers the square from `(i, j)` to `(i + 1, j + 1)`.
public struct Point: Sendable, Hashable {
    /// Horizontal position in pixels from the left edge.
    public var x: Double
    /// Vertical position in pixels from the top edge.
    public var y: Double

    /// A point at `(x, y)`.
    ///
    /// - Parameters:
    ///   - x: horizontal position in pixels from the left edge.
    ///   - y: vertical position in pixels from the top edge.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// An RGBA8 pixel canvas with anti-aliased drawing primitives: filled rectangles,
/// lines of any thickness, disks and circles, and text in a built-in bitmap font
/// (see ``BitmapFont``). ``png()`` encodes it with ``/SynapseIO/PNGEncoder``.
///
/// Shapes are blended over the existing pixels with their colour's alpha ("source
/// over"); edge pixels get partial coverage, so diagonal lines look smooth.
///
/// ```swift
/// var image = RasterImage(width: 200, height: 100)
/// image.drawLine(from: Point(x: 10, y: 90), to: Point(x: 190, y: 10), color: .series(0), thickness: 2)
/// image.drawText("loss", at: Point(x: 10, y: 20), color: .black, scale: 2)
/// let bytes = image.png()
/// ```
public struct RasterImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Pixels row-major from the top-left, 4 bytes each: red, green, blue, alpha.
    public private(set) var pixels: [UInt8]
    /// While set, drawing only touches pixels whose centres lie inside this rectangle.
    var clip: Rect? = nil

    /// A canvas filled with `background` (opaque white by default).
    ///
    /// - Parameters:
    ///   - width: width in pixels.
    ///   - height: height in pixels.
    ///   - background: the fill colour; default `.white`.
    /// - Precondition: `width` and `height` are positive.
    public init(width: Int, height: Int, background: Color = .white) {
        require(width > 0 && height > 0, "RasterImage: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for offset in stride(from: 0, to: pixels.count, by: 4) {
            pixels[offset] = background.red
            pixels[offset + 1] = background.green
            pixels[offset + 2] = background.blue
            pixels[offset + 3] = background.alpha
        }
        self.pixels = pixels
    }

    /// The colour of pixel `(x, y)`; setting it replaces the pixel without blending.
    /// Reads outside the canvas give ``Color/clear``; writes there are ignored.
    ///
    /// - Parameters:
    ///   - x: the column, 0 at the left.
    ///   - y: the row, 0 at the top.
    public subscript(x: Int, y: Int) -> Color {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return .clear }
            let offset = (y * width + x) * 4
            return Color(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2], alpha: pixels[offset + 3])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let offset = (y * width + x) * 4
            pixels[offset] = newValue.red
            pixels[offset + 1] = newValue.green
            pixels[offset + 2] = newValue.blue
            pixels[offset + 3] = newValue.alpha
        }
    }

    /// Blends `color` over pixel `(x, y)`, scaled by `coverage` in [0, 1].
    /// Pixels outside the canvas are ignored.
    ///
    /// - Parameters:
    ///   - x: the column, 0 at the left.
    ///   - y: the row, 0 at the top.
    ///   - color: the colour, blended "source over" with its alpha.
    ///   - coverage: the share of the pixel covered, in [0, 1]; default 1.
    public mutating func blend(x: Int, y: Int, color: Color, coverage: Double = 1) {
        guard x >= 0, y >= 0, x < width, y < height, coverage > 0 else { return }
        if let clip, !clip.contains(Point(x: Double(x) + 0.5, y: Double(y) + 0.5)) { return }
        let sourceAlpha = Double(color.alpha) / 255 * min(coverage, 1)
        if sourceAlpha <= 0 { return }
        let offset = (y * width + x) * 4
        let destinationAlpha = Double(pixels[offset + 3]) / 255
        let outAlpha = sourceAlpha + destinationAlpha * (1 - sourceAlpha)
        func mix(_ source: UInt8, _ destination: UInt8) -> UInt8 {
            let value = (Double(source) * sourceAlpha + Double(destination) * destinationAlpha * (1 - sourceAlpha)) / outAlpha
            return UInt8(max(0, min(255, value.rounded())))
        }
        pixels[offset] = mix(color.red, pixels[offset])
        pixels[offset + 1] = mix(color.green, pixels[offset + 1])
        pixels[offset + 2] = mix(color.blue, pixels[offset + 2])
        pixels[offset + 3] = UInt8(max(0, min(255, (outAlpha * 255).rounded())))
    }

    /// Fills the axis-aligned rectangle from `(x, y)` with the given size; edges
    /// that fall between pixels are blended by the fraction covered.
    ///
    /// - Parameters:
    ///   - x: the left edge in pixels.
    ///   - y: the top edge in pixels.
    ///   - width: the width in pixels; nothing is drawn unless positive.
    ///   - height: the height in pixels; nothing is drawn unless positive.
    ///   - color: the colour, blended with its alpha.
    public mutating func fillRect(x: Double, y: Double, width: Double, height: Double, color: Color) {
        guard width > 0, height > 0, x.isFinite, y.isFinite, width.isFinite, height.isFinite else { return }
        let (left, top, right, bottom) = (x, y, x + width, y + height)
        guard let columns = clampedRange(left, right - 1, limit: self.width),
              let rows = clampedRange(top, bottom - 1, limit: self.height) else { return }
        for row in rows {
            let coverY = min(bottom, Double(row + 1)) - max(top, Double(row))
            for column in columns {
                let coverX = min(right, Double(column + 1)) - max(left, Double(column))
                if coverX <= 0 || coverY <= 0 { continue }
                blend(x: column, y: row, color: color, coverage: coverX * coverY)
            }
        }
    }

    /// Draws a straight line with round ends; `thickness` is the width in pixels.
    ///
    /// Coverage comes from each pixel centre's distance to the segment, which gives
    /// the same smooth edges as Wu's algorithm at thickness 1 and works for any width.
    ///
    /// - Parameters:
    ///   - start: one end.
    ///   - end: the other end.
    ///   - color: the colour, blended with its alpha.
    ///   - thickness: the line width in pixels; default 1.
    public mutating func drawLine(from start: Point, to end: Point, color: Color, thickness: Double = 1) {
        guard start.x.isFinite, start.y.isFinite, end.x.isFinite, end.y.isFinite, thickness > 0 else { return }
        let half = thickness / 2
        let reach = half + 1
        let columnRange = clampedRange(min(start.x, end.x) - reach, max(start.x, end.x) + reach, limit: width)
        let rowRange = clampedRange(min(start.y, end.y) - reach, max(start.y, end.y) + reach, limit: height)
        guard let columns = columnRange, let rows = rowRange else { return }
        let (dx, dy) = (end.x - start.x, end.y - start.y)
        let lengthSquared = dx * dx + dy * dy
        for row in rows {
            let py = Double(row) + 0.5
            for column in columns {
                let px = Double(column) + 0.5
                var t = lengthSquared > 0 ? ((px - start.x) * dx + (py - start.y) * dy) / lengthSquared : 0
                t = max(0, min(1, t))
                let (ex, ey) = (px - (start.x + t * dx), py - (start.y + t * dy))
                let distance = (ex * ex + ey * ey).squareRoot()
                let coverage = half + 0.5 - distance
                if coverage > 0 { blend(x: column, y: row, color: color, coverage: min(coverage, 1, thickness)) }
            }
        }
    }

    /// Fills a disk of `radius` pixels around `center`.
    ///
    /// - Parameters:
    ///   - center: the centre.
    ///   - radius: the radius in pixels; nothing is drawn unless positive.
    ///   - color: the colour, blended with its alpha.
    public mutating func fillCircle(center: Point, radius: Double, color: Color) {
        guard center.x.isFinite, center.y.isFinite, radius > 0 else { return }
        guard let columns = clampedRange(center.x - radius - 1, center.x + radius + 1, limit: width),
              let rows = clampedRange(center.y - radius - 1, center.y + radius + 1, limit: height) else { return }
        for row in rows {
            for column in columns {
                let (ex, ey) = (Double(column) + 0.5 - center.x, Double(row) + 0.5 - center.y)
                let coverage = radius + 0.5 - (ex * ex + ey * ey).squareRoot()
                if coverage > 0 { blend(x: column, y: row, color: color, coverage: min(coverage, 1, radius * 2)) }
            }
        }
    }

    /// Draws the outline of a circle of `radius` pixels with the given line thickness.
    ///
    /// - Parameters:
    ///   - center: the centre.
    ///   - radius: the radius in pixels, to the middle of the line.
    ///   - color: the colour, blended with its alpha.
    ///   - thickness: the line width in pixels; default 1.
    public mutating func strokeCircle(center: Point, radius: Double, color: Color, thickness: Double = 1) {
        guard center.x.isFinite, center.y.isFinite, radius > 0, thickness > 0 else { return }
        let reach = radius + thickness / 2 + 1
        guard let columns = clampedRange(center.x - reach, center.x + reach, limit: width),
              let rows = clampedRange(center.y - reach, center.y + reach, limit: height) else { return }
        for row in rows {
            for column in columns {
                let (ex, ey) = (Double(column) + 0.5 - center.x, Double(row) + 0.5 - center.y)
                let distance = abs((ex * ex + ey * ey).squareRoot() - radius)
                let coverage = thickness / 2 + 0.5 - distance
                if coverage > 0 { blend(x: column, y: row, color: color, coverage: min(coverage, 1)) }
            }
        }
    }

    /// The image as PNG bytes: 8-bit grayscale when every pixel is an opaque grey
    /// (a third of the size), else 8-bit RGBA.
    public func png() -> [UInt8] {
        var gray = [UInt8](repeating: 0, count: width * height)
        var isGray = true
        for index in 0..<(width * height) {
            let offset = index * 4
            let value = pixels[offset]
            if pixels[offset + 1] != value || pixels[offset + 2] != value || pixels[offset + 3] != 255 {
                isGray = false
                break
            }
            gray[index] = value
        }
        return isGray
            ? PNGEncoder.encode(grayscale: gray, width: width, height: height)
            : PNGEncoder.encode(rgba: pixels, width: width, height: height)
    }

    /// The integer pixel indices whose centres lie near `[low, high]`, inside `0..<limit`.
    private func clampedRange(_ low: Double, _ high: Double, limit: Int) -> ClosedRange<Int>? {
        guard low.isFinite, high.isFinite else { return nil }
        let first = max(0, Int(max(low, -1).rounded(.down)))
        let last = min(limit - 1, Int(min(high, Double(limit + 1)).rounded(.up)))
        return first <= last ? first...last : nil
    }
}
