import Foundation
import SynapseCore

/// A grid of small images (such as MNIST digits or autoencoder reconstructions)
/// written as one PNG, with an optional label under each tile.
///
/// Tiles hold float pixels in [0, 1] (values outside are clamped, NaN reads as 0),
/// row-major and channels-last (HWC), with 1 (grayscale), 3 (RGB) or 4 (RGBA)
/// channels. A grid of grayscale tiles is written as a grayscale PNG.
///
/// ```swift
/// let tiles = (0..<16).map { ImageGrid.Tile(pixels: images[$0], width: 28, height: 28, label: "\(labels[$0])") }
/// let grid = try ImageGrid(tiles: tiles, columns: 8, scale: 2)
/// try grid.write(toPath: "samples.png")
/// ```
public struct ImageGrid: Plot {
    /// One image of the grid.
    public struct Tile: Sendable, Equatable {
        /// Pixel values in [0, 1], `height × width × channels`, row-major, channels last.
        public var pixels: [Float]
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// 1 (grayscale), 3 (RGB) or 4 (RGBA).
        public var channels: Int
        /// Text drawn under the tile (cut to the tile's width), or nil.
        public var label: String?

        /// A tile of `width × height` pixels with `channels` values each.
        ///
        /// - Parameters:
        ///   - pixels: values in [0, 1], `height × width × channels`, row-major, channels last.
        ///   - width: width in pixels.
        ///   - height: height in pixels.
        ///   - channels: 1 (grayscale, the default), 3 (RGB) or 4 (RGBA).
        ///   - label: text drawn under the tile; default `nil` (none).
        public init(pixels: [Float], width: Int, height: Int, channels: Int = 1, label: String? = nil) {
            self.pixels = pixels
            self.width = width
            self.height = height
            self.channels = channels
            self.label = label
        }
    }

    /// The images, filled in row by row.
    public let tiles: [Tile]
    /// Tiles per row.
    public let columns: Int
    /// Pixels between tiles and around the grid.
    public let padding: Int
    /// Each tile pixel becomes `scale × scale` image pixels (nearest neighbour).
    public let scale: Int
    /// The colour between tiles.
    public let background: Color

    /// A grid of `tiles`, `columns` per row.
    ///
    /// - Parameters:
    ///   - tiles: the images, filled in row by row.
    ///   - columns: tiles per row (at least 1; fewer rows are used when there are fewer tiles).
    ///   - padding: pixels between and around tiles (default 2).
    ///   - scale: integer magnification of each tile (default 1).
    ///   - background: colour between tiles (default white).
    /// - Throws: ``PlotError/invalidTile(index:reason:)`` when a tile's size is not
    ///   positive, its channel count is not 1, 3 or 4, or its pixel count does not match.
    public init(tiles: [Tile], columns: Int = 8, padding: Int = 2, scale: Int = 1, background: Color = .white) throws {
        for (index, tile) in tiles.enumerated() {
            guard tile.width > 0, tile.height > 0 else {
                throw PlotError.invalidTile(index: index, reason: "size \(tile.width)×\(tile.height) is not positive")
            }
            guard [1, 3, 4].contains(tile.channels) else {
                throw PlotError.invalidTile(index: index, reason: "\(tile.channels) channels; expected 1, 3 or 4")
            }
            let expected = tile.width * tile.height * tile.channels
            guard tile.pixels.count == expected else {
                throw PlotError.invalidTile(index: index, reason: "\(tile.pixels.count) values for \(tile.width)×\(tile.height)×\(tile.channels) (expected \(expected))")
            }
        }
        self.tiles = tiles
        self.columns = max(1, columns)
        self.padding = max(0, padding)
        self.scale = max(1, scale)
        self.background = background
    }

