import Testing
@testable import SynapseCore

/// Conformance of the NHWC sliding-window kernels: im2col / col2im and pooling.
extension BackendConformanceTests {
    static let windowGeometries: [WindowGeometry] = [
        WindowGeometry(inputShape: [2, 5, 6, 3], window: (3, 2), strides: (2, 1), padding: .same)!,
        WindowGeometry(inputShape: [1, 6, 6, 2], window: (2, 2), strides: (2, 2), padding: .valid)!,
        WindowGeometry(inputShape: [2, 7, 5, 1], window: (2, 2), strides: (1, 1), dilation: (2, 2), padding: .same)!,
        WindowGeometry(inputShape: [1, 4, 3, 4], window: (1, 1), strides: (1, 1), padding: .valid)!,
        WindowGeometry(inputShape: [1, 2, 2, 2], window: (3, 3), strides: (1, 1), padding: .same)!,
        WindowGeometry(inputShape: [3, 9, 8, 5], window: (3, 3), strides: (2, 3), padding: .valid)!,
    ]

    /// Calls `body(patchRow, patchColumn, inputPosition)` for every in-image tap of
    /// every window; taps on padding are skipped.
    static func forEachTap(_ g: WindowGeometry, _ body: (Int, Int, Int) -> Void) {
        for n in 0..<g.batch {
            for oh in 0..<g.outputHeight {
                for ow in 0..<g.outputWidth {
                    let row = (n * g.outputHeight + oh) * g.outputWidth + ow
                    for kh in 0..<g.windowHeight {
                        for kw in 0..<g.windowWidth {
                            let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                            let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                            guard ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth else { continue }
                            for c in 0..<g.channels {
                                body(row, (kh * g.windowWidth + kw) * g.channels + c,
                                     ((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels + c)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("im2col lays out patches as rows, zeros on padding; col2im is its adjoint",
          arguments: backendNames, windowGeometries)
    func im2colAndCol2im(name: String, geometry g: WindowGeometry) {
        let backend = Self.backend(name)
        let inputCount = Shape.elementCount(g.inputShape)
        let columnCount = g.patchCount * g.patchSize
        let x = (0..<inputCount).map { Float($0 % 17) - 8 }
        var expectedColumns = [Float](repeating: 0, count: columnCount)
        Self.forEachTap(g) { row, column, input in expectedColumns[row * g.patchSize + column] = x[input] }
        #expect(backend.floats(backend.im2col(backend.store(x), geometry: g), columnCount) == expectedColumns)

        // Small integers: sums are exact whatever the order.
        let columns = (0..<columnCount).map { Float($0 % 7) - 3 }
        var expectedImage = [Float](repeating: 0, count: inputCount)
        Self.forEachTap(g) { row, column, input in expectedImage[input] += columns[row * g.patchSize + column] }
        #expect(backend.floats(backend.col2im(backend.store(columns), geometry: g), inputCount) == expectedImage)
    }

    /// A convolution case of small integers (every sum exact whatever the order) with
    /// its output and both gradients summed over the window taps.
    struct TapSumConvolution {
        let x: [Float], kernel: [Float], gradient: [Float]
        let output: [Float], inputGradient: [Float], kernelGradient: [Float]

        init(_ g: WindowGeometry, outChannels: Int) {
            let inputCount = Shape.elementCount(g.inputShape)
            let outputCount = g.patchCount * outChannels
            let x = (0..<inputCount).map { Float($0 % 7) - 3 }
            let kernel = (0..<(g.patchSize * outChannels)).map { Float($0 % 5) - 2 }
            let gradient = (0..<outputCount).map { Float($0 % 3) - 1 }
            var output = [Float](repeating: 0, count: outputCount)
            var inputGradient = [Float](repeating: 0, count: inputCount)
            var kernelGradient = [Float](repeating: 0, count: kernel.count)
            BackendConformanceTests.forEachTap(g) { row, column, input in
                for o in 0..<outChannels {
                    output[row * outChannels + o] += x[input] * kernel[column * outChannels + o]
                    inputGradient[input] += gradient[row * outChannels + o] * kernel[column * outChannels + o]
                    kernelGradient[column * outChannels + o] += x[input] * gradient[row * outChannels + o]
                }
            }
            (self.x, self.kernel, self.gradient) = (x, kernel, gradient)
            (self.output, self.inputGradient, self.kernelGradient) = (output, inputGradient, kernelGradient)
        }
    }

    @Test("convolution (with and without a bias) and its two gradients match the sum over window taps",
          arguments: backendNames, windowGeometries)
    func convolution(name: String, geometry g: WindowGeometry) {
        let backend = Self.backend(name)
        let outChannels = 3
        let inputCount = Shape.elementCount(g.inputShape)
        let outputCount = g.patchCount * outChannels
        let reference = TapSumConvolution(g, outChannels: outChannels)
        let (x, kernel, gradient) = (reference.x, reference.kernel, reference.gradient)
        let (output, inputGradient, kernelGradient) = (reference.output, reference.inputGradient,
                                                       reference.kernelGradient)
        let (result, saved) = backend.conv2D(backend.store(x), backend.store(kernel), bias: nil, geometry: g,
                                             outChannels: outChannels)
        #expect(backend.floats(result, outputCount) == output)
        let bias: [Float] = (0..<outChannels).map { Float($0) - 1 }
        let (biased, _) = backend.conv2D(backend.store(x), backend.store(kernel), bias: backend.store(bias), geometry: g,
                                         outChannels: outChannels)
        #expect(backend.floats(biased, outputCount) == output.enumerated().map { $1 + bias[$0 % outChannels] },
                "with a bias")
        #expect(backend.floats(backend.conv2DInputGradient(backend.store(gradient), backend.store(kernel), geometry: g,
                                                           outChannels: outChannels), inputCount) == inputGradient)
        for kept in [saved, nil] {
            let computed = backend.conv2DKernelGradient(backend.store(x), backend.store(gradient), geometry: g,
                                                        outChannels: outChannels, saved: kept)
            #expect(backend.floats(computed, kernel.count) == kernelGradient, "saved state \(kept == nil ? "absent" : "reused")")
        }
    }

    @Test("max pooling takes each window's maximum and routes gradients to it",
          arguments: backendNames, windowGeometries)
    func maxPool(name: String, geometry g: WindowGeometry) {
        let backend = Self.backend(name)
        let inputCount = Shape.elementCount(g.inputShape)
        let outputCount = Shape.elementCount(g.outputShape)
        var generator = RandomGenerator(seed: 91)
        let x = generator.permutation(inputCount).map { Float($0) - Float(inputCount / 2) }   // no ties
        var expected = [Float](repeating: -.infinity, count: outputCount)
        var expectedIndices = [Int32](repeating: -1, count: outputCount)
        Self.forEachTap(g) { row, column, input in
            let output = row * g.channels + column % g.channels
            if x[input] > expected[output] { expected[output] = x[input]; expectedIndices[output] = Int32(input) }
        }
        let (output, indices) = backend.maxPool2D(backend.store(x), geometry: g)
        #expect(backend.floats(output, outputCount) == expected)
        #expect(backend.ints(indices, outputCount) == expectedIndices)

        let upstream = (0..<outputCount).map { Float($0 % 5) - 2 }
        var expectedGradient = [Float](repeating: 0, count: inputCount)
        for (value, index) in zip(upstream, expectedIndices) where index >= 0 { expectedGradient[Int(index)] += value }
        let gradient = backend.maxPool2DBackward(backend.store(upstream), indices: backend.store(expectedIndices), geometry: g)
        #expect(backend.floats(gradient, inputCount) == expectedGradient)
    }

    @Test("average pooling divides by the taps inside the image and spreads gradients evenly",
          arguments: backendNames, windowGeometries)
    func averagePool(name: String, geometry g: WindowGeometry) {
        let backend = Self.backend(name)
        let inputCount = Shape.elementCount(g.inputShape)
        let outputCount = Shape.elementCount(g.outputShape)
        let x = (0..<inputCount).map { Float($0 % 11) * 0.25 - 1 }
        var sums = [Double](repeating: 0, count: outputCount)
        var taps = [Int](repeating: 0, count: outputCount)
        Self.forEachTap(g) { row, column, input in
            let output = row * g.channels + column % g.channels
            sums[output] += Double(x[input])
            taps[output] += 1
        }
        let expected = zip(sums, taps).map { Float($0 / Double(Swift.max($1, 1))) }
        expectClose(backend.floats(backend.averagePool2D(backend.store(x), geometry: g), outputCount), expected,
                    absolute: 1e-6, relative: 1e-6)

        let upstream = (0..<outputCount).map { Float($0 % 5) - 2 }
        var expectedGradient = [Double](repeating: 0, count: inputCount)
        Self.forEachTap(g) { row, column, input in
            let output = row * g.channels + column % g.channels
            expectedGradient[input] += Double(upstream[output]) / Double(taps[output])
        }
        expectClose(backend.floats(backend.averagePool2DBackward(backend.store(upstream), geometry: g), inputCount),
                    expectedGradient.map { Float($0) }, absolute: 1e-6, relative: 1e-6)
    }
}
