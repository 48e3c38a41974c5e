/// The summary of a set of values that TensorBoard's histogram and distribution
/// dashboards draw: count, extremes, sums and equal-width buckets.
struct Histogram: Equatable {
    var minimum: Double
    var maximum: Double
    var count: Double
    var sum: Double
    var sumOfSquares: Double
    /// The right edge of each bucket, increasing; the last is `maximum`.
    var bucketLimits: [Double]
    /// The number of values in each bucket (left edge exclusive, right inclusive;
    /// the first bucket also holds `minimum`).
    var bucketCounts: [Double]

    /// Buckets `values` into `bucketCount` equal-width buckets between their minimum
    /// and maximum; non-finite values are left out. All-equal values give one bucket.
    ///
    /// - Parameters:
    ///   - values: the values, e.g. a kernel's elements.
    ///   - bucketCount: the number of buckets, at least 1 (default 30, as PyTorch's writer).
    /// - Returns: `nil` when no value is finite.
    init?(values: [Float], bucketCount: Int = 30) {
        precondition(bucketCount >= 1, "Histogram: bucketCount must be at least 1")
        var minimum = Double.infinity, maximum = -Double.infinity
        var count = 0.0, sum = 0.0, sumOfSquares = 0.0
        for value in values where value.isFinite {
            let v = Double(value)
            minimum = Swift.min(minimum, v)
            maximum = Swift.max(maximum, v)
            count += 1
            sum += v
            sumOfSquares += v * v
        }
        guard count > 0 else { return nil }
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
        self.sum = sum
        self.sumOfSquares = sumOfSquares
        guard maximum > minimum else {
            bucketLimits = [maximum]
            bucketCounts = [count]
            return
        }
        let width = (maximum - minimum) / Double(bucketCount)
        bucketLimits = (1...bucketCount).map { $0 == bucketCount ? maximum : minimum + Double($0) * width }
        var counts = [Double](repeating: 0, count: bucketCount)
        for value in values where value.isFinite {
            let position = (Double(value) - minimum) / width
            let index = Swift.min(bucketCount - 1, Swift.max(0, Int(position.rounded(.up)) - 1))
            counts[index] += 1
        }
        bucketCounts = counts
    }
}
