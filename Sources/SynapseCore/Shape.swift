/// Shape arithmetic shared by the ops: element counts, row-major strides,
/// NumPy broadcasting and axis normalisation.
///
/// Shapes are plain `[Int]` arrays, outermost dimension first (NHWC for images).
public enum Shape {
    /// Number of elements of a tensor with this shape (1 for a scalar).
    ///
    /// - Parameter shape: the dimensions.
    /// - Returns: the product of the dimensions.
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var count = 1
        for dimension in shape { count &*= dimension }
        return count
    }

    /// Row-major (C-order) strides in elements.
    ///
    /// - Parameter shape: the dimensions.
    /// - Returns: one stride per dimension; the last is 1.
    @inlinable
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running &*= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes, or `nil` when they are incompatible.
    ///
    /// - Parameters:
    ///   - a: one shape.
    ///   - b: the other shape.
    /// - Returns: the shape both broadcast to (trailing dimensions aligned, size 1
    ///   stretched), or `nil`.
    public static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let da = index < rank - a.count ? 1 : a[index - (rank - a.count)]
            let db = index < rank - b.count ? 1 : b[index - (rank - b.count)]
            if da == db || db == 1 {
                result[index] = da
            } else if da == 1 {
                result[index] = db
            } else {
                return nil
            }
        }
        return result
    }

    /// Strides that read a tensor of `shape` as if broadcast to `target`:
    /// broadcast dimensions get stride 0.
    ///
    /// - Parameters:
    ///   - shape: the tensor's own shape, which must broadcast to `target`.
    ///   - target: the shape to read it as.
    /// - Returns: one stride per dimension of `target`, in elements of the tensor.
    public static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = contiguousStrides(shape)
        var result = [Int](repeating: 0, count: target.count)
        let offset = target.count - shape.count
        for axis in 0..<shape.count where shape[axis] != 1 || target[axis + offset] == 1 {
            result[axis + offset] = shape[axis] == 1 ? 0 : own[axis]
        }
        return result
    }

    /// Resolves a possibly negative axis against `rank`, stopping with a message
    /// naming the op when it is out of range.
    ///
    /// - Parameters:
    ///   - axis: an axis in `-rank..<rank` (`-1` is the last).
    ///   - rank: the tensor's rank (a scalar accepts axis 0 and -1).
    ///   - op: the op's name, for the error message.
    /// - Returns: the axis in `0..<rank`.
    public static func normalizeAxis(_ axis: Int, rank: Int, op: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < max(rank, 1) else {
            fatalError("\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return resolved
    }

    /// Formats a shape the way error messages print it: `[2, 3]`.
    ///
    /// - Parameter shape: the dimensions.
    /// - Returns: the dimensions in brackets, separated by commas.
    public static func describe(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }
}

/// Stops with `message` when `condition` is false, in every build configuration.
///
/// `precondition` drops its message in optimised builds; a user who passes the
/// wrong shape must see which op and which shapes, so tensor code uses this.
@inlinable
package func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
