import Testing
@testable import SynapseCore

@Suite("Indexing: subscripts, gather, one-hot")
struct IndexingTests {
    /// Element (i, j, k) holds 12i + 4j + k.
    static let counting = Tensor.arange(0, 24).reshaped(2, 3, 4)
    static let vector = Tensor.arange(0, 10)

    @Test("integer indices drop axes; negative ones count from the end")
    func integerIndices() {
        let x = Self.counting
        expectClose(x[1], (12..<24).map(Float.init), shape: [3, 4])
        expectClose(x[-1, 0], [12, 13, 14, 15], shape: [4])
        expectClose(x[1, 2, 3], [23], shape: [])
        expectClose(x[0, -1, -2], [10], shape: [])
    }

    @Test("ranges of every kind keep their axis")
    func ranges() {
        let v = Self.vector
        expectClose(v[2..<5], [2, 3, 4], shape: [3])
        expectClose(v[2...4], [2, 3, 4])
        expectClose(v[7...], [7, 8, 9])
        expectClose(v[..<3], [0, 1, 2])
        expectClose(v[...2], [0, 1, 2])
        expectClose(v[(-3)...], [7, 8, 9])
        expectClose(v[..<(-7)], [0, 1, 2])
        expectClose(v[3..<3], [], shape: [0])
        expectClose(Self.counting[0, 1..<3], (4..<12).map(Float.init), shape: [2, 4])
    }

    @Test("strided ranges step through an axis")
    func strides() {
        let v = Self.vector
        expectClose(v[.stride(0, nil, by: 2)], [0, 2, 4, 6, 8])
        expectClose(v[.stride(1, nil, by: 3)], [1, 4, 7])
        expectClose(v[.stride(nil, -1, by: 2)], [0, 2, 4, 6, 8])
        expectClose(v[.stride(-4, nil, by: 2)], [6, 8])
        let x = Self.counting[.all, .stride(0, 3, by: 2), .stride(1, 4, by: 2)]
        expectClose(x, [1, 3, 9, 11, 13, 15, 21, 23], shape: [2, 2, 2])
    }

    @Test(".all, .ellipsis and .newAxis")
    func wholeAxesEllipsisNewAxis() {
        let x = Self.counting
        expectClose(x[.all, .all, 0], [0, 4, 8, 12, 16, 20], shape: [2, 3])
        expectClose(x[.ellipsis, 0], [0, 4, 8, 12, 16, 20], shape: [2, 3])
        expectClose(x[.ellipsis, 1, 2], [6, 18], shape: [2])
        expectClose(x[0, .ellipsis], (0..<12).map(Float.init), shape: [3, 4])
        expectClose(x[1, .ellipsis, 3], [15, 19, 23], shape: [3])
        #expect(x[.newAxis].shape == [1, 2, 3, 4])
        expectClose(x[.all, .newAxis, 1], [4, 5, 6, 7, 16, 17, 18, 19], shape: [2, 1, 4])
        #expect(x[0, .ellipsis, .newAxis].shape == [3, 4, 1])
        #expect(x[.newAxis, .ellipsis, .newAxis].shape == [1, 2, 3, 4, 1])
        #expect(x[].shape == [2, 3, 4])
    }

