/// An sRGB colour with 8-bit channels and straight (not premultiplied) alpha.
///
/// ```swift
/// let orange = Color(red: 255, green: 127, blue: 14)
/// print(orange.hex)   // "#ff7f0e"
/// ```
public struct Color: Sendable, Hashable {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8
    /// Opacity, 0 (transparent) – 255 (opaque).
    public var alpha: UInt8

    /// A colour from its channels; opaque unless `alpha` says otherwise.
    ///
    /// - Parameters:
    ///   - red: red, 0–255.
    ///   - green: green, 0–255.
    ///   - blue: blue, 0–255.
    ///   - alpha: opacity, 0 (transparent) – 255 (opaque); default 255.
    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// A colour from a 24-bit `0xRRGGBB` value, e.g. `Color(rgb: 0x1f77b4)`.
    ///
    /// - Parameters:
    ///   - rgb: the colour as `0xRRGGBB`; higher bits are ignored.
    ///   - alpha: opacity, 0 (transparent) – 255 (opaque); default 255.
    public init(rgb: UInt32, alpha: UInt8 = 255) {
        self.init(red: UInt8(truncatingIfNeeded: rgb >> 16), green: UInt8(truncatingIfNeeded: rgb >> 8),
                  blue: UInt8(truncatingIfNeeded: rgb), alpha: alpha)
    }

    /// The same colour with a different opacity.
    ///
    /// - Parameter alpha: the new opacity, 0 (transparent) – 255 (opaque).
    /// - Returns: the colour with `alpha` replaced.
    public func withAlpha(_ alpha: UInt8) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// The colour as `#rrggbb` (SVG and CSS syntax; opacity is written separately).
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [red, green, blue] {
            text.append(digits[Int(channel >> 4)])
            text.append(digits[Int(channel & 15)])
        }
        return text
    }

    /// Opaque black.
    public static let black = Color(rgb: 0x000000)
    /// Opaque white.
    public static let white = Color(rgb: 0xFFFFFF)
    /// Dark grey for text and axes.
    public static let darkGray = Color(rgb: 0x333333)
    /// Mid grey for tick marks and reference lines.
    public static let gray = Color(rgb: 0x808080)
    /// Light grey for grid lines.
    public static let lightGray = Color(rgb: 0xE5E5E5)
    /// Fully transparent.
    public static let clear = Color(red: 0, green: 0, blue: 0, alpha: 0)

    /// Ten distinct series colours: matplotlib's and Vega's "tab10" palette.
    public static let palette: [Color] = [
        Color(rgb: 0x1F77B4), Color(rgb: 0xFF7F0E), Color(rgb: 0x2CA02C), Color(rgb: 0xD62728),
        Color(rgb: 0x9467BD), Color(rgb: 0x8C564B), Color(rgb: 0xE377C2), Color(rgb: 0x7F7F7F),
        Color(rgb: 0xBCBD22), Color(rgb: 0x17BECF),
    ]

    /// The palette colour for series number `index` (cycling after ten).
    ///
    /// - Parameter index: the series number, from 0; negative numbers cycle too.
    /// - Returns: ``palette``'s colour at `index` modulo 10.
    public static func series(_ index: Int) -> Color {
        let count = palette.count
        return palette[((index % count) + count) % count]
    }
}
