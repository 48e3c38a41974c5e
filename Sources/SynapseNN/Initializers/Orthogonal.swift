/// A (semi-)orthogonal matrix times `gain` — Keras' default recurrent kernel
/// initializer. Higher-rank shapes are flattened to `[Π leading dims, last dim]`.
///
/// Drawn as in Keras: the Q factor of the QR decomposition of a normal matrix,
/// with column signs fixed by R's diagonal so the distribution is uniform.
public struct Orthogonal: SeededInitializer {
    /// The factor every element of the orthogonal matrix is multiplied by.
    public var gain: Float
    public var seed: UInt64?

    /// Creates an orthogonal initializer.
    ///
    /// Calling it stops with a message when the shape has rank below 2.
    ///
    /// - Parameters:
    ///   - gain: The factor the orthogonal matrix is multiplied by; default `1`.
    ///   - seed: When set, every call restarts the stream at this seed; default `nil`
    ///     (draw from the generator handed in, usually ``/SynapseCore/Random``).
    public init(gain: Float = 1, seed: UInt64? = nil) {
        (self.gain, self.seed) = (gain, seed)
    }

    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        require(shape.count >= 2, "Orthogonal: needs a shape of rank ≥ 2, got \(Shape.describe(shape))")
        let rows = shape.dropLast().reduce(1, *)
        let columns = shape[shape.count - 1]
        // Orthonormalise the columns of the taller orientation.
        let (tall, wide) = (Swift.max(rows, columns), Swift.min(rows, columns))
        var matrix = (0..<(tall * wide)).map { _ in Double(generator.nextNormal()) }   // tall × wide, row-major
        for column in 0..<wide {
            // Modified Gram–Schmidt (in double precision): subtract earlier columns, normalise.
            for previous in 0..<column {
                var dot = 0.0
                for row in 0..<tall { dot += matrix[row * wide + column] * matrix[row * wide + previous] }
                for row in 0..<tall { matrix[row * wide + column] -= dot * matrix[row * wide + previous] }
            }
            var norm = 0.0
            for row in 0..<tall { norm += matrix[row * wide + column] * matrix[row * wide + column] }
            norm = norm.squareRoot()
            for row in 0..<tall { matrix[row * wide + column] /= Swift.max(norm, 1e-12) }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = rows >= columns ? matrix[row * wide + column] : matrix[column * wide + row]
                values[row * columns + column] = gain * Float(value)
            }
        }
        return Tensor(values, shape: shape)
    }
}

extension Initializer where Self == Orthogonal {
    /// An orthogonal matrix times `gain`.
    ///
    /// - Parameters:
    ///   - gain: The factor the orthogonal matrix is multiplied by; default `1`.
    ///   - seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: An ``Orthogonal`` initializer.
    public static func orthogonal(gain: Float = 1, seed: UInt64? = nil) -> Orthogonal {
        Orthogonal(gain: gain, seed: seed)
    }
}
