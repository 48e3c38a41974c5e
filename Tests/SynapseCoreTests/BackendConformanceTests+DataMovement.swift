import Testing
@testable import SynapseCore

/// Conformance of strided copies and index selection.
extension BackendConformanceTests {
    /// A strided view: `shape` elements at `offset + Σ index·strides`.
    struct View: Sendable, CustomTestStringConvertible {
        var sourceCount: Int, offset: Int, strides: [Int], shape: [Int]
        var testDescription: String { "\(shape) at \(offset) by \(strides) of \(sourceCount)" }

        /// Source position of each element of the view, row-major.
        var positions: [Int] {
            (0..<Shape.elementCount(shape)).map { flat in
                zip(multiIndex(flat, in: shape), strides).reduce(offset) { $0 + $1.0 * $1.1 }
            }
        }
    }

    static let views: [View] = [
        View(sourceCount: 24, offset: 0, strides: [1, 12, 4], shape: [4, 2, 3]),   // permutation
        View(sourceCount: 24, offset: 5, strides: [12, 2], shape: [2, 2]),          // slice with a step
        View(sourceCount: 3, offset: 0, strides: [0, 1], shape: [2, 3]),            // broadcast rows
        View(sourceCount: 1, offset: 0, strides: [0], shape: [4]),                  // broadcast a scalar
        View(sourceCount: 10, offset: 7, strides: [], shape: []),                   // one element
        View(sourceCount: 6, offset: 0, strides: [3, 1], shape: [0, 3]),            // empty
        View(sourceCount: 100_000, offset: 0, strides: [1, 400], shape: [400, 250]), // large transpose
    ]

    @Test("stridedRead gathers a view into contiguous storage", arguments: backendNames, views)
    func stridedRead(name: String, view: View) {
        let backend = Self.backend(name)
        let count = Shape.elementCount(view.shape)
        let floats = (0..<view.sourceCount).map { Float($0) * 0.5 - 3 }
        let read = backend.stridedRead(backend.store(floats), dtype: .float32, offset: view.offset,
                                       strides: view.strides, shape: view.shape)
        #expect(backend.floats(read, count) == view.positions.map { floats[$0] })
        let ints = (0..<view.sourceCount).map { Int32($0) - 5 }
        let readInts = backend.stridedRead(backend.store(ints), dtype: .int32, offset: view.offset,
                                           strides: view.strides, shape: view.shape)
        #expect(backend.ints(readInts, count) == view.positions.map { ints[$0] })
        let bools = (0..<view.sourceCount).map { $0 % 3 == 0 }
        let readBools = backend.stridedRead(backend.store(bools), dtype: .bool, offset: view.offset,
                                            strides: view.strides, shape: view.shape)
        #expect(backend.bytes(readBools, count) == view.positions.map { bools[$0] ? 1 : 0 })
    }

    /// The views whose elements land on distinct positions (an overwrite needs them).
    static let writableViews = views.filter { Set($0.positions).count == $0.positions.count }

    @Test("stridedWrite stores into a view and leaves the rest", arguments: backendNames, writableViews)
    func stridedWrite(name: String, view: View) {
        let backend = Self.backend(name)
        let count = Shape.elementCount(view.shape)
        let positions = view.positions
        let values = (0..<count).map { Float($0) + 100 }
        let destination = backend.store((0..<view.sourceCount).map { -Float($0) })
        backend.stridedWrite(backend.store(values), into: destination, dtype: .float32, offset: view.offset,
                             strides: view.strides, shape: view.shape, accumulate: false)
        var expected = (0..<view.sourceCount).map { -Float($0) }
        for (value, position) in zip(values, positions) { expected[position] = value }
        #expect(backend.floats(destination, view.sourceCount) == expected)

        let intDestination = backend.store([Int32](repeating: 9, count: view.sourceCount))
        backend.stridedWrite(backend.store(values.map { Int32($0) }), into: intDestination, dtype: .int32,
                             offset: view.offset, strides: view.strides, shape: view.shape, accumulate: false)
        var expectedInts = [Int32](repeating: 9, count: view.sourceCount)
        for (value, position) in zip(values, positions) { expectedInts[position] = Int32(value) }
        #expect(backend.ints(intDestination, view.sourceCount) == expectedInts)

        let boolDestination = backend.store([Bool](repeating: false, count: view.sourceCount))
        backend.stridedWrite(backend.store([Bool](repeating: true, count: count)), into: boolDestination, dtype: .bool,
                             offset: view.offset, strides: view.strides, shape: view.shape, accumulate: false)
        let written = Set(positions)
        #expect(backend.bytes(boolDestination, view.sourceCount) == (0..<view.sourceCount).map { written.contains($0) ? 1 : 0 })
    }

