import Testing
@testable import SynapseCore

@Suite("Reductions: sum, mean, max, min, variance, log-sum-exp, argmax")
struct ReductionTests {
    /// 0…23 as [2, 3, 4].
    static let counting = Tensor.arange(0, 24).reshaped(2, 3, 4)

    /// Axis sets (with keepDims) covering one axis, adjacent axes, non-adjacent
    /// axes, negative axes and all axes.
    static let axisSets: [([Int], Bool)] = [
        ([0], false), ([1], true), ([2], false), ([-1], true), ([0, 1], false),
        ([0, 2], true), ([0, 2], false), ([2, 0], true), ([-3, -1], false), ([0, 1, 2], true),
    ]

    @Test("sum over one axis, several axes and all elements")
    func sumValues() {
        let x = Self.counting
        expectClose(x.sum(), [276], shape: [])
        expectClose(x.sum(alongAxis: 0), (0..<12).map { Float($0 + $0 + 12) }, shape: [3, 4])
        expectClose(x.sum(alongAxis: 2), [6, 22, 38, 54, 70, 86], shape: [2, 3])
        expectClose(x.sum(alongAxis: -1, keepDims: true), [6, 22, 38, 54, 70, 86], shape: [2, 3, 1])
        expectClose(x.sum(alongAxes: [0, 1]), [60, 66, 72, 78], shape: [4])
    }

    @Test("sum over non-adjacent axes 0 and 2, with and without keepDims")
    func nonAdjacentAxes() {
        let x = Self.counting
        // Row j of axis 1 holds 4j…4j+3 and 12+4j…12+4j+3: total 32j + 60.
        expectClose(x.sum(alongAxes: [0, 2]), [60, 92, 124], shape: [3])
        expectClose(x.sum(alongAxes: [2, 0], keepDims: true), [60, 92, 124], shape: [1, 3, 1])
        expectClose(x.max(alongAxes: [0, -1]), [15, 19, 23], shape: [3])
        expectClose(x.min(alongAxes: [0, 2], keepDims: true), [0, 4, 8], shape: [1, 3, 1])
        expectClose(x.mean(alongAxes: [0, 2]), [7.5, 11.5, 15.5], shape: [3])
    }

    @Test("mean, max and min")
    func meanMaxMin() {
        let x = Tensor([[1, -5, 3], [4, 2, -6]])
        expectClose(x.mean(), [-1.0 / 6], shape: [])
        expectClose(x.mean(alongAxis: 0), [2.5, -1.5, -1.5], shape: [3])
        expectClose(x.max(), [4])
        expectClose(x.max(alongAxis: 1), [3, 4])
        expectClose(x.min(), [-6])
        expectClose(x.min(alongAxis: 0, keepDims: true), [1, -5, -6], shape: [1, 3])
    }

    @Test("variance is the population variance by default; correction 1 is unbiased")
    func varianceAndStandardDeviation() {
        let x = Tensor([[1, 2, 3, 4], [2, 2, 2, 2]])
        expectClose(x.variance(alongAxes: [1]), [1.25, 0])
        expectClose(x.variance(alongAxes: [1], correction: 1), [5.0 / 3, 0])
        expectClose(x.standardDeviation(alongAxes: [1], keepDims: true), [1.1180340, 0], shape: [2, 1])
        expectClose(Tensor([2, 4, 4, 4, 5, 5, 7, 9]).standardDeviation(), [2])
        expectClose(Tensor([2, 4, 4, 4, 5, 5, 7, 9]).variance(correction: 1), [32.0 / 7])
    }

    @Test("log-sum-exp matches the definition and is stable for large inputs")
    func logSumExpValues() {
        expectClose(Tensor([0, 0]).logSumExp(alongAxes: [0]), [0.6931472], shape: [])
        expectClose(Tensor([[1000, 1000], [1, 2]]).logSumExp(alongAxis: 1), [1000.6931, 2.3132617])
        expectClose(Tensor([[1, 2], [3, 4]]).logSumExp(alongAxis: 0, keepDims: true), [3.126928, 4.126928], shape: [1, 2])
        expectClose(Tensor([-Float.infinity, -Float.infinity]).logSumExp(alongAxes: [0]), [-.infinity])
    }

