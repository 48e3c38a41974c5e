/// A random transformation of a batch of NHWC float32 images, for data pipelines
/// (Keras' preprocessing layers `RandomTranslation`, `RandomFlip`).
///
/// Each image of the batch gets its own random draw. Randomness comes from the
/// `generator` passed in, so a pipeline with a seeded generator repeats exactly;
/// the form without a generator draws from ``/SynapseCore/Random``.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let flip = RandomFlip(mode: .horizontal)
/// let shift = RandomTranslation(heightFactor: 0.1, widthFactor: 0.1)
/// for (x, y) in loader {
///     let augmented = shift(flip(x, generator: &generator), generator: &generator)
///     ...
/// }
/// ```
public protocol ImageAugmentation: Sendable {
    /// Transforms a batch `[batch, height, width, channels]`, drawing from `generator`.
    ///
    /// - Parameters:
    ///   - images: float32 images `[batch, height, width, channels]`.
    ///   - generator: the random source; it advances by the draws made.
    /// - Returns: the transformed batch, same shape.
    func callAsFunction(_ images: Tensor, generator: inout RandomGenerator) -> Tensor
}

extension ImageAugmentation {
    /// Transforms a batch, drawing from the default generator (``/SynapseCore/Random``).
    ///
    /// - Parameter images: float32 images `[batch, height, width, channels]`.
    /// - Returns: the transformed batch, same shape.
    public func callAsFunction(_ images: Tensor) -> Tensor {
        Random.withGenerator { self(images, generator: &$0) }
    }

    /// Checks the batch is NHWC float32 and returns its sizes.
    func batchShape(_ images: Tensor, _ op: String) -> (batch: Int, height: Int, width: Int, channels: Int) {
        require(images.dtype == .float32 && images.rank == 4,
                     "\(op): expected a float32 NHWC batch [batch, height, width, channels], got \(images.dtype) \(Shape.describe(images.shape))")
        return (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
    }
}

/// Shifts each image by a random whole number of pixels, filling the uncovered
/// border with a constant (Keras' `RandomTranslation` with `fill_mode="constant"`
/// and nearest interpolation).
///
/// A positive vertical shift moves the content down, a positive horizontal shift
/// to the right (as Keras). Shifts are drawn uniformly per image: from
/// `[lower, upper] · size` rounded to the nearest pixel for factors, or uniformly
/// from the integers in `[lower, upper]` for pixel ranges.
///
/// Keras' defaults differ in two ways Synapse does not follow: it fills by
/// reflection and interpolates bilinearly between pixels. Zero fill and whole
/// pixels keep the digit strokes of MNIST-like data crisp.
///
/// ```swift
/// RandomTranslation(heightFactor: 0.1, widthFactor: 0.1)   // up to ±10 % of each side
/// RandomTranslation(maxHeightShift: 2, maxWidthShift: 2)    // up to ±2 pixels
/// ```
public struct RandomTranslation: ImageAugmentation, Equatable {
    /// The range a shift along one axis is drawn from.
    public enum ShiftRange: Sendable, Equatable {
        /// Fractions of the image's height (or width), `lower ≤ upper`, each in [−1, 1].
        case fraction(lower: Float, upper: Float)
        /// Whole pixels, `lower ≤ upper`.
        case pixels(lower: Int, upper: Int)
    }

    /// Vertical shifts.
    public let height: ShiftRange
    /// Horizontal shifts.
    public let width: ShiftRange
    /// The value of pixels shifted in from outside the image.
    public let fillValue: Float

    /// Shifts drawn from explicit ranges.
    ///
    /// - Parameters:
    ///   - height: the range of vertical shifts (fractions must lie in [−1, 1]).
    ///   - width: the range of horizontal shifts.
    ///   - fillValue: the value of uncovered pixels; default 0.
    /// - Precondition: each range is ordered, `lower ≤ upper`.
    public init(height: ShiftRange, width: ShiftRange, fillValue: Float = 0) {
        for (axis, range) in [("height", height), ("width", width)] {
            switch range {
            case .fraction(let lower, let upper):
                require(lower <= upper && lower >= -1 && upper <= 1,
                             "RandomTranslation: \(axis) factor range [\(lower), \(upper)] must be ordered and within [-1, 1]")
            case .pixels(let lower, let upper):
                require(lower <= upper, "RandomTranslation: \(axis) pixel range [\(lower), \(upper)] must be ordered")
            }
        }
        (self.height, self.width, self.fillValue) = (height, width, fillValue)
    }

    /// Shifts of up to `±heightFactor · height` and `±widthFactor · width` (Keras'
    /// single-number factors).
    ///
    /// - Parameters:
    ///   - heightFactor: the largest vertical shift as a fraction of the height, ≥ 0.
    ///   - widthFactor: the largest horizontal shift as a fraction of the width, ≥ 0.
    ///   - fillValue: the value of uncovered pixels; default 0.
    public init(heightFactor: Float, widthFactor: Float, fillValue: Float = 0) {
        require(heightFactor >= 0 && widthFactor >= 0,
                     "RandomTranslation: factors must be non-negative, got \(heightFactor), \(widthFactor)")
        self.init(height: .fraction(lower: -heightFactor, upper: heightFactor),
                  width: .fraction(lower: -widthFactor, upper: widthFactor), fillValue: fillValue)
    }

