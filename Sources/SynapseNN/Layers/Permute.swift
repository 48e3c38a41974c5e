/// Reorders the axes of each sample (Keras' `Permute`); the batch axis stays first.
///
/// `dims` counts axes from 1, as Keras does: `Permute([2, 1])` swaps the two axes
/// of `[batch, steps, features]` samples.
///
/// - Shapes: `[batch, d₁, …, dₙ] → [batch, d_dims[0], …, d_dims[n−1]]`.
///
/// ```swift
/// Permute([2, 1])   // [batch, 10, 64] → [batch, 64, 10]
/// ```
public final class Permute: Layer {
    /// The new order of the per-sample axes, 1-based (a permutation of `1...n`).
    public let dims: [Int]

    /// A permutation layer.
    ///
    /// - Parameters:
    ///   - dims: the new order of the per-sample axes, 1-based: output axis `i + 1`
    ///     is input axis `dims[i]`. Must be a permutation of `1...dims.count`.
    ///   - name: the layer's name (default: unique within its model).
    public init(_ dims: [Int], name: String? = nil) {
        require(!dims.isEmpty && dims.sorted() == Array(1...dims.count),
                "Permute: dims must be a permutation of 1...\(Swift.max(dims.count, 1)) (axes count from 1, the batch axis is not included), got \(dims)")
        self.dims = dims
        super.init(name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { [] }

    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        require(input.rank == dims.count + 1,
                "\(name): dims \(dims) permute \(dims.count) axes, so inputs must have rank \(dims.count + 1), got shape \(Shape.describe(input.shape))")
        return input.permuted([0] + dims)
    }
}
