import Testing
@testable import SynapseCore

@Suite("Shape ops: reshape, squeeze, unsqueeze, flatten, permute, transpose, broadcast")
struct ShapeOpsTests {
    static let counting = Tensor.arange(0, 24).reshaped(2, 3, 4)

    @Test("reshape keeps row-major order, infers one -1 and shares storage")
    func reshape() {
        let x = Self.counting
        let y = x.reshaped(to: [4, -1])
        #expect(y.shape == [4, 6])
        #expect(y.scalars == x.scalars)
        #expect(y.storage === x.storage)
        #expect(x.reshaped(6, 4).shape == [6, 4])
        #expect(x.reshaped(to: [-1]).shape == [24])
        #expect(Tensor([5]).reshaped(to: []).shape == [])
        #expect(Tensor.zeros([0, 3]).reshaped(to: [3, 0]).shape == [3, 0])
    }

    @Test("squeeze removes all or one size-1 dimension; unsqueeze inserts one")
    func squeezeUnsqueeze() {
        let x = Tensor.zeros([1, 3, 1, 2])
        #expect(x.squeezed().shape == [3, 2])
        #expect(x.squeezed(axis: 2).shape == [1, 3, 2])
        #expect(x.squeezed(axis: -4).shape == [3, 1, 2])
        let v = Tensor([1, 2, 3])
        #expect(v.unsqueezed(axis: 0).shape == [1, 3])
        #expect(v.unsqueezed(axis: 1).shape == [3, 1])
        #expect(v.unsqueezed(axis: -1).shape == [3, 1])
        #expect(v.unsqueezed(axis: -2).shape == [1, 3])
        #expect(Tensor(Float(1)).unsqueezed(axis: 0).shape == [1])
    }

    @Test("flatten folds the dimensions from startAxis on")
    func flatten() {
        let x = Self.counting
        #expect(x.flattened().shape == [24])
        #expect(x.flattened(startAxis: 1).shape == [2, 12])
        #expect(x.flattened(startAxis: -1).shape == [2, 3, 4])
        #expect(Tensor(Float(3)).flattened().shape == [1])
        #expect(x.flattened(startAxis: 1).scalars == x.scalars)
    }

    @Test("permute moves input dimension permutation[i] to position i")
    func permute() {
        let x = Self.counting
        let y = x.permuted(2, 0, 1)
        #expect(y.shape == [4, 2, 3])
        for flat in 0..<24 {
            let index = multiIndex(flat, in: [4, 2, 3])   // (k, i, j)
            let source = flatIndex([index[1], index[2], index[0]], in: [2, 3, 4])
            #expect(y.scalars[flat] == x.scalars[source])
        }
        #expect(x.permuted([0, 1, 2]).storage === x.storage)
    }

    @Test("transpose swaps the last two dimensions by default; T is the matrix transpose")
    func transpose() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        expectClose(m.T, [1, 4, 2, 5, 3, 6], shape: [3, 2])
        expectClose(m.transposed(), m.T)
        let x = Self.counting
        #expect(x.transposed().shape == [2, 4, 3])
        #expect(x.transposed(0, 2).shape == [4, 3, 2])
        expectClose(x.transposed(0, -1).transposed(0, 2), x)
        #expect(Tensor([1, 2]).transposed().shape == [2])
        // An int32 tensor moves the same way.
        #expect(Tensor(int32: [1, 2, 3, 4], shape: [2, 2]).T.intScalars == [1, 3, 2, 4])
    }

    @Test("broadcast repeats size-1 dimensions and prepends new ones")
    func broadcast() {
        let column = Tensor([1, 2], shape: [2, 1])
        expectClose(column.broadcast(to: [2, 3]), [1, 1, 1, 2, 2, 2], shape: [2, 3])
        expectClose(column.broadcast(to: [2, 2, 2]), [1, 1, 2, 2, 1, 1, 2, 2], shape: [2, 2, 2])
        expectClose(Tensor(Float(7)).broadcast(to: [2]), [7, 7])
        #expect(Tensor(bool: [true, false]).broadcast(to: [2, 2]).boolScalars == [true, false, true, false])
    }

    @Test("gradients of reshape, squeeze, unsqueeze and flatten")
    func reshapeGradients() {
        let x = uniformTensor([2, 1, 3, 2], seed: 51)
        GradientCheck.expectGradientsMatch(at: x) { $0.reshaped(to: [3, -1]) }
        GradientCheck.expectGradientsMatch(at: x) { $0.squeezed() }
        GradientCheck.expectGradientsMatch(at: x) { $0.squeezed(axis: 1).unsqueezed(axis: -1) }
        GradientCheck.expectGradientsMatch(at: x) { $0.flattened(startAxis: 1) }
    }

    @Test("gradients of permutations and transposes",
          arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1]])
    func permuteGradients(permutation: [Int]) {
        let x = uniformTensor([2, 3, 4], seed: 52)
        GradientCheck.expectGradientsMatch(at: x) { $0.permuted(permutation) }
    }

    @Test("gradient of transpose and T")
    func transposeGradients() {
        GradientCheck.expectGradientsMatch(at: uniformTensor([3, 5], seed: 53)) { $0.T }
        GradientCheck.expectGradientsMatch(at: uniformTensor([2, 3, 4], seed: 54)) { $0.transposed(0, 2) }
    }

    @Test("gradient of broadcast sums over repeated positions",
          arguments: [([3, 1], [2, 3, 4]), ([4], [3, 4]), ([], [2, 2]), ([2, 1, 3], [2, 5, 3])])
    func broadcastGradients(from: [Int], to: [Int]) {
        GradientCheck.expectGradientsMatch(at: uniformTensor(from, seed: 55)) { $0.broadcast(to: to) }
    }
}
