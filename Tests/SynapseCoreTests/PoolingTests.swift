import Testing
@testable import SynapseCore

@Suite("Pooling")
struct PoolingTests {
    private func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal(shape, generator: &generator)
    }

    @Test("max pooling picks the window maximum per channel")
    func maxValues() {
        // One 4×4 image, 2 channels: channel 1 is channel 0 negated.
        let plane: [Float] = (0..<16).map { Float($0) }
        let x = Tensor(zip(plane, plane.map { -$0 }).flatMap { [$0, $1] }, shape: [1, 4, 4, 2])
        let y = x.maxPool2D()
        #expect(y.shape == [1, 2, 2, 2])
        #expect(y.scalars == [5, 0, 7, -2, 13, -8, 15, -10])
    }

    @Test("max pooling propagates NaN as PyTorch does: a window holding a NaN gives NaN, and its gradient goes there")
    func maxPropagatesNaN() {
        // Windows: [1, NaN, 3, 4] → NaN (the NaN after a smaller value), [NaN, 9, 2, 0] → NaN
        // (the NaN first, a larger value after), [5, 6, 7, 8] → 8.
        let x = Tensor([1, .nan, 3, 4, .nan, 9, 2, 0, 5, 6, 7, 8], shape: [3, 2, 2, 1]).requiringGrad()
        let y = x.maxPool2D()
        #expect(y.scalars[0].isNaN && y.scalars[1].isNaN && y.scalars[2] == 8)
        y.sum().backward()
        let gradient = x.grad!.scalars
        #expect(gradient == [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test("average pooling with 'same' padding does not count padded positions")
    func averageSame() {
        let x = Tensor((1...9).map(Float.init), shape: [1, 3, 3, 1])
        let y = x.averagePool2D(poolSize: (2, 2), strides: (2, 2), padding: .same)
        #expect(y.shape == [1, 2, 2, 1])
        #expect(y.scalars == [3, 4.5, 7.5, 9])
    }

    @Test("max pooling gradient goes to the maximum only")
    func maxGradientRouting() {
        let x = Tensor([1, 9, 3, 4], shape: [1, 2, 2, 1]).requiringGrad()
        x.maxPool2D().sum().backward()
        #expect(x.grad!.scalars == [0, 1, 0, 0])
    }

    @Test("pooling gradients match finite differences", arguments: [
        ((2, 2), (2, 2), WindowGeometry.Padding.valid), ((3, 3), (2, 2), .same), ((2, 3), (1, 2), .valid), ((3, 3), (1, 1), .same),
    ])
    func gradients(_ pool: (Int, Int), _ strides: (Int, Int), _ padding: WindowGeometry.Padding) {
        // Distinct values keep max pooling away from ties (where it is not differentiable).
        var values = (0..<(2 * 5 * 6 * 3)).map { Float($0) * 0.37 }
        var generator = RandomGenerator(seed: 12)
        for index in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(index, generator.nextInt(below: index + 1)) }
        let x = Tensor(values, shape: [2, 5, 6, 3])
        GradientCheck.expectGradientsMatch(at: [x]) { $0[0].maxPool2D(poolSize: pool, strides: strides, padding: padding) }
        GradientCheck.expectGradientsMatch(at: [random([2, 5, 6, 3], seed: 13)]) {
            $0[0].averagePool2D(poolSize: pool, strides: strides, padding: padding)
        }
    }
}
