import Testing
@testable import SynapseNN

@Suite("UpSampling2D, ZeroPadding2D and SpatialDropout2D")
struct ImageLayerTests {
    // MARK: UpSampling2D

    @Test("UpSampling2D repeats every row and column (nearest neighbour)")
    func upSamplingValues() {
        // One 2×2 image with two channels: pixel p has channels (p, 10·p).
        let x = Tensor([1, 10, 2, 20, 3, 30, 4, 40], shape: [1, 2, 2, 2])
        let layer = UpSampling2D()
        let output = layer(x)
        #expect(output.shape == [1, 4, 4, 2] && layer.parameters.isEmpty)
        let channel0 = stride(from: 0, to: 32, by: 2).map { output.scalars[$0] }
        #expect(channel0 == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        #expect(stride(from: 1, to: 32, by: 2).map { output.scalars[$0] } == channel0.map { $0 * 10 })
        let rectangular = UpSampling2D(size: (1, 3))(x)
        #expect(rectangular.shape == [1, 2, 6, 2])
        #expect(stride(from: 0, to: 24, by: 2).map { rectangular.scalars[$0] } == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
    }

    @Test("UpSampling2D's gradient sums the copies of each pixel", arguments: [(2, 2), (3, 1), (1, 2)])
    func upSamplingGradients(size: (Int, Int)) {
        LayerGradientCheck.expectGradientsMatch(UpSampling2D(size: size), at: NNCheck.normal([2, 3, 2, 3], seed: 301))
    }

    // MARK: ZeroPadding2D

    @Test("ZeroPadding2D adds zero rows and columns around each image, asymmetric sides included")
    func zeroPadding() {
        let x = NNCheck.uniform([2, 3, 4, 2], seed: 302, low: 1, high: 2)
        let layer = ZeroPadding2D(padding: ((1, 2), (3, 0)))
        let output = layer(x)
        #expect(output.shape == [2, 6, 7, 2] && layer.parameters.isEmpty)
        let values = output.scalars, inputs = x.scalars
        for n in 0..<2 {
            for row in 0..<6 {
                for column in 0..<7 {
                    for c in 0..<2 {
                        let value = values[((n * 6 + row) * 7 + column) * 2 + c]
                        let inside = (1..<4).contains(row) && (3..<7).contains(column)
                        let expected = inside ? inputs[((n * 3 + row - 1) * 4 + column - 3) * 2 + c] : 0
                        #expect(value == expected, "n \(n) row \(row) column \(column) channel \(c)")
                    }
                }
            }
        }
        #expect(ZeroPadding2D()(x).shape == [2, 5, 6, 2], "one pixel all round by default")
        #expect(ZeroPadding2D(2)(x).shape == [2, 7, 8, 2])
        #expect(ZeroPadding2D(padding: ((0, 0), (0, 0)))(x).scalars == x.scalars)
    }

    @Test("ZeroPadding2D's gradient is the interior of the output gradient")
    func zeroPaddingGradients() {
        LayerGradientCheck.expectGradientsMatch(ZeroPadding2D(padding: ((1, 0), (2, 1))), at: NNCheck.normal([2, 2, 3, 2], seed: 303))
        LayerGradientCheck.expectGradientsMatch(ZeroPadding2D(), at: NNCheck.normal([1, 3, 3, 2], seed: 304))
    }

    // MARK: SpatialDropout2D

    @Test("SpatialDropout2D is the identity at inference and with rate 0")
    func spatialDropoutInference() {
        let x = NNCheck.normal([2, 4, 4, 3], seed: 305)
        let layer = SpatialDropout2D(0.5, seed: 1)
        #expect(layer(x).scalars == x.scalars)
        #expect(layer(x, training: false).scalars == x.scalars)
        #expect(SpatialDropout2D(0)(x, training: true).scalars == x.scalars)
        #expect(layer.parameters.isEmpty)
    }

    @Test("training drops whole channels per sample and scales the kept ones by 1/(1-rate)", arguments: [Float(0.25), 0.5, 0.8])
    func spatialDropoutChannels(rate: Float) {
        let (n, h, w, c) = (16, 3, 4, 32)
        let x = NNCheck.uniform([n, h, w, c], seed: 306, low: 1, high: 2)
        let output = SpatialDropout2D(rate, seed: UInt64(rate * 100))(x, training: true)
        #expect(output.shape == x.shape)
        let (inputs, values) = (x.scalars, output.scalars)
        var dropped = 0
        for sample in 0..<n {
            for channel in 0..<c {
                let positions = (0..<(h * w)).map { (sample * h * w + $0) * c + channel }
                let zeros = positions.filter { values[$0] == 0 }.count
                #expect(zeros == 0 || zeros == h * w, "sample \(sample) channel \(channel): \(zeros) of \(h * w) zeros")
                if zeros == h * w {
                    dropped += 1
                } else {
                    #expect(positions.allSatisfy { Swift.abs(values[$0] - inputs[$0] / (1 - rate)) <= 1e-5 * values[$0] })
                }
            }
        }
        // 512 Bernoulli(rate) channel draws: the dropped fraction's standard deviation
        // is at most 0.022; 0.1 is more than 4.5 of them.
        let fraction = Double(dropped) / Double(n * c)
        #expect(Swift.abs(fraction - Double(rate)) < 0.1, "dropped fraction \(fraction) for rate \(rate)")
    }

    @Test("a seeded SpatialDropout2D repeats its masks; the gradient is the mask")
    func spatialDropoutSeededAndGradient() throws {
        let x = NNCheck.uniform([4, 2, 2, 8], seed: 307, low: 1, high: 2)
        let first = SpatialDropout2D(0.5, seed: 42), second = SpatialDropout2D(0.5, seed: 42)
        let a = first(x, training: true).scalars
        #expect(a == second(x, training: true).scalars)
        #expect(a != first(x, training: true).scalars, "the next call draws a new mask")

        let leaf = x.requiringGrad()
        let output = SpatialDropout2D(0.5, seed: 43)(leaf, training: true)
        output.sum().backward()
        let gradient = try #require(leaf.grad).scalars
        for (g, y) in zip(gradient, output.scalars) {
            #expect(y == 0 ? g == 0 : g == 2)
        }
    }
}
