import Testing
@testable import SynapseCore

// Helpers shared by the SynapseCore test files: closeness checks and seeded
// inputs. Inputs come from explicit generators, never from the process-wide
// `Random`, because other suites in the same process draw from it concurrently.

/// Whether `actual` is within `absolute + relative · |expected|` of `expected`
/// (NaN matches NaN, infinities match themselves).
func isClose(_ actual: Float, _ expected: Float, absolute: Float = 1e-5, relative: Float = 1e-5) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    return Swift.abs(actual - expected) <= absolute + relative * Swift.abs(expected)
}

/// Expects `actual` to hold `expected` (row-major), element by element, and — when
/// given — to have `shape`. One failure lists the first mismatches.
func expectClose(_ actual: Tensor, _ expected: [Float], shape: [Int]? = nil,
                 absolute: Float = 1e-5, relative: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    if let shape {
        #expect(actual.shape == shape, "shape", sourceLocation: sourceLocation)
    }
    #expect(actual.dtype == .float32, "dtype", sourceLocation: sourceLocation)
    guard actual.dtype == .float32 else { return }
    expectClose(actual.scalars, expected, absolute: absolute, relative: relative, sourceLocation: sourceLocation)
}

/// Array form of ``expectClose(_:_:shape:absolute:relative:sourceLocation:)``.
func expectClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-5, relative: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "element count", sourceLocation: sourceLocation)
    let mismatches = zip(actual, expected).enumerated()
        .filter { !isClose($0.element.0, $0.element.1, absolute: absolute, relative: relative) }
        .prefix(5)
        .map { "[\($0.offset)] got \($0.element.0), expected \($0.element.1)" }
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "; "))", sourceLocation: sourceLocation)
}

/// Expects two tensors to have the same shape and close values.
func expectClose(_ actual: Tensor, _ expected: Tensor, absolute: Float = 1e-5, relative: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    expectClose(actual, expected.scalars, shape: expected.shape, absolute: absolute, relative: relative,
                sourceLocation: sourceLocation)
}

/// Uniform values in `[low, high)` from a generator seeded with `seed`.
func uniformTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, low: low, high: high, generator: &generator)
}

/// Values with magnitude in `[low, high)` and a random sign: keeps inputs away
/// from kinks and poles at zero (relu, abs, 1/x) by at least `low`.
func awayFromZeroTensor(_ shape: [Int], seed: UInt64, low: Float = 0.2, high: Float = 1.5) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let values = (0..<Shape.elementCount(shape)).map { _ -> Float in
        let magnitude = low + (high - low) * generator.nextUniform()
        return generator.nextUInt32() & 1 == 0 ? magnitude : -magnitude
    }
    return Tensor(values, shape: shape)
}

/// Pairwise distinct values `spacing` apart (a shuffled grid centred on zero), so
/// that max, min and argmax have no ties even after a finite-difference step.
func distinctTensor(_ shape: [Int], seed: UInt64, spacing: Float = 0.1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    let count = Shape.elementCount(shape)
    let order = generator.permutation(count)
    let values = order.map { (Float($0) - Float(count - 1) / 2) * spacing }
    return Tensor(values, shape: shape)
}

/// Row-major multi-index of `flat` in `shape`.
func multiIndex(_ flat: Int, in shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var remainder = flat
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        index[axis] = remainder % shape[axis]
        remainder /= shape[axis]
    }
    return index
}

/// Flat row-major position of `index` in `shape`.
func flatIndex(_ index: [Int], in shape: [Int]) -> Int {
    zip(index, Shape.contiguousStrides(shape)).reduce(0) { $0 + $1.0 * $1.1 }
}
