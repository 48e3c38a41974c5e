import Testing
@testable import SynapseCore

@Suite("Joining: concatenate, stack, split, narrow")
struct JoiningTests {
    @Test("concatenate along the first, last and a negative axis")
    func concatenateValues() {
        let a = Tensor([[1, 2], [3, 4]])
        let b = Tensor([[5, 6]])
        expectClose(Tensor.concatenate([a, b]), [1, 2, 3, 4, 5, 6], shape: [3, 2])
        let c = Tensor([[7], [8]])
        expectClose(Tensor.concatenate([a, c], axis: 1), [1, 2, 7, 3, 4, 8], shape: [2, 3])
        expectClose(Tensor.concatenate([c, a, c], axis: -1), [7, 1, 2, 7, 8, 3, 4, 8], shape: [2, 4])
    }

    @Test("concatenate along a middle axis of rank-3 tensors, with an empty piece")
    func concatenateMiddleAxis() {
        let a = Tensor.arange(0, 8).reshaped(2, 2, 2)
        let b = Tensor.arange(100, 104).reshaped(2, 1, 2)
        let empty = Tensor.zeros([2, 0, 2])
        let y = Tensor.concatenate([a, empty, b], axis: 1)
        #expect(y.shape == [2, 3, 2])
        expectClose(y, [0, 1, 2, 3, 100, 101, 4, 5, 6, 7, 102, 103])
        expectClose(Tensor.concatenate([a]), a)
    }

    @Test("concatenate keeps int32 and bool dtypes")
    func concatenateDTypes() {
        let ids = Tensor.concatenate([Tensor(int32: [1, 2]), Tensor(int32: [3])])
        #expect(ids.dtype == .int32)
        #expect(ids.intScalars == [1, 2, 3])
        #expect(Tensor.concatenate([Tensor(bool: [true]), Tensor(bool: [false])]).boolScalars == [true, false])
    }

    @Test("stack adds a new axis at any position")
    func stackValues() {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6])
        expectClose(Tensor.stack([a, b]), [1, 2, 3, 4, 5, 6], shape: [2, 3])
        expectClose(Tensor.stack([a, b], axis: 1), [1, 4, 2, 5, 3, 6], shape: [3, 2])
        expectClose(Tensor.stack([a, b], axis: -1), [1, 4, 2, 5, 3, 6], shape: [3, 2])
        let m = Tensor([[1, 2], [3, 4]])
        expectClose(Tensor.stack([m, m * 10], axis: 1), [1, 2, 10, 20, 3, 4, 30, 40], shape: [2, 2, 2])
        #expect(Tensor.stack([Tensor(Float(1)), Tensor(Float(2))]).shape == [2])
    }

    @Test("split by sizes and into equal pieces")
    func splitValues() {
        let x = Tensor.arange(0, 12).reshaped(2, 6)
        let pieces = x.split(sizes: [1, 0, 3, 2], axis: 1)
        #expect(pieces.map(\.shape) == [[2, 1], [2, 0], [2, 3], [2, 2]])
        expectClose(pieces[0], [0, 6])
        expectClose(pieces[2], [1, 2, 3, 7, 8, 9])
        expectClose(pieces[3], [4, 5, 10, 11])
        let halves = x.split(count: 2)
        expectClose(halves[1], [6, 7, 8, 9, 10, 11], shape: [1, 6])
        let thirds = x.split(count: 3, axis: -1)
        expectClose(thirds[2], [4, 5, 10, 11], shape: [2, 2])
        // Splitting and concatenating again is the identity.
        expectClose(Tensor.concatenate(pieces, axis: 1), x)
    }

    @Test("narrow takes a run of positions along one axis")
    func narrowValues() {
        let x = Tensor.arange(0, 12).reshaped(3, 4)
        expectClose(x.narrowed(axis: 1, start: 1, length: 2), [1, 2, 5, 6, 9, 10], shape: [3, 2])
        expectClose(x.narrowed(axis: 0, start: 2, length: 1), [8, 9, 10, 11], shape: [1, 4])
        #expect(x.narrowed(axis: -1, start: 4, length: 0).shape == [3, 0])
    }

    @Test("gradient of concatenate splits the upstream gradient", arguments: [0, 1, 2, -1])
    func concatenateGradients(axis: Int) {
        var shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
        let resolved = axis < 0 ? axis + 3 : axis
        shapes[1][resolved] = 1
        shapes[2][resolved] = 2
        let inputs = shapes.enumerated().map { uniformTensor($0.element, seed: 71 + UInt64($0.offset)) }
        GradientCheck.expectGradientsMatch(at: inputs) { Tensor.concatenate($0, axis: axis) }
    }

    @Test("gradient of stack", arguments: [0, 1, 2, -1])
    func stackGradients(axis: Int) {
        let inputs = (0..<3).map { uniformTensor([2, 3], seed: 74 + UInt64($0)) }
        GradientCheck.expectGradientsMatch(at: inputs) { Tensor.stack($0, axis: axis) }
    }

    @Test("gradient through split pieces used separately")
    func splitGradients() {
        GradientCheck.expectGradientsMatch(at: uniformTensor([3, 6], seed: 77)) { x in
            let pieces = x.split(sizes: [2, 1, 3], axis: 1)
            return Tensor.concatenate([pieces[2] * 2, pieces[0].exp(), pieces[2][.all, 0..<1]], axis: 1)
        }
        GradientCheck.expectGradientsMatch(at: uniformTensor([4, 2], seed: 78)) { x in
            let halves = x.split(count: 2)
            return halves[0] * halves[1]
        }
    }

    @Test("a concatenated input that does not require grad gets none")
    func partialRequiresGrad() throws {
        let a = Tensor([1, 2]).requiringGrad()
        let b = Tensor([3, 4])
        (Tensor.concatenate([a, b]) * Tensor([1, 2, 3, 4])).sum().backward()
        let gradient = try #require(a.grad)
        expectClose(gradient, [1, 2])
        #expect(b.grad == nil)
    }
}