    @Test("stridedWrite with accumulate adds, overlapping targets included", arguments: backendNames, views)
    func stridedAccumulate(name: String, view: View) {
        let backend = Self.backend(name)
        let count = Shape.elementCount(view.shape)
        // Small integers: every partial sum is exact whatever the order.
        let values = (0..<count).map { Float($0 % 13) - 6 }
        let destination = backend.store([Float](repeating: 1, count: view.sourceCount))
        backend.stridedWrite(backend.store(values), into: destination, dtype: .float32, offset: view.offset,
                             strides: view.strides, shape: view.shape, accumulate: true)
        var expected = [Float](repeating: 1, count: view.sourceCount)
        for (value, position) in zip(values, view.positions) { expected[position] += value }
        #expect(backend.floats(destination, view.sourceCount) == expected)
    }

    /// `[outer, extent, inner]` with indices that repeat and skip positions.
    static let selections: [(ReductionGeometry, [Int32])] = [
        (ReductionGeometry(outer: 2, extent: 4, inner: 3), [3, 0, 3, 1]),
        (ReductionGeometry(outer: 3, extent: 5, inner: 1), [4, 4, 4]),
        (ReductionGeometry(outer: 1, extent: 3, inner: 2), []),
        (ReductionGeometry(outer: 300, extent: 50, inner: 8), (0..<200).map { Int32($0 * 7 % 50) }),
    ]

    @Test("indexSelect picks rows of every dtype and indexAdd adds them back", arguments: backendNames)
    func indexSelectAndAdd(name: String) {
        let backend = Self.backend(name)
        for (g, indices) in Self.selections {
            let count = g.outer * g.extent * g.inner
            let resultCount = g.outer * indices.count * g.inner
            func source(_ o: Int, _ p: Int, _ i: Int) -> Int { (o * g.extent + Int(indices[p])) * g.inner + i }
            var positions: [Int] = []
            for o in 0..<g.outer { for p in 0..<indices.count { for i in 0..<g.inner { positions.append(source(o, p, i)) } } }

            let floats = (0..<count).map { Float($0) + 0.5 }
            let picked = backend.indexSelect(backend.store(floats), dtype: .float32, indices: backend.store(indices),
                                             indexCount: indices.count, geometry: g)
            #expect(backend.floats(picked, resultCount) == positions.map { floats[$0] })
            let ints = (0..<count).map { Int32($0) }
            let pickedInts = backend.indexSelect(backend.store(ints), dtype: .int32, indices: backend.store(indices),
                                                 indexCount: indices.count, geometry: g)
            #expect(backend.ints(pickedInts, resultCount) == positions.map { ints[$0] })
            let bools = (0..<count).map { $0 % 2 == 1 }
            let pickedBools = backend.indexSelect(backend.store(bools), dtype: .bool, indices: backend.store(indices),
                                                  indexCount: indices.count, geometry: g)
            #expect(backend.bytes(pickedBools, resultCount) == positions.map { bools[$0] ? 1 : 0 })

            let gradient = (0..<resultCount).map { Float($0 % 11) - 5 }
            let added = backend.indexAdd(backend.store(gradient), dtype: .float32, indices: backend.store(indices),
                                         indexCount: indices.count, geometry: g)
            var expected = [Float](repeating: 0, count: count)
            for (value, position) in zip(gradient, positions) { expected[position] += value }
            #expect(backend.floats(added, count) == expected)
        }
    }
}
