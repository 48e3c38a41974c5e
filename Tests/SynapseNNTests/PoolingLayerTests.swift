import Testing
@testable import SynapseNN

/// Distinct values (a shuffled ramp) so max pooling has no ties within `h` of each
/// other, where it is not differentiable.
private func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
    let count = shape.reduce(1, *)
    var values = (0..<count).map { Float($0 - count / 2) * 0.1 }
    var generator = RandomGenerator(seed: seed)
    for index in stride(from: count - 1, to: 0, by: -1) { values.swapAt(index, generator.nextInt(below: index + 1)) }
    return Tensor(values, shape: shape)
}

@Suite("Pooling layers")
struct PoolingLayerTests {
    /// One 4×4 image with two channels: channel 1 is channel 0 negated.
    static let image: Tensor = {
        let plane = (0..<16).map(Float.init)
        return Tensor(zip(plane, plane.map { -$0 }).flatMap { [$0, $1] }, shape: [1, 4, 4, 2])
    }()

    @Test("MaxPooling2D(2) keeps each 2×2 window's maximum per channel and has no parameters")
    func maxPoolingValues() {
        let layer = MaxPooling2D(2)
        let output = layer(Self.image)
        #expect(output.shape == [1, 2, 2, 2])
        #expect(output.scalars == [5, 0, 7, -2, 13, -8, 15, -10])
        #expect(layer.parameters.isEmpty && layer.outputShape == [2, 2, 2])
        #expect(MaxPooling2D().poolSize == (2, 2) && MaxPooling2D().strides == nil && MaxPooling2D().padding == .valid)
    }

    @Test("AveragePooling2D(2) averages each 2×2 window per channel")
    func averagePoolingValues() {
        let output = AveragePooling2D(2)(Self.image)
        #expect(output.shape == [1, 2, 2, 2])
        // Window (0,0): 0, 1, 4, 5 → 2.5.
        NNCheck.expectClose(output, [2.5, -2.5, 4.5, -4.5, 10.5, -10.5, 12.5, -12.5], "average pool")
    }

    @Test("'same' average pooling divides by the pixels inside the image only (Keras)")
    func averageSameExcludesPadding() {
        let x = Tensor((1...9).map(Float.init), shape: [1, 3, 3, 1])
        let output = AveragePooling2D(2, padding: .same)(x)
        #expect(output.shape == [1, 2, 2, 1])
        // Windows {1,2,4,5}, {3,6}, {7,8}, {9}: the odd pixel of padding goes after.
        NNCheck.expectClose(output, [3, 4.5, 7.5, 9], "same average pool")
        #expect(MaxPooling2D(2, padding: .same)(x).scalars == [5, 6, 8, 9])
    }

    @Test("output shapes follow Keras for pool size, strides and padding", arguments: [
        (2, nil, Padding.valid, [3, 3]), (2, nil, .same, [4, 4]), (3, 2, .valid, [3, 3]), (3, 1, .same, [7, 7]),
        (3, nil, .valid, [2, 2]), (2, 1, .valid, [6, 6]),
    ] as [(Int, Int?, Padding, [Int])])
    func shapes(pool: Int, stride: Int?, padding: Padding, spatial: [Int]) {
        let x = Tensor.zeros([2, 7, 7, 3])
        #expect(MaxPooling2D(pool, strides: stride, padding: padding)(x).shape == [2] + spatial + [3])
        #expect(AveragePooling2D(pool, strides: stride, padding: padding)(x).shape == [2] + spatial + [3])
    }

    @Test("pooling gradients match finite differences", arguments: [
        ((2, 2), nil, Padding.valid), ((3, 3), (2, 2), .same), ((2, 3), (1, 2), .valid), ((3, 3), (1, 1), .same),
        ((2, 2), nil, .same),
    ] as [((Int, Int), (Int, Int)?, Padding)])
    func gradients(pool: (Int, Int), strides: (Int, Int)?, padding: Padding) {
        LayerGradientCheck.expectGradientsMatch(MaxPooling2D(poolSize: pool, strides: strides, padding: padding),
                                                at: distinct([2, 5, 6, 3], seed: 21))
        LayerGradientCheck.expectGradientsMatch(AveragePooling2D(poolSize: pool, strides: strides, padding: padding),
                                                at: NNCheck.normal([2, 5, 6, 3], seed: 22))
    }

    @Test("GlobalAveragePooling2D and GlobalMaxPooling2D reduce H and W per channel")
    func globalValues() {
        let average = GlobalAveragePooling2D()(Self.image)
        #expect(average.shape == [1, 2])
        NNCheck.expectClose(average, [7.5, -7.5], "global average")
        let maximum = GlobalMaxPooling2D()(Self.image)
        #expect(maximum.shape == [1, 2] && maximum.scalars == [15, 0])
        #expect(GlobalAveragePooling2D(keepDims: true)(Self.image).shape == [1, 1, 1, 2])
        #expect(GlobalMaxPooling2D(keepDims: true)(Self.image).shape == [1, 1, 1, 2])
        #expect(GlobalAveragePooling2D().parameters.isEmpty && GlobalMaxPooling2D().parameters.isEmpty)
        let batch = NNCheck.normal([3, 4, 5, 6], seed: 23)
        NNCheck.expectClose(GlobalAveragePooling2D()(batch), batch.mean(alongAxes: [1, 2]), "batch mean")
        #expect(GlobalMaxPooling2D()(batch).scalars == batch.max(alongAxes: [1, 2]).scalars)
    }

    @Test("global pooling gradients match finite differences")
    func globalGradients() {
        LayerGradientCheck.expectGradientsMatch(GlobalAveragePooling2D(), at: NNCheck.normal([2, 3, 4, 3], seed: 24))
        LayerGradientCheck.expectGradientsMatch(GlobalAveragePooling2D(keepDims: true), at: NNCheck.normal([2, 3, 4, 3], seed: 25))
        LayerGradientCheck.expectGradientsMatch(GlobalMaxPooling2D(), at: distinct([2, 3, 4, 3], seed: 26))
        LayerGradientCheck.expectGradientsMatch(GlobalMaxPooling2D(keepDims: true), at: distinct([2, 3, 4, 3], seed: 27))
    }
}