    /// A grid of equally sized images given as flat pixel arrays, with optional labels.
    ///
    /// - Parameters:
    ///   - images: each image's values in [0, 1], `height × width × channels`, row-major, channels last.
    ///   - width: every tile's width in pixels.
    ///   - height: every tile's height in pixels.
    ///   - channels: 1 (grayscale, the default), 3 (RGB) or 4 (RGBA).
    ///   - labels: one text per image, drawn under its tile; default `nil` (none).
    ///   - columns: tiles per row (default 8).
    ///   - padding: pixels between and around tiles (default 2).
    ///   - scale: integer magnification of each tile (default 1).
    /// - Throws: ``PlotError/invalidTile(index:reason:)`` as ``init(tiles:columns:padding:scale:background:)``,
    ///   or when `labels` is given with a different count than `images`.
    public init(images: [[Float]], width: Int, height: Int, channels: Int = 1, labels: [String]? = nil,
                columns: Int = 8, padding: Int = 2, scale: Int = 1) throws {
        if let labels, labels.count != images.count {
            throw PlotError.invalidTile(index: min(labels.count, images.count),
                                        reason: "\(labels.count) labels for \(images.count) images")
        }
        let tiles = images.enumerated().map { index, pixels in
            Tile(pixels: pixels, width: width, height: height, channels: channels, label: labels?[index])
        }
        try self.init(tiles: tiles, columns: columns, padding: padding, scale: scale)
    }

    /// A grid of the images in a batch tensor, one tile per sample, with optional labels.
    ///
    /// The batch is `[N, height, width, channels]` (NHWC, as Synapse images are),
    /// `[N, height, width]` (grayscale), or flat `[N, features]` with `width` and
    /// `height` given (the channel count is `features / (width · height)`, so MNIST
    /// vectors `[N, 784]` with `width: 28, height: 28` are grayscale tiles).
    /// Values are read as float32 in [0, 1].
    ///
    /// - Parameters:
    ///   - images: the batch; any number of samples (zero gives an empty grid).
    ///   - width: the tile width for flat batches; checked against the shape otherwise. Default `nil`.
    ///   - height: the tile height for flat batches; checked against the shape otherwise. Default `nil`.
    ///   - labels: one text per sample, drawn under its tile.
    ///   - columns: tiles per row (default 8).
    ///   - padding: pixels between and around tiles (default 2).
    ///   - scale: integer magnification of each tile (default 1).
    /// - Throws: ``PlotError/invalidTile(index:reason:)`` when the shape cannot be read
    ///   as images or the labels do not match the batch.
    ///
    /// ```swift
    /// let grid = try ImageGrid(images: reconstructions, width: 28, height: 28, columns: 10, scale: 2)
    /// try grid.write(toPath: "reconstructions.png")
    /// ```
    public init(images: Tensor, width: Int? = nil, height: Int? = nil, labels: [String]? = nil,
                columns: Int = 8, padding: Int = 2, scale: Int = 1) throws {
        let shape = images.shape
        let tileShape: (height: Int, width: Int, channels: Int)
        switch shape.count {
        case 4: tileShape = (shape[1], shape[2], shape[3])
        case 3: tileShape = (shape[1], shape[2], 1)
        case 2:
            guard let width, let height, width > 0, height > 0, shape[1] % (width * height) == 0 else {
                throw PlotError.invalidTile(index: 0, reason: "a flat batch \(shape) needs a width and height whose product divides \(shape.count > 1 ? shape[1] : 0)")
            }
            tileShape = (height, width, shape[1] / (width * height))
        default:
            throw PlotError.invalidTile(index: 0, reason: "a batch of images must be [N, H, W, C], [N, H, W] or [N, features], got \(shape)")
        }
        if let width, width != tileShape.width {
            throw PlotError.invalidTile(index: 0, reason: "width \(width) does not match the batch shape \(shape)")
        }
        if let height, height != tileShape.height {
            throw PlotError.invalidTile(index: 0, reason: "height \(height) does not match the batch shape \(shape)")
        }
        let count = shape[0]
        let size = tileShape.height * tileShape.width * tileShape.channels
        let values = images.dtype == .float32 ? images.scalars : images.to(.float32).scalars
        let pixels = (0..<count).map { Array(values[($0 * size)..<(($0 + 1) * size)]) }
        try self.init(images: pixels, width: tileShape.width, height: tileShape.height, channels: tileShape.channels,
                      labels: labels, columns: columns, padding: padding, scale: scale)
    }

