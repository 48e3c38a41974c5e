/// Removes rows and columns at the edges of each image (Keras' `Cropping2D`), the
/// inverse of ``ZeroPadding2D``; U-Nets use it to align skip connections.
///
/// - Shapes: `[batch, H, W, C] → [batch, H − top − bottom, W − left − right, C]`
///   (channels last); at least one row and one column must remain.
///
/// ```swift
/// Cropping2D(cropping: ((2, 2), (4, 4)))   // 28×28 → 24×20
/// Cropping2D(1)                            // one pixel all round
/// ```
public final class Cropping2D: Layer {
    /// Rows and columns removed: ((top, bottom), (left, right)).
    public let cropping: ((Int, Int), (Int, Int))

    /// A cropping layer.
    ///
    /// - Parameters:
    ///   - cropping: ((top, bottom), (left, right)) rows and columns to remove, each
    ///     non-negative (default `((0, 0), (0, 0))`: the identity).
    ///   - name: the layer's name (default: unique within its model).
    public init(cropping: ((Int, Int), (Int, Int)) = ((0, 0), (0, 0)), name: String? = nil) {
        require([cropping.0.0, cropping.0.1, cropping.1.0, cropping.1.1].allSatisfy { $0 >= 0 },
                "Cropping2D: cropping must be non-negative, got \(cropping)")
        self.cropping = cropping
        super.init(name: name)
    }

    /// Symmetric cropping: `rows` at the top and at the bottom, `columns` at the left
    /// and at the right (Keras' `cropping=(rows, columns)`).
    ///
    /// - Parameters:
    ///   - cropping: (rows, columns), each non-negative.
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(cropping: (Int, Int), name: String? = nil) {
        self.init(cropping: ((cropping.0, cropping.0), (cropping.1, cropping.1)), name: name)
    }

    /// The same cropping on every side (Keras' `cropping=n`).
    ///
    /// - Parameters:
    ///   - cropping: rows and columns removed on each side, non-negative.
    ///   - name: the layer's name (default: unique within its model).
    public convenience init(_ cropping: Int, name: String? = nil) {
        self.init(cropping: ((cropping, cropping), (cropping, cropping)), name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == 4, "\(name): expected NHWC inputs of rank 4, got shape \(Shape.describe(input.shape))")
        let ((top, bottom), (left, right)) = cropping
        let (height, width) = (input.shape[1], input.shape[2])
        require(top + bottom < height && left + right < width,
                "\(name): cropping ((\(top), \(bottom)), (\(left), \(right))) leaves nothing of inputs of shape \(Shape.describe(input.shape))")
        if top + bottom + left + right == 0 { return input }
        return input.slice([.wholeAxis, .range(start: top, end: height - bottom, step: 1),
                            .range(start: left, end: width - right, step: 1), .wholeAxis])
    }
}
