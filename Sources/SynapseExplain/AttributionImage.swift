import SynapseCore
import SynapsePlot

/// Pictures of image attributions: each input in grey with its attribution laid over
/// it in colour, a title above each tile (the predicted and true class), and a colour
/// bar that says what the colours mean.
///
/// Signed attributions (integrated gradients, gradient × input, occlusion) are red
/// where the input pushes towards the explained class and blue where it pushes away;
/// unsigned ones (saliency, SmoothGrad, Grad-CAM) go from transparent through red to
/// yellow. Each tile is scaled on its own by the 99th percentile of its magnitudes
/// (as Captum's `visualize_image_attr` with 1 % outliers), so one extreme pixel does
/// not wash the rest out.
///
/// ```swift
/// let scores = Attribution.integratedGradients(model, inputs: digits)
/// let picture = AttributionImage.grid(inputs: digits, attributions: scores, titles: ["7 (0.99) true 7"])
/// try Data(picture.png()).write(to: URL(fileURLWithPath: "heat.png"))
/// ```
public enum AttributionImage {
    /// The grid picture.
    ///
    /// - Parameters:
    ///   - inputs: images `[N, height, width, channels]` (any value range; each is
    ///     shown stretched to black...white).
    ///   - attributions: `[N, height, width, channels]` (summed over channels) or
    ///     `[N, height, width]`.
    ///   - titles: one line above each tile (default none).
    ///   - signed: colour signs red/blue (default: when any attribution is negative).
    ///   - columns: tiles per row (default 8).
    ///   - scale: image pixels per input pixel (default 4).
    /// - Returns: the picture, RGBA.
    public static func grid(inputs: Tensor, attributions: Tensor, titles: [String]? = nil, signed: Bool? = nil,
                            columns: Int = 8, scale: Int = 4) -> RasterImage {
        require(inputs.rank == 4, "AttributionImage: inputs must be images [N, height, width, channels], got \(Shape.describe(inputs.shape))")
        let (count, height, width, channels) = (inputs.shape[0], inputs.shape[1], inputs.shape[2], inputs.shape[3])
        let maps = attributions.rank == 4 ? attributions.sum(alongAxis: 3) : attributions
        require(maps.shape == [count, height, width],
                "AttributionImage: attributions \(Shape.describe(attributions.shape)) do not match the inputs \(Shape.describe(inputs.shape))")
        require(titles == nil || titles!.count == count, "AttributionImage: \(titles?.count ?? 0) titles for \(count) images")
        let pixels = inputs.to(.float32).scalars
        let values = maps.to(.float32).scalars
        let isSigned = signed ?? values.contains { $0 < 0 }
        let scale = max(1, scale)
        let columns = max(1, min(columns, count))
        let rows = (count + columns - 1) / columns
        let padding = 6
        let titleHeight = titles == nil ? 0 : BitmapFont.capHeight + BitmapFont.descent + 4
        let titleWidth = titles?.map { BitmapFont.width(of: $0) }.max() ?? 0
        let tileWidth = max(width * scale, titleWidth)
        let tileHeight = height * scale + titleHeight
        let barWidth = 70
        var image = RasterImage(width: padding + columns * (tileWidth + padding) + barWidth,
                                height: max(padding + rows * (tileHeight + padding), 110), background: .white)

        for index in 0..<count {
            let left = padding + (index % columns) * (tileWidth + padding) + (tileWidth - width * scale) / 2
            let top = padding + (index / columns) * (tileHeight + padding)
            if let titles {
                image.drawText(titles[index], at: Point(x: Double(padding + (index % columns) * (tileWidth + padding) + tileWidth / 2),
                                                        y: Double(top + BitmapFont.capHeight)),
                               color: .darkGray, anchor: .middle)
            }
            let grey = greyscale(pixels, image: index, count: height * width, channels: channels)
            let map = Array(values[(index * height * width)..<((index + 1) * height * width)])
            let magnitude = percentile99(map.map(abs))
            for row in 0..<height {
                for column in 0..<width {
                    let shade = UInt8(Swift.min(255, Swift.max(0, (grey[row * width + column] * 0.7 + 0.3) * 255)))
                    let base = Color(red: shade, green: shade, blue: shade)
                    let value = magnitude > 0 ? Swift.max(-1, Swift.min(1, map[row * width + column] / magnitude)) : 0
                    let color = blend(base, overlay: colour(for: value, signed: isSigned))
                    image.fillRect(x: Double(left + column * scale), y: Double(top + titleHeight + row * scale),
                                   width: Double(scale), height: Double(scale), color: color)
                }
            }
        }
        drawColourBar(into: &image, left: image.width - barWidth + 8, top: padding, signed: isSigned)
        return image
    }

