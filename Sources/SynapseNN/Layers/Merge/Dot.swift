/// The dot product of two inputs along one axis of each, sample by sample (Keras'
/// `Dot`, a batched `tensordot`); with `normalize` the inputs are L2-normalised
/// first, which gives the cosine similarity.
///
/// - Shapes: `[batch, n] · [batch, n] → [batch, 1]`;
///   `[batch, n, d] · [batch, m, d]` with `axes: 2` → `[batch, n, m]`. In general the
///   contracted axes are removed and the remaining axes of the first input come
///   before those of the second.
///
/// ```swift
/// let similarity = Dot(axes: 1, normalize: true)([a, b])   // cosine, [batch, 1]
/// ```
public final class Dot: MultiInputLayer {
    /// The contracted axis of each input, counting the batch dimension as 0.
    public let axes: (Int, Int)
    /// Whether to L2-normalise both inputs along their contracted axis first.
    public let normalize: Bool

    /// - Parameters:
    ///   - axes: the axis of the first and of the second input to contract (batch
    ///     dimension counted as 0; negative counts from the end).
    ///   - normalize: L2-normalise each input along its contracted axis first
    ///     (default `false`).
    ///   - name: a fixed name; by default "dot".
    public init(axes: (Int, Int), normalize: Bool = false, name: String? = nil) {
        self.axes = axes
        self.normalize = normalize
        super.init(name: name)
    }

    /// - Parameters:
    ///   - axes: the contracted axis of both inputs (batch counted as 0).
    ///   - normalize: L2-normalise the inputs first (default `false`).
    ///   - name: a fixed name; by default "dot".
    public convenience init(axes: Int, normalize: Bool = false, name: String? = nil) {
        self.init(axes: (axes, axes), normalize: normalize, name: name)
    }

    /// No weights.
    public override var ownParameters: [Parameter] { [] }
    /// No sublayers.
    public override var sublayers: [Layer] { [] }

    /// The batched dot product.
    ///
    /// - Parameters:
    ///   - inputs: the two batches, e.g. `[batch, n]` and `[batch, n]`, or `[batch, n, d]`
    ///     and `[batch, m, d]` with `axes: 2`; their contracted axes have the same size.
    ///   - training: unused.
    /// - Returns: `[batch, restA..., restB...]`, or `[batch, 1]` when no axis remains.
    public override func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        let (axisA, axisB) = fullAxes(ranks: (inputs[0].rank, inputs[1].rank))
        var (a, b) = (inputs[0], inputs[1])
        if normalize { (a, b) = (Self.l2Normalized(a, axis: axisA), Self.l2Normalized(b, axis: axisB)) }
        // Move the contracted axis of a last and that of b first (after the batch),
        // then one batched matrix product: [batch, restA, k] · [batch, k, restB].
        let restA = (1..<a.rank).filter { $0 != axisA }
        let restB = (1..<b.rank).filter { $0 != axisB }
        let k = a.shape[axisA]
        let batch = a.shape[0]
        let left = a.permuted([0] + restA + [axisA]).reshaped(to: [batch, -1, k])
        let right = b.permuted([0, axisB] + restB).reshaped(to: [batch, k, -1])
        let product = left.matmul(right)
        let shape = restA.map { a.shape[$0] } + restB.map { b.shape[$0] }
        return product.reshaped(to: [batch] + (shape.isEmpty ? [1] : shape))
    }

    /// The remaining axes of the first input, then those of the second (`[1]` when none remain).
    ///
    /// - Parameter inputShapes: the per-sample shapes of the two inputs (batch left out).
    /// - Returns: the per-sample output shape.
    /// - Throws: ``InputShapeError`` unless there are two inputs whose contracted
    ///   axes exist and have the same size.
    public override func outputShape(forInputShapes inputShapes: [[Int]]) throws -> [Int]? {
        guard inputShapes.count == 2 else { throw shapeError(inputShapes, "takes exactly 2 inputs, got \(inputShapes.count)") }
        let (axisA, axisB) = fullAxes(ranks: (inputShapes[0].count + 1, inputShapes[1].count + 1))
        guard (1...inputShapes[0].count).contains(axisA), (1...inputShapes[1].count).contains(axisB) else {
            throw shapeError(inputShapes, "axes (\(axes.0), \(axes.1)) are not feature axes")
        }
        let (sizeA, sizeB) = (inputShapes[0][axisA - 1], inputShapes[1][axisB - 1])
        guard sizeA == sizeB else {
            throw shapeError(inputShapes, "cannot contract axis \(axisA) (size \(sizeA)) with axis \(axisB) (size \(sizeB))")
        }
        let shape = inputShapes[0].enumerated().filter { $0.offset + 1 != axisA }.map(\.element)
            + inputShapes[1].enumerated().filter { $0.offset + 1 != axisB }.map(\.element)
        return shape.isEmpty ? [1] : shape
    }

    /// `x / sqrt(max(Σ x², 1e-12))` along `axis`, as Keras' `l2_normalize`.
    static func l2Normalized(_ x: Tensor, axis: Int) -> Tensor {
        let squares = (x * x).sum(alongAxis: axis, keepDims: true)
        return x / Tensor.maximum(squares, squares.constant(1e-12)).sqrt()
    }

    /// The contracted axes as non-negative axes of full tensors of the given ranks.
    private func fullAxes(ranks: (Int, Int)) -> (Int, Int) {
        (axes.0 < 0 ? axes.0 + ranks.0 : axes.0, axes.1 < 0 ? axes.1 + ranks.1 : axes.1)
    }
}