    @Test("argmax and argmin return the first extremum as int32")
    func argExtremum() {
        let x = Tensor([[1, 7, 7, 0], [5, 5, -1, -1]])
        #expect(x.argmax().intScalars == [1, 0])
        #expect(x.argmin().intScalars == [3, 2])
        #expect(x.argmax(alongAxis: 0).intScalars == [1, 0, 0, 0])
        #expect(x.argmax(alongAxis: 0).dtype == .int32)
        #expect(x.argmin(alongAxis: 1, keepDims: true).shape == [2, 1])
        #expect(Self.counting.argmax(alongAxis: 1).intScalars == [Int32](repeating: 2, count: 8))
        #expect(Tensor([1, .nan, 3]).argmax().intScalars == [1])
    }

    @Test("reducing an empty axis: sum is zero, mean is NaN")
    func emptyReductions() {
        let empty = Tensor.zeros([2, 0])
        expectClose(empty.sum(alongAxis: 1), [0, 0], shape: [2])
        #expect(empty.mean(alongAxis: 1).scalars.allSatisfy { $0.isNaN })
    }

    @Test("a reduction over no axes returns the input unchanged")
    func noAxes() {
        let x = Tensor([1, 2, 3])
        expectClose(x.sum(alongAxes: []), [1, 2, 3], shape: [3])
    }

    @Test("rows longer than one chunk sum exactly")
    func longRows() {
        // 50,000 ones span four 16,384-element chunks; every partial is exact.
        expectClose(Tensor.ones([50_000]).sum(), [50_000])
        expectClose(Tensor.ones([3, 40_000]).sum(alongAxis: 1), [40_000, 40_000, 40_000])
        expectClose(Tensor.ones([40_000, 3]).sum(alongAxis: 0), [40_000, 40_000, 40_000])
    }

    @Test("gradients of sum and mean", arguments: axisSets.indices)
    func sumMeanGradients(set: Int) {
        let (axes, keepDims) = Self.axisSets[set]
        let x = uniformTensor([2, 3, 4], seed: 31)
        GradientCheck.expectGradientsMatch(at: x) { $0.sum(alongAxes: axes, keepDims: keepDims) }
        GradientCheck.expectGradientsMatch(at: x) { $0.mean(alongAxes: axes, keepDims: keepDims) }
    }

    @Test("gradients of max and min without ties", arguments: axisSets.indices)
    func maxMinGradients(set: Int) {
        let (axes, keepDims) = Self.axisSets[set]
        let x = distinctTensor([2, 3, 4], seed: 32)
        GradientCheck.expectGradientsMatch(at: x) { $0.max(alongAxes: axes, keepDims: keepDims) }
        GradientCheck.expectGradientsMatch(at: x) { $0.min(alongAxes: axes, keepDims: keepDims) }
    }

    @Test("gradients of variance, standard deviation and log-sum-exp", arguments: axisSets.indices)
    func statisticGradients(set: Int) {
        let (axes, keepDims) = Self.axisSets[set]
        let x = uniformTensor([2, 3, 4], seed: 33, low: -2, high: 2)
        GradientCheck.expectGradientsMatch(at: x) { $0.variance(alongAxes: axes, keepDims: keepDims) }
        GradientCheck.expectGradientsMatch(at: x) { $0.variance(alongAxes: axes, keepDims: keepDims, correction: 1) }
        GradientCheck.expectGradientsMatch(at: x) { $0.logSumExp(alongAxes: axes, keepDims: keepDims) }
    }

    @Test("gradient of the standard deviation of a spread-out vector")
    func standardDeviationGradient() {
        GradientCheck.expectGradientsMatch(at: distinctTensor([2, 5], seed: 34, spacing: 0.3)) {
            $0.standardDeviation(alongAxes: [1])
        }
        GradientCheck.expectGradientsMatch(at: distinctTensor([6], seed: 35, spacing: 0.3)) {
            $0.standardDeviation(correction: 1)
        }
    }

    @Test("ties in max and min share the gradient equally, as PyTorch's amax")
    func tiedGradient() {
        let (_, maxGradient) = valueAndGradient(at: Tensor([1, 3, 3])) { $0.max() }
        expectClose(maxGradient, [0, 0.5, 0.5])
        let (_, minGradient) = valueAndGradient(at: Tensor([[2, 2], [1, 5]])) { $0.min(alongAxis: 1).sum() }
        expectClose(minGradient, [0.5, 0.5, 1, 0])
    }

    @Test("gradient of a full sum and mean of a large tensor")
    func largeGradients() {
        let (_, sumGradient) = valueAndGradient(at: Tensor.ones([300, 200])) { $0.sum() }
        #expect(sumGradient.scalars.allSatisfy { $0 == 1 })
        let (_, meanGradient) = valueAndGradient(at: Tensor.ones([300, 200])) { $0.mean() }
        #expect(meanGradient.scalars.allSatisfy { $0 == 1 / Float(60_000) })
    }
}