    @Test("int32 and bool tensors slice too")
    func otherDTypes() {
        let ids = Tensor(int32: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(ids[.all, 1].intScalars == [2, 5])
        #expect(ids[1, .stride(0, nil, by: 2)].intScalars == [4, 6])
        #expect(Tensor(bool: [true, false, true])[1...].boolScalars == [false, true])
    }

    @Test("a slice is a copy: the original is unchanged by writes to it")
    func sliceIsCopy() {
        let x = Tensor([1, 2, 3])
        var y = x[0..<2]
        y.withUnsafeMutablePointer(as: Float.self) { $0[0] = 99 }
        #expect(x.scalars == [1, 2, 3])
        #expect(y.scalars == [99, 2])
    }

    @Test("gradients of slices scatter back into the sliced positions",
          arguments: [
            [TensorIndex.index(1)], [.index(-1), .range(start: 1, end: nil, step: 1)],
            [.wholeAxis, .range(start: nil, end: nil, step: 2), .range(start: -3, end: -1, step: 1)],
            [.remainingAxes, .index(2)], [.newAxis, .index(0), .remainingAxes, .newAxis],
            [.range(start: 0, end: 2, step: 1), .newAxis, .range(start: 2, end: nil, step: 3)],
          ])
    func sliceGradients(indices: [TensorIndex]) {
        GradientCheck.expectGradientsMatch(at: uniformTensor([2, 3, 4], seed: 61)) { $0.slice(indices) }
    }

    @Test("overlapping slices of one tensor add their gradients")
    func overlappingSlices() {
        let (_, gradient) = valueAndGradient(at: Tensor([1, 2, 3, 4])) { ($0[0..<3] + $0[1..<4]).sum() }
        expectClose(gradient, [1, 2, 2, 1])
        GradientCheck.expectGradientsMatch(at: uniformTensor([5, 2], seed: 62)) { $0[0..<3] * $0[2..<5] }
    }

    @Test("gather picks rows by int32 indices, repeats allowed")
    func gatherRows() {
        let table = Tensor([[1, 2], [3, 4], [5, 6]])
        expectClose(table.gather(Tensor(int32: [2, 0, 2])), [5, 6, 1, 2, 5, 6], shape: [3, 2])
        expectClose(table.gather(Tensor(int32: [1]), axis: 0), [3, 4], shape: [1, 2])
        // A matrix of indices puts its shape in place of the gathered axis.
        expectClose(table.gather(Tensor(int32: [0, 1, 2, 2], shape: [2, 2])), [1, 2, 3, 4, 5, 6, 5, 6], shape: [2, 2, 2])
    }

    @Test("gather along inner and negative axes")
    func gatherInnerAxes() {
        let x = Tensor([[1, 2, 3], [4, 5, 6]])
        expectClose(x.gather(Tensor(int32: [0, 2, 1, 1], shape: [2, 2]), axis: 1), [1, 3, 2, 2, 4, 6, 5, 5], shape: [2, 2, 2])
        expectClose(x.gather(Tensor(int32: [2, 0]), axis: -1), [3, 1, 6, 4], shape: [2, 2])
        expectClose(Self.counting.gather(Tensor(int32: [3, 3, 0]), axis: 2)[1, 2], [23, 23, 20])
        #expect(Tensor(int32: [7, 8, 9]).gather(Tensor(int32: [2, 2, 0])).intScalars == [9, 9, 7])
    }

    @Test("the gradient of gather adds up repeated indices")
    func gatherGradientAccumulates() {
        let (_, gradient) = valueAndGradient(at: Tensor.zeros([3, 2])) { $0.gather(Tensor(int32: [0, 0, 2, 0])).sum() }
        expectClose(gradient, [3, 3, 0, 0, 1, 1], shape: [3, 2])
    }

    @Test("gradients of gather with repeated indices along every axis", arguments: [0, 1, 2, -1])
    func gatherGradients(axis: Int) {
        let x = uniformTensor([3, 4, 2], seed: 63)
        let size = x.shape[axis < 0 ? axis + 3 : axis]
        let indices = Tensor(int32: [size - 1, 0, size - 1, 1, 1, 0], shape: [2, 3])
        GradientCheck.expectGradientsMatch(at: x) { $0.gather(indices, axis: axis) }
    }

    @Test("one-hot encodes int32 labels; out-of-range labels give zero rows")
    func oneHot() {
        let encoded = Tensor(int32: [0, 2, 1]).oneHot(depth: 3)
        #expect(encoded.dtype == .float32)
        expectClose(encoded, [1, 0, 0, 0, 0, 1, 0, 1, 0], shape: [3, 3])
        expectClose(Tensor(int32: [3, -1]).oneHot(depth: 3), [0, 0, 0, 0, 0, 0], shape: [2, 3])
        #expect(Tensor(int32: [0, 1, 1, 0], shape: [2, 2]).oneHot(depth: 2).shape == [2, 2, 2])
    }
}