    /// Shifts of up to `±maxHeightShift` and `±maxWidthShift` pixels.
    ///
    /// - Parameters:
    ///   - maxHeightShift: the largest vertical shift in pixels, ≥ 0.
    ///   - maxWidthShift: the largest horizontal shift in pixels, ≥ 0.
    ///   - fillValue: the value of uncovered pixels; default 0.
    public init(maxHeightShift: Int, maxWidthShift: Int, fillValue: Float = 0) {
        require(maxHeightShift >= 0 && maxWidthShift >= 0,
                     "RandomTranslation: maximum shifts must be non-negative, got \(maxHeightShift), \(maxWidthShift)")
        self.init(height: .pixels(lower: -maxHeightShift, upper: maxHeightShift),
                  width: .pixels(lower: -maxWidthShift, upper: maxWidthShift), fillValue: fillValue)
    }

    /// Shifts each image of `[batch, height, width, channels]` by its own random
    /// offset (vertical drawn first, then horizontal, image by image).
    ///
    /// - Parameters:
    ///   - images: float32 images `[batch, height, width, channels]`.
    ///   - generator: the random source; two draws per image.
    /// - Returns: the shifted batch, same shape.
    public func callAsFunction(_ images: Tensor, generator: inout RandomGenerator) -> Tensor {
        let (batch, height, width, channels) = batchShape(images, "RandomTranslation")
        let shifts = (0..<batch).map { _ in
            (Self.draw(self.height, size: height, &generator), Self.draw(self.width, size: width, &generator))
        }
        return Self.translate(images, by: shifts, fillValue: fillValue, sizes: (batch, height, width, channels))
    }

    /// Moves image `n` down by `shifts[n].0` rows and right by `shifts[n].1` columns.
    static func translate(_ images: Tensor, by shifts: [(Int, Int)], fillValue: Float,
                          sizes: (batch: Int, height: Int, width: Int, channels: Int)) -> Tensor {
        let (batch, height, width, channels) = sizes
        let rowSize = width * channels
        var output = [Float](repeating: fillValue, count: batch * height * rowSize)
        images.withUnsafePointer(as: Float.self) { input in
            output.withUnsafeMutableBufferPointer { result in
                for n in 0..<batch {
                    let (dy, dx) = shifts[n]
                    // Destination rows and columns that receive a source pixel; the rest keep the fill.
                    let firstRow = Swift.max(0, dy), lastRow = Swift.min(height, height + dy)
                    let firstColumn = Swift.max(0, dx), lastColumn = Swift.min(width, width + dx)
                    guard firstRow < lastRow && firstColumn < lastColumn else { continue }
                    for row in firstRow..<lastRow {
                        let source = input + ((n * height + row - dy) * width + firstColumn - dx) * channels
                        let destination = result.baseAddress! + ((n * height + row) * width + firstColumn) * channels
                        destination.update(from: source, count: (lastColumn - firstColumn) * channels)
                    }
                }
            }
        }
        return Tensor(output, shape: images.shape, device: .cpu)
    }

    private static func draw(_ range: ShiftRange, size: Int, _ generator: inout RandomGenerator) -> Int {
        switch range {
        case .fraction(let lower, let upper):
            let fraction = lower + (upper - lower) * generator.nextUniform()
            return Int((fraction * Float(size)).rounded())
        case .pixels(let lower, let upper):
            return lower + generator.nextInt(below: upper - lower + 1)
        }
    }
}

/// Mirrors each image with probability ½ (Keras' `RandomFlip`).
///
/// `.horizontal` swaps left and right, `.vertical` top and bottom;
/// `.horizontalAndVertical` (Keras' default) draws the two flips independently.
///
/// ```swift
/// let flip = RandomFlip(mode: .horizontal)
/// let augmented = flip(images, generator: &generator)
/// ```
public struct RandomFlip: ImageAugmentation, Equatable {
    /// Which flips may happen.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Left ↔ right.
        case horizontal
        /// Top ↔ bottom.
        case vertical
        /// Each of the two, independently.
        case horizontalAndVertical = "horizontal_and_vertical"
    }

    /// Which flips may happen.
    public let mode: Mode

    /// - Parameter mode: `.horizontalAndVertical` by default (Keras).
    public init(mode: Mode = .horizontalAndVertical) {
        self.mode = mode
    }

    /// Flips each image of `[batch, height, width, channels]` with probability ½ per
    /// allowed axis (horizontal drawn first, then vertical, image by image).
    ///
    /// - Parameters:
    ///   - images: float32 images `[batch, height, width, channels]`.
    ///   - generator: the random source; one draw per allowed axis and image.
    /// - Returns: the flipped batch, same shape.
    public func callAsFunction(_ images: Tensor, generator: inout RandomGenerator) -> Tensor {
        let (batch, height, width, channels) = batchShape(images, "RandomFlip")
        let flips = (0..<batch).map { _ -> (vertical: Bool, horizontal: Bool) in
            let horizontal = mode != .vertical && generator.nextUniform() < 0.5
            let vertical = mode != .horizontal && generator.nextUniform() < 0.5
            return (vertical, horizontal)
        }
        var output = [Float](repeating: 0, count: images.scalarCount)
        images.withUnsafePointer(as: Float.self) { input in
            output.withUnsafeMutableBufferPointer { result in
                for n in 0..<batch {
                    for row in 0..<height {
                        let sourceRow = flips[n].vertical ? height - 1 - row : row
                        for column in 0..<width {
                            let sourceColumn = flips[n].horizontal ? width - 1 - column : column
                            let source = input + ((n * height + sourceRow) * width + sourceColumn) * channels
                            let destination = result.baseAddress! + ((n * height + row) * width + column) * channels
                            destination.update(from: source, count: channels)
                        }
                    }
                }
            }
        }
        return Tensor(output, shape: images.shape, device: .cpu)
    }
}
