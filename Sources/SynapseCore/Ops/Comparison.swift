/// Elementwise comparisons producing bool masks, and `where` selecting by a mask.
///
/// The operators follow Swift's SIMD spelling (`.==`, `.<`, …) because `==` on two
/// tensors would have to return a single `Bool`. Comparisons accept float32 or
/// int32 operands of the same dtype, broadcast, and have no gradient.
extension Tensor {
    static func comparison(_ op: ComparisonOp, _ lhs: Tensor, _ rhs: Tensor, name: String) -> Tensor {
        requireSameDTypeAndDevice(name, lhs, rhs)
        guard let shape = Shape.broadcast(lhs.shape, rhs.shape) else {
            fatalError("\(name): shapes \(Shape.describe(lhs.shape)) and \(Shape.describe(rhs.shape)) cannot be broadcast together")
        }
        let layout = BroadcastLayout(shape: shape, operandShapes: [lhs.shape, rhs.shape])
        let storage = lhs.backend.compare(op, lhs.storage, rhs.storage, dtype: lhs.dtype, layout: layout)
        return Tensor(storage: storage, shape: shape, dtype: .bool)
    }

    /// Elementwise equality (`lhs == rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.equal, lhs, rhs, name: "equal") }
    /// Elementwise inequality (`lhs != rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.notEqual, lhs, rhs, name: "notEqual") }
    /// Elementwise less-than (`lhs < rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.less, lhs, rhs, name: "less") }
    /// Elementwise less-than-or-equal (`lhs <= rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.lessEqual, lhs, rhs, name: "lessEqual") }
    /// Elementwise greater-than (`lhs > rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.greater, lhs, rhs, name: "greater") }
    /// Elementwise greater-than-or-equal (`lhs >= rhs`), broadcast; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a bool tensor of the broadcast shape.
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { comparison(.greaterEqual, lhs, rhs, name: "greaterEqual") }

    /// Elementwise equality (`lhs == rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .== (lhs: Tensor, rhs: Float) -> Tensor { lhs .== scalarLike(lhs, rhs) }
    /// Elementwise inequality (`lhs != rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .!= (lhs: Tensor, rhs: Float) -> Tensor { lhs .!= scalarLike(lhs, rhs) }
    /// Elementwise less-than (`lhs < rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .< (lhs: Tensor, rhs: Float) -> Tensor { lhs .< scalarLike(lhs, rhs) }
    /// Elementwise less-than-or-equal (`lhs <= rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .<= (lhs: Tensor, rhs: Float) -> Tensor { lhs .<= scalarLike(lhs, rhs) }
    /// Elementwise greater-than (`lhs > rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .> (lhs: Tensor, rhs: Float) -> Tensor { lhs .> scalarLike(lhs, rhs) }
    /// Elementwise greater-than-or-equal (`lhs >= rhs`) with a scalar of the tensor's dtype; a bool mask.
    ///
    /// - Parameters:
    ///   - lhs: a tensor of any dtype.
    ///   - rhs: the scalar, converted to `lhs`'s dtype.
    /// - Returns: a bool tensor of `lhs`'s shape.
    public static func .>= (lhs: Tensor, rhs: Float) -> Tensor { lhs .>= scalarLike(lhs, rhs) }

    private static func scalarLike(_ tensor: Tensor, _ value: Float) -> Tensor {
        Tensor.full([], value: value, dtype: tensor.dtype, device: tensor.device)
    }

    /// A mask of the elements that are neither infinite nor NaN.
    public func isFinite() -> Tensor {
        requireFloatingPoint("isFinite")
        return withoutGradient { abs() } .< Float.infinity
    }

    /// A mask of the NaN elements.
    public func isNaN() -> Tensor {
        requireFloatingPoint("isNaN")
        return self .!= self
    }

    /// Picks `whenTrue` where `condition` holds and `whenFalse` elsewhere, with
    /// broadcasting of all three. Gradients flow to the picked operand.
    ///
    /// ```swift
    /// let positive = Tensor.where(x .> 0, x, Tensor.zeros(like: x))
    /// ```
    ///
    /// - Parameters:
    ///   - condition: a bool mask.
    ///   - whenTrue: values taken where `condition` is true.
    ///   - whenFalse: values taken elsewhere, of `whenTrue`'s dtype and device.
    /// - Returns: a tensor of the shape all three broadcast to, of `whenTrue`'s dtype.
    public static func `where`(_ condition: Tensor, _ whenTrue: Tensor, _ whenFalse: Tensor) -> Tensor {
        condition.requireDType(.bool, "where (condition)")
        requireSameDTypeAndDevice("where", whenTrue, whenFalse)
        require(condition.device == whenTrue.device,
                "where: the condition is on \(condition.device), the values on \(whenTrue.device); move one with .to(.\(whenTrue.device))")
        guard let pair = Shape.broadcast(whenTrue.shape, whenFalse.shape),
              let shape = Shape.broadcast(condition.shape, pair) else {
            fatalError("where: shapes \(Shape.describe(condition.shape)), \(Shape.describe(whenTrue.shape)) and \(Shape.describe(whenFalse.shape)) cannot be broadcast together")
        }
        let layout = BroadcastLayout(shape: shape, operandShapes: [condition.shape, whenTrue.shape, whenFalse.shape])
        let storage = condition.backend.select(condition.storage, whenTrue.storage, whenFalse.storage,
                                               dtype: whenTrue.dtype, layout: layout)
        let result = Tensor(storage: storage, shape: shape, dtype: whenTrue.dtype)
        guard needsRecording(whenTrue, whenFalse) else { return result }
        let (trueShape, falseShape) = (whenTrue.shape, whenFalse.shape)
        return record(result, op: "where", inputs: whenTrue, whenFalse) { gradient in
            let zeros = gradient.zeros([])
            return [Tensor.where(condition, gradient, zeros).sumToShape(trueShape),
                    Tensor.where(condition, zeros, gradient).sumToShape(falseShape)]
        }
    }

    /// Converts to another dtype (float→int truncates toward zero; to bool is `!= 0`).
    /// Conversions between float32 and float64 keep the gradient (converted back);
    /// a conversion is never implicit.
    ///
    /// - Parameter target: the element type to convert to.
    public func to(_ target: DType) -> Tensor {
        if target == dtype { return self }
        let storage = backend.cast(self.storage, count: scalarCount, from: dtype, to: target)
        let result = Tensor(storage: storage, shape: shape, dtype: target)
        guard dtype.isFloatingPoint && target.isFloatingPoint else { return result }
        let source = dtype
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: target == .float64 ? "to(float64)" : "to(float32)", input: self) { gradient in
            [gradient.to(source)]
        }
    }
}
