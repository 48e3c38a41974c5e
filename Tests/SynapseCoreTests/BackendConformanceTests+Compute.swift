import Foundation
import Testing
@testable import SynapseCore

/// Conformance of reductions, softmax and matrix products.
extension BackendConformanceTests {
    /// `[outer, extent, inner]` geometries: inner > 1, inner == 1, one long row
    /// (chunked), inner wider than one vector block, and single elements.
    static let reductionGeometries: [ReductionGeometry] = [
        ReductionGeometry(outer: 3, extent: 5, inner: 4), ReductionGeometry(outer: 4, extent: 7, inner: 1),
        ReductionGeometry(outer: 1, extent: 100_003, inner: 1), ReductionGeometry(outer: 2, extent: 3, inner: 3_000),
        ReductionGeometry(outer: 1, extent: 1, inner: 1), ReductionGeometry(outer: 5, extent: 1, inner: 3),
        ReductionGeometry(outer: 200, extent: 300, inner: 1),
    ]

    /// The values along the middle axis at `(o, i)`.
    static func line(_ values: [Float], _ g: ReductionGeometry, _ o: Int, _ i: Int) -> [Float] {
        (0..<g.extent).map { values[(o * g.extent + $0) * g.inner + i] }
    }

    @Test("reduce sums, maximises and minimises the middle axis",
          arguments: backendNames, [ReductionOp.sum, .max, .min])
    func reduce(name: String, op: ReductionOp) {
        let backend = Self.backend(name)
        for (index, g) in Self.reductionGeometries.enumerated() {
            let count = g.outer * g.extent * g.inner
            let x = Self.samples(count, in: -1...1, seed: UInt64(30 + index), avoidingZero: false)
            let result = backend.floats(backend.reduce(op, backend.store(x), dtype: .float32, geometry: g), g.outer * g.inner)
            var expected: [Float] = []
            for o in 0..<g.outer { for i in 0..<g.inner { expected.append(ReferenceMath.reduce(op, Self.line(x, g, o, i))) } }
            // Float32 sums of up to 1e5 terms of magnitude 1: error ≲ √n·ulp·n, well below 1e-3.
            expectClose(result, expected, absolute: op == .sum ? 1e-3 : 0, relative: op == .sum ? 1e-5 : 0)
        }
    }

    @Test("argReduce returns the first extremum", arguments: backendNames, [ArgReductionOp.argmax, .argmin])
    func argReduce(name: String, op: ArgReductionOp) {
        let backend = Self.backend(name)
        for g in Self.reductionGeometries where g.outer * g.extent * g.inner < 1_000_000 {
            let count = g.outer * g.extent * g.inner
            // Few distinct values, so ties are everywhere.
            let x = (0..<count).map { Float(($0 * 7 + $0 / 5) % 4) }
            let result = backend.ints(backend.argReduce(op, backend.store(x), dtype: .float32, geometry: g), g.outer * g.inner)
            var expected: [Int32] = []
            for o in 0..<g.outer { for i in 0..<g.inner { expected.append(ReferenceMath.argReduce(op, Self.line(x, g, o, i))) } }
            #expect(result == expected, "geometry \(g)")
        }
    }

    @Test("softmax and log-softmax of rows", arguments: backendNames, [false, true])
    func softmax(name: String, logarithmic: Bool) {
        let backend = Self.backend(name)
        for (rows, columns) in [(3, 5), (1, 1), (2_000, 7), (4, 1_000)] {
            let x = Self.samples(rows * columns, in: -20...20, seed: UInt64(rows + columns), avoidingZero: false)
            let xs = backend.store(x)
            let y = backend.softmax(xs, dtype: .float32, rows: rows, columns: columns, logarithmic: logarithmic)
            var expectedY: [Float] = []
            for row in 0..<rows {
                let values = x[(row * columns)..<((row + 1) * columns)].map(Double.init)
                let maximum = values.max()!
                let logSum = log(values.reduce(0) { $0 + exp($1 - maximum) }) + maximum
                expectedY += values.map { Float(logarithmic ? $0 - logSum : exp($0 - logSum)) }
            }
            expectClose(backend.floats(y, rows * columns), expectedY, absolute: 1e-6, relative: 1e-5)
        }
    }