    /// The grid as a raster image.
    public func image() -> RasterImage {
        guard !tiles.isEmpty else { return RasterImage(width: 1, height: 1, background: background) }
        let cellWidth = (tiles.map(\.width).max() ?? 1) * scale
        let cellHeight = (tiles.map(\.height).max() ?? 1) * scale
        let hasLabels = tiles.contains { $0.label?.isEmpty == false }
        let textScale = cellWidth >= 120 ? 2 : 1
        let labelHeight = hasLabels ? (BitmapFont.capHeight + BitmapFont.descent + 2) * textScale : 0
        let columnCount = min(columns, tiles.count)
        let rowCount = (tiles.count + columnCount - 1) / columnCount
        let width = padding + columnCount * (cellWidth + padding)
        let height = padding + rowCount * (cellHeight + labelHeight + padding)
        var image = RasterImage(width: width, height: height, background: background)
        for (index, tile) in tiles.enumerated() {
            let left = padding + (index % columnCount) * (cellWidth + padding)
            let top = padding + (index / columnCount) * (cellHeight + labelHeight + padding)
            draw(tile, on: &image, left: left + (cellWidth - tile.width * scale) / 2, top: top)
            if let label = tile.label, !label.isEmpty {
                let fitting = String(label.prefix(max(1, (cellWidth / textScale + 1) / BitmapFont.advance)))
                image.drawText(fitting, at: Point(x: Double(left + cellWidth / 2),
                                                  y: Double(top + cellHeight + 1 + BitmapFont.capHeight * textScale)),
                               color: .black, scale: textScale, anchor: .middle)
            }
        }
        return image
    }

    private func draw(_ tile: Tile, on image: inout RasterImage, left: Int, top: Int) {
        func byte(_ value: Float) -> UInt8 {
            guard value.isFinite else { return value == .infinity ? 255 : 0 }
            return UInt8(max(0, min(1, value)) * 255 + 0.5)
        }
        for y in 0..<tile.height {
            for x in 0..<tile.width {
                let base = (y * tile.width + x) * tile.channels
                let color: Color
                switch tile.channels {
                case 1:
                    let gray = byte(tile.pixels[base])
                    color = Color(red: gray, green: gray, blue: gray)
                case 3:
                    color = Color(red: byte(tile.pixels[base]), green: byte(tile.pixels[base + 1]), blue: byte(tile.pixels[base + 2]))
                default:
                    color = Color(red: byte(tile.pixels[base]), green: byte(tile.pixels[base + 1]),
                                  blue: byte(tile.pixels[base + 2]), alpha: byte(tile.pixels[base + 3]))
                }
                for dy in 0..<scale {
                    for dx in 0..<scale {
                        if color.alpha == 255 {
                            image[left + x * scale + dx, top + y * scale + dy] = color
                        } else {
                            image.blend(x: left + x * scale + dx, y: top + y * scale + dy, color: color)
                        }
                    }
                }
            }
        }
    }

    /// The grid as PNG bytes (grayscale when every tile is grey).
    public func png() -> [UInt8] { image().png() }

    /// The grid as an SVG document that embeds the PNG (SVG has no better way to
    /// hold photographs of pixels).
    public func svg() -> String {
        let image = image()
        let data = Data(image.png()).base64EncodedString()
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" \
        width="\(image.width)" height="\(image.height)" viewBox="0 0 \(image.width) \(image.height)">
        <image width="\(image.width)" height="\(image.height)" style="image-rendering:pixelated" \
        xlink:href="data:image/png;base64,\(data)"/>
        </svg>

        """
    }
}
