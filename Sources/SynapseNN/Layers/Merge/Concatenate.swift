/// Joins its inputs along one axis (Keras' `Concatenate`); every other dimension
/// must match.
///
/// - Shapes: `[batch, ..., a_i, ...] → [batch, ..., Σ a_i, ...]` along `axis`.
///
/// ```swift
/// let features = Concatenate()([imageFeatures, metadata])   // [b, 128] and [b, 8] → [b, 136]
/// ```
public final class Concatenate: MultiInputLayer {
    /// The axis to join along, counting the batch dimension as 0 (-1, the default,
    /// is the last axis, as Keras).
    public let axis: Int

    /// - Parameters:
    ///   - axis: the axis of the full `[batch, ...]` tensors to join along; negative
    ///     counts from the end (default -1). The batch axis (0) cannot be joined.
    ///   - name: a fixed name; by default "concatenate", made unique by the model.
    public init(axis: Int = -1, name: String? = nil) {
        self.axis = axis
        super.init(name: name)
    }

    /// No weights.
    public override var ownParameters: [Parameter] { [] }
    /// No sublayers.
    public override var sublayers: [Layer] { [] }

    /// The joined batch (the shapes were checked by the call).
    ///
    /// - Parameters:
    ///   - inputs: the batches to join, `[batch, ..., a_i, ...]` each, equal outside `axis`.
    ///   - training: unused.
    /// - Returns: `[batch, ..., Σ a_i, ...]`, the inputs in order along `axis`.
    public override func forward(_ inputs: [Tensor], training: Bool) -> Tensor {
        Tensor.concatenate(inputs, axis: fullAxis(rank: inputs[0].rank))
    }

    /// The joined shape.
    ///
    /// - Parameter inputShapes: one per-sample shape per input (batch left out).
    /// - Returns: the first shape with the sizes along `axis` summed.
    /// - Throws: ``InputShapeError`` when `axis` is not a feature axis or the shapes
    ///   differ outside it.
    public override func outputShape(forInputShapes inputShapes: [[Int]]) throws -> [Int]? {
        let rank = inputShapes[0].count + 1
        let axis = fullAxis(rank: rank)
        guard (1..<rank).contains(axis) else { throw shapeError(inputShapes, "axis \(self.axis) is not a feature axis") }
        var result = inputShapes[0]
        for shape in inputShapes.dropFirst() {
            var (expected, actual) = (inputShapes[0], shape)
            if expected.count == actual.count { expected[axis - 1] = 0; actual[axis - 1] = 0 }
            guard expected == actual else { throw shapeError(inputShapes, "the shapes differ outside axis \(self.axis)") }
            result[axis - 1] += shape[axis - 1]
        }
        return result
    }

    /// `axis` as a non-negative axis of a rank-`rank` tensor (batch included).
    private func fullAxis(rank: Int) -> Int { axis < 0 ? axis + rank : axis }
}
