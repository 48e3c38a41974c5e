/// Column statistics and elementwise maps over a float32 `[N, features]` tensor,
/// shared by the scalers. Statistics are accumulated in double precision (as
/// scikit-learn does), so large data sets do not lose digits.
enum FeatureMatrix {
    /// The tensor's rows and columns, checking it is a 2-D float32 tensor.
    static func dimensions(_ x: Tensor, _ op: String) -> (rows: Int, columns: Int) {
        require(x.dtype == .float32, "\(op): expected a float32 tensor, got \(x.dtype)")
        require(x.rank == 2, "\(op): expected a 2-D tensor [samples, features], got shape \(x.shape)")
        return (x.shape[0], x.shape[1])
    }

    /// Per-column mean and population variance (divisor N), skipping nothing.
    static func meanAndVariance(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let (rows, columns) = dimensions(x, "StandardScaler.fit")
        var mean = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        x.withUnsafePointer(as: Float.self) { values in
            for row in 0..<rows {
                for column in 0..<columns { mean[column] += Double(values[row * columns + column]) }
            }
            for column in 0..<columns { mean[column] /= Double(max(rows, 1)) }
            // Second pass around the mean: exact for data far from zero.
            for row in 0..<rows {
                for column in 0..<columns {
                    let deviation = Double(values[row * columns + column]) - mean[column]
                    squares[column] += deviation * deviation
                }
            }
        }
        return (mean, squares.map { $0 / Double(max(rows, 1)) })
    }

    /// Per-column minimum and maximum (NaN for a table without rows).
    static func minimumAndMaximum(_ x: Tensor) -> (minimum: [Double], maximum: [Double]) {
        let (rows, columns) = dimensions(x, "MinMaxScaler.fit")
        var low = [Double](repeating: rows == 0 ? .nan : .infinity, count: columns)
        var high = [Double](repeating: rows == 0 ? .nan : -.infinity, count: columns)
        x.withUnsafePointer(as: Float.self) { values in
            for row in 0..<rows {
                for column in 0..<columns {
                    let value = Double(values[row * columns + column])
                    low[column] = min(low[column], value)
                    high[column] = max(high[column], value)
                }
            }
        }
        return (low, high)
    }

    /// `x[i, j] * scale[j] + shift[j]` as a new float32 tensor of the same shape.
    static func affine(_ x: Tensor, scale: [Double], shift: [Double], _ op: String) -> Tensor {
        let (rows, columns) = dimensions(x, op)
        require(columns == scale.count,
                     "\(op): the scaler was fitted on \(scale.count) features, got shape \(x.shape)")
        var output = [Float](repeating: 0, count: rows * columns)
        x.withUnsafePointer(as: Float.self) { values in
            for row in 0..<rows {
                for column in 0..<columns {
                    let index = row * columns + column
                    output[index] = Float(Double(values[index]) * scale[column] + shift[column])
                }
            }
        }
        return Tensor(output, shape: [rows, columns], device: .cpu)
    }
}