    /// The colour (with its opacity) of an attribution scaled to -1...1.
    static func colour(for value: Float, signed: Bool) -> Color {
        let strength = Double(Swift.min(1, abs(value)))
        let alpha = UInt8((strength * 0.9 * 255).rounded())
        if signed {
            return value >= 0 ? Color(red: 220, green: 30, blue: 30, alpha: alpha) : Color(red: 30, green: 90, blue: 230, alpha: alpha)
        }
        // Red for weak evidence, yellow for the strongest.
        return Color(red: 240, green: UInt8((40 + strength * 200).rounded()), blue: 20, alpha: alpha)
    }

    static func blend(_ base: Color, overlay: Color) -> Color {
        let a = Double(overlay.alpha) / 255
        func mix(_ under: UInt8, _ over: UInt8) -> UInt8 { UInt8((Double(under) * (1 - a) + Double(over) * a).rounded()) }
        return Color(red: mix(base.red, overlay.red), green: mix(base.green, overlay.green), blue: mix(base.blue, overlay.blue))
    }

    /// One image's pixels as grey in 0...1, stretched to its own range.
    static func greyscale(_ pixels: [Float], image: Int, count: Int, channels: Int) -> [Float] {
        let start = image * count * channels
        var grey = (0..<count).map { pixel in
            (0..<channels).reduce(Float(0)) { $0 + pixels[start + pixel * channels + $1] } / Float(channels)
        }
        let (low, high) = (grey.min() ?? 0, grey.max() ?? 1)
        if high > low { grey = grey.map { ($0 - low) / (high - low) } } else { grey = grey.map { _ in 0 } }
        return grey
    }

    /// The 99th percentile of `magnitudes` (their largest when there are few).
    static func percentile99(_ magnitudes: [Float]) -> Float {
        let sorted = magnitudes.sorted()
        guard !sorted.isEmpty else { return 0 }
        let value = sorted[Int((Double(sorted.count - 1) * 0.99).rounded())]
        return value > 0 ? value : (sorted.last ?? 0)
    }

    static func drawColourBar(into image: inout RasterImage, left: Int, top: Int, signed: Bool) {
        let (barHeight, barWidth) = (80, 12)
        for step in 0..<barHeight {
            // Top: the strongest evidence for the class; bottom: against it (signed) or none.
            let fraction = 1 - Float(step) / Float(barHeight - 1)
            let value = signed ? fraction * 2 - 1 : fraction
            image.fillRect(x: Double(left), y: Double(top + step), width: Double(barWidth), height: 1,
                           color: blend(Color(red: 180, green: 180, blue: 180), overlay: colour(for: value, signed: signed)))
        }
        let textLeft = Double(left + barWidth + 4)
        image.drawText(signed ? "for" : "most", at: Point(x: textLeft, y: Double(top + 7)), color: .darkGray)
        image.drawText(signed ? "0" : "", at: Point(x: textLeft, y: Double(top + barHeight / 2 + 3)), color: .darkGray)
        image.drawText(signed ? "against" : "none", at: Point(x: textLeft, y: Double(top + barHeight)), color: .darkGray)
    }
}