    @Test("the softmax gradient from the output, for softmax and log-softmax rows", arguments: backendNames, [false, true])
    func softmaxBackward(name: String, logarithmic: Bool) {
        let backend = Self.backend(name)
        for (rows, columns) in [(3, 5), (1, 1), (2_000, 7), (4, 1_000)] {
            let x = Self.samples(rows * columns, in: -5...5, seed: UInt64(rows * columns), avoidingZero: false)
            let g = Self.samples(rows * columns, in: -1...1, seed: UInt64(rows + 3 * columns), avoidingZero: false)
            let y = backend.floats(backend.softmax(backend.store(x), dtype: .float32, rows: rows, columns: columns,
                                                   logarithmic: logarithmic), rows * columns)
            let dx = backend.softmaxBackward(backend.store(y), gradient: backend.store(g), dtype: .float32, rows: rows,
                                             columns: columns, logarithmic: logarithmic)
            var expected: [Float] = []
            for row in 0..<rows {
                let range = (row * columns)..<((row + 1) * columns)
                let (ys, gs) = (y[range].map(Double.init), g[range].map(Double.init))
                if logarithmic {
                    let sum = gs.reduce(0, +)
                    expected += zip(ys, gs).map { Float($1 - exp($0) * sum) }
                } else {
                    let sum = zip(ys, gs).reduce(0) { $0 + $1.0 * $1.1 }
                    expected += zip(ys, gs).map { Float($0 * ($1 - sum)) }
                }
            }
            expectClose(backend.floats(dx, rows * columns), expected, absolute: 1e-5, relative: 1e-4)
        }
    }

    struct MatmulCase: Sendable, CustomTestStringConvertible {
        var batch: Int, m: Int, n: Int, k: Int
        var sharedA = false, sharedB = false
        var testDescription: String {
            "batch \(batch) \(m)×\(k)·\(k)×\(n)\(sharedA ? ", shared A" : "")\(sharedB ? ", shared B" : "")"
        }
    }

    static let matmulCases: [MatmulCase] = [
        MatmulCase(batch: 1, m: 3, n: 4, k: 5), MatmulCase(batch: 3, m: 2, n: 3, k: 4),
        MatmulCase(batch: 3, m: 2, n: 3, k: 4, sharedA: true), MatmulCase(batch: 3, m: 2, n: 3, k: 4, sharedB: true),
        MatmulCase(batch: 2, m: 1, n: 1, k: 1, sharedA: true, sharedB: true),
        MatmulCase(batch: 1, m: 37, n: 29, k: 41), MatmulCase(batch: 2, m: 20, n: 33, k: 17, sharedB: true),
        MatmulCase(batch: 2, m: 3, n: 2, k: 0),
    ]

    @Test("matmul for each transpose combination, batch strides included, with and without a fused bias",
          arguments: backendNames, matmulCases)
    func matmul(name: String, testCase: MatmulCase) {
        let backend = Self.backend(name)
        let (batch, m, n, k) = (testCase.batch, testCase.m, testCase.n, testCase.k)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Self.samples((testCase.sharedA ? 1 : batch) * m * k, in: -1...1, seed: 50, avoidingZero: false)
            let b = Self.samples((testCase.sharedB ? 1 : batch) * k * n, in: -1...1, seed: 51, avoidingZero: false)
            let result = backend.floats(backend.matmul(backend.store(a), backend.store(b), batch: batch, m: m, n: n, k: k,
                                                       transposeA: transposeA, transposeB: transposeB,
                                                       batchStrideA: testCase.sharedA ? 0 : m * k,
                                                       batchStrideB: testCase.sharedB ? 0 : k * n), batch * m * n)
            var expected: [Float] = []
            for entry in 0..<batch {
                let aBase = testCase.sharedA ? 0 : entry * m * k, bBase = testCase.sharedB ? 0 : entry * k * n
                for row in 0..<m {
                    for column in 0..<n {
                        var sum = 0.0
                        for inner in 0..<k {
                            // Stored op(A) is m×k, or k×m when transposed; likewise B.
                            let left = a[aBase + (transposeA ? inner * m + row : row * k + inner)]
                            let right = b[bBase + (transposeB ? column * k + inner : inner * n + column)]
                            sum += Double(left) * Double(right)
                        }
                        expected.append(Float(sum))
                    }
                }
            }
            expectClose(result, expected, absolute: 1e-5, relative: 1e-5)
            // The fused bias: n values added to every row of every product.
            let bias = Self.samples(n, in: -1...1, seed: 52, avoidingZero: false)
            let withBias = backend.floats(backend.matmul(backend.store(a), backend.store(b), bias: backend.store(bias), dtype: .float32,
                                                         batch: batch, m: m, n: n, k: k,
                                                         transposeA: transposeA, transposeB: transposeB,
                                                         batchStrideA: testCase.sharedA ? 0 : m * k,
                                                         batchStrideB: testCase.sharedB ? 0 : k * n), batch * m * n)
            expectClose(withBias, expected.enumerated().map { $0.element + bias[$0.offset % n] },
                        absolute: 1e-5, relative: 1e-5)
        }
    }
}
