import Testing
@testable import SynapseCore

@Suite("Arithmetic: + − × ÷, pow, minimum, maximum with broadcasting")
struct ArithmeticTests {
    /// Shape pairs covering same shape, [3,1]+[1,4], trailing-vector, scalar on
    /// either side, and broadcasting on both operands at once.
    static let broadcastPairs: [([Int], [Int])] = [
        ([2, 3], [2, 3]), ([3, 1], [1, 4]), ([2, 3, 4], [4]), ([], [2, 3]), ([2, 3], []),
        ([2, 1, 3], [4, 1]), ([1], [3]),
    ]

    @Test("same-shape values")
    func sameShapeValues() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([10, 20, 30, 40], shape: [2, 2])
        expectClose(a + b, [11, 22, 33, 44], shape: [2, 2])
        expectClose(a - b, [-9, -18, -27, -36], shape: [2, 2])
        expectClose(a * b, [10, 40, 90, 160], shape: [2, 2])
        expectClose(b / a, [10, 10, 10, 10], shape: [2, 2])
        expectClose(Tensor([2, 3, 4]).pow(Tensor([3, 2, 0.5])), [8, 9, 2], shape: [3])
    }

    @Test("[3, 1] + [1, 4] broadcasts to [3, 4]")
    func columnPlusRow() {
        let column = Tensor([1, 2, 3], shape: [3, 1])
        let row = Tensor([10, 20, 30, 40], shape: [1, 4])
        expectClose(column + row, [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43], shape: [3, 4])
        expectClose(row - column, [9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37], shape: [3, 4])
    }

    @Test("[2, 3, 4] × [4] scales the last axis")
    func trailingVector() {
        let x = Tensor.arange(0, 24).reshaped(2, 3, 4)
        let scale = Tensor([1, 10, 100, 1000])
        let expected = (0..<24).map { Float($0) * [1, 10, 100, 1000][$0 % 4] }
        expectClose(x * scale, expected, shape: [2, 3, 4])
    }

    @Test("both operands broadcast: [2, 1, 3] and [4, 1] give [2, 4, 3]")
    func bothBroadcast() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 1, 3])
        let b = Tensor([0, 10, 20, 30], shape: [4, 1])
        let y = a + b
        #expect(y.shape == [2, 4, 3])
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append(Float(i * 3 + k + 1) + Float(j * 10)) } } }
        expectClose(y, expected)
    }

    @Test("scalar forms and rank-0 tensors")
    func scalarForms() {
        let x = Tensor([1, 2, 4])
        expectClose(x + 1, [2, 3, 5])
        expectClose(1 + x, [2, 3, 5])
        expectClose(x - 1, [0, 1, 3])
        expectClose(1 - x, [0, -1, -3])
        expectClose(x * 3, [3, 6, 12])
        expectClose(3 * x, [3, 6, 12])
        expectClose(x / 2, [0.5, 1, 2])
        expectClose(2 / x, [2, 1, 0.5])
        let scalar = Tensor(Float(5)) * Tensor(Float(2))
        #expect(scalar.shape == [])
        #expect(scalar.item == 10)
    }

    @Test("compound assignment rebinds the variable")
    func compoundAssignment() {
        var x = Tensor([1, 2])
        let original = x
        x += Tensor([1, 1]); x *= Tensor([3, 3]); x -= Tensor([1, 1]); x /= Tensor([5, 5])
        expectClose(x, [1, 1.6])
        expectClose(original, [1, 2])
    }

    @Test("minimum and maximum pick elementwise and propagate NaN")
    func minimumMaximum() {
        let a = Tensor([1, 5, .nan, -2])
        let b = Tensor([3, 2, 0, -2])
        expectClose(Tensor.minimum(a, b), [1, 2, .nan, -2])
        expectClose(Tensor.maximum(a, b), [3, 5, .nan, -2])
        expectClose(Tensor.maximum(Tensor([-1, 0, 2]), Tensor(Float(0))), [0, 0, 2])
    }

    @Test("division by zero gives IEEE infinities; pow of a negative base is NaN")
    func ieeeEdgeCases() {
        expectClose(Tensor([1, -1, 0]) / Tensor([0, 0, 0]), [.infinity, -.infinity, .nan])
        #expect(Tensor([-8]).pow(Tensor([1.0 / 3])).item.isNaN)
    }

    @Test("ties send the gradient of minimum and maximum to the left operand")
    func tieGradients() {
        let (_, minGrads) = valueAndGradient(at: [Tensor([1, 2]), Tensor([1, 3])]) { Tensor.minimum($0[0], $0[1]).sum() }
        expectClose(minGrads[0], [1, 1])
        expectClose(minGrads[1], [0, 0])
        let (_, maxGrads) = valueAndGradient(at: [Tensor([1, 2]), Tensor([1, 3])]) { Tensor.maximum($0[0], $0[1]).sum() }
        expectClose(maxGrads[0], [1, 0])
        expectClose(maxGrads[1], [0, 1])
    }

    @Test("gradients of + and − sum back over broadcast axes", arguments: broadcastPairs.indices)
    func addSubtractGradients(pair: Int) {
        let (left, right) = Self.broadcastPairs[pair]
        let a = uniformTensor(left, seed: 1), b = uniformTensor(right, seed: 2)
        GradientCheck.expectGradientsMatch(at: [a, b]) { $0[0] + $0[1] }
        GradientCheck.expectGradientsMatch(at: [a, b]) { $0[0] - $0[1] }
    }

    @Test("gradients of × and ÷ under broadcasting", arguments: broadcastPairs.indices)
    func multiplyDivideGradients(pair: Int) {
        let (left, right) = Self.broadcastPairs[pair]
        let a = uniformTensor(left, seed: 3), b = awayFromZeroTensor(right, seed: 4, low: 0.5)
        GradientCheck.expectGradientsMatch(at: [a, b]) { $0[0] * $0[1] }
        GradientCheck.expectGradientsMatch(at: [a, b]) { $0[0] / $0[1] }
    }

    @Test("gradients of pow with respect to base and exponent", arguments: broadcastPairs.indices)
    func powerGradients(pair: Int) {
        let (left, right) = Self.broadcastPairs[pair]
        let base = uniformTensor(left, seed: 5, low: 0.5, high: 2)
        let exponent = uniformTensor(right, seed: 6, low: -1.5, high: 2)
        GradientCheck.expectGradientsMatch(at: [base, exponent]) { $0[0].pow($0[1]) }
    }

    @Test("gradients of minimum and maximum away from ties", arguments: broadcastPairs.indices)
    func minimumMaximumGradients(pair: Int) {
        let (left, right) = Self.broadcastPairs[pair]
        // One shuffled grid split between the operands: no two values are equal.
        let leftCount = Shape.elementCount(left), rightCount = Shape.elementCount(right)
        let grid = distinctTensor([leftCount + rightCount], seed: 7, spacing: 0.2).scalars
        let a = Tensor(Array(grid[..<leftCount]), shape: left)
        let b = Tensor(Array(grid[leftCount...]), shape: right)
        GradientCheck.expectGradientsMatch(at: [a, b]) { Tensor.minimum($0[0], $0[1]) }
        GradientCheck.expectGradientsMatch(at: [a, b]) { Tensor.maximum($0[0], $0[1]) }
    }

    @Test("scalar forms have the gradients of their tensor forms")
    func scalarFormGradients() {
        let x = awayFromZeroTensor([2, 3], seed: 8, low: 0.5)
        GradientCheck.expectGradientsMatch(at: x) { 2 - $0 * 3 + 1 }
        GradientCheck.expectGradientsMatch(at: x) { 1 / $0 - $0 / 4 }
    }

    @Test("a tensor used on both sides gets both contributions")
    func sharedOperand() {
        let x = uniformTensor([3, 4], seed: 9)
        GradientCheck.expectGradientsMatch(at: x) { $0 * $0 + $0 / 2 - $0 }
        let (_, gradient) = valueAndGradient(at: Tensor([1, -2, 3])) { ($0 * $0).sum() }
        expectClose(gradient, [2, -4, 6])
    }

    @Test("sumToShape reduces leading and size-1 axes")
    func sumToShape() {
        let g = Tensor.ones([2, 3, 4])
        expectClose(g.sumToShape([4]), [6, 6, 6, 6], shape: [4])
        expectClose(g.sumToShape([3, 1]), [8, 8, 8], shape: [3, 1])
        expectClose(g.sumToShape([1, 1, 1]), [24], shape: [1, 1, 1])
        expectClose(g.sumToShape([]), [24], shape: [])
    }
}
