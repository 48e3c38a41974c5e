/// Overflow-checked shape arithmetic for checking model files before building.
package enum ShapeArithmetic {
    /// The product of `shape`, or `nil` when it overflows or a size is negative.
    package static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            guard size >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            count = product
        }
        return count
    }
}
