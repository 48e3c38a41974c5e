import Testing
@testable import SynapseCore

/// Direct NHWC cross-correlation, the definition the GEMM path must reproduce.
private func referenceConv2D(_ x: Tensor, _ kernel: Tensor, strides: (Int, Int), padding: WindowGeometry.Padding,
                             dilation: (Int, Int)) -> Tensor {
    let g = WindowGeometry(inputShape: x.shape, window: (kernel.shape[0], kernel.shape[1]), strides: strides,
                           dilation: dilation, padding: padding)!
    let outChannels = kernel.shape[3]
    let xs = x.scalars, ks = kernel.scalars
    var out = [Float](repeating: 0, count: g.batch * g.outputHeight * g.outputWidth * outChannels)
    for n in 0..<g.batch {
        for oh in 0..<g.outputHeight {
            for ow in 0..<g.outputWidth {
                for o in 0..<outChannels {
                    var sum: Float = 0
                    for kh in 0..<g.windowHeight {
                        for kw in 0..<g.windowWidth {
                            let ih = oh * strides.0 - g.padTop + kh * dilation.0
                            let iw = ow * strides.1 - g.padLeft + kw * dilation.1
                            guard ih >= 0, ih < g.inputHeight, iw >= 0, iw < g.inputWidth else { continue }
                            for c in 0..<g.channels {
                                sum += xs[((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels + c]
                                    * ks[((kh * g.windowWidth + kw) * g.channels + c) * outChannels + o]
                            }
                        }
                    }
                    out[((n * g.outputHeight + oh) * g.outputWidth + ow) * outChannels + o] = sum
                }
            }
        }
    }
    return Tensor(out, shape: [g.batch, g.outputHeight, g.outputWidth, outChannels])
}

private func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.randomNormal(shape, generator: &generator)
}

@Suite("Convolution")
struct ConvolutionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: [Int], kernel: [Int], strides: (Int, Int), padding: WindowGeometry.Padding, dilation: (Int, Int)
        var testDescription: String { "\(input) * \(kernel) strides \(strides) \(padding) dilation \(dilation)" }
    }

    static let cases: [Case] = [
        Case(input: [2, 5, 5, 3], kernel: [3, 3, 3, 4], strides: (1, 1), padding: .valid, dilation: (1, 1)),
        Case(input: [2, 5, 5, 3], kernel: [3, 3, 3, 4], strides: (1, 1), padding: .same, dilation: (1, 1)),
        Case(input: [1, 7, 6, 2], kernel: [3, 2, 2, 3], strides: (2, 2), padding: .same, dilation: (1, 1)),
        Case(input: [1, 7, 7, 2], kernel: [3, 3, 2, 2], strides: (2, 1), padding: .valid, dilation: (1, 1)),
        Case(input: [1, 7, 7, 2], kernel: [3, 3, 2, 2], strides: (1, 1), padding: .valid, dilation: (2, 2)),
        Case(input: [1, 6, 6, 2], kernel: [2, 2, 2, 3], strides: (1, 1), padding: .same, dilation: (2, 1)),
        Case(input: [2, 4, 4, 3], kernel: [1, 1, 3, 5], strides: (1, 1), padding: .valid, dilation: (1, 1)),
    ]

    @Test("conv2D equals the direct definition", arguments: cases)
    func matchesReference(_ c: Case) {
        let x = random(c.input, seed: 1), k = random(c.kernel, seed: 2)
        let got = x.conv2D(k, strides: c.strides, padding: c.padding, dilation: c.dilation)
        let expected = referenceConv2D(x, k, strides: c.strides, padding: c.padding, dilation: c.dilation)
        #expect(got.shape == expected.shape)
        let worst = zip(got.scalars, expected.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-4)
    }

    @Test("conv2D gradients match finite differences", arguments: cases)
    func gradients(_ c: Case) {
        GradientCheck.expectGradientsMatch(at: [random(c.input, seed: 3), random(c.kernel, seed: 4)]) { t in
            t[0].conv2D(t[1], strides: c.strides, padding: c.padding, dilation: c.dilation)
        }
    }

    @Test("conv2D with a bias adds it per output channel, and its gradients match finite differences",
          arguments: cases)
    func biasGradients(_ c: Case) {
        let x = random(c.input, seed: 5), k = random(c.kernel, seed: 6), b = random([c.kernel[3]], seed: 7)
        let unbiased = x.conv2D(k, strides: c.strides, padding: c.padding, dilation: c.dilation)
        expectClose(x.conv2D(k, bias: b, strides: c.strides, padding: c.padding, dilation: c.dilation),
                    unbiased + b, absolute: 1e-5, relative: 1e-5)
        GradientCheck.expectGradientsMatch(at: [x, k, b]) { t in
            t[0].conv2D(t[1], bias: t[2], strides: c.strides, padding: c.padding, dilation: c.dilation)
        }
    }

    @Test("'same' padding keeps the spatial size at stride 1 and divides it (rounding up) at stride 2")
    func samePaddingShapes() {
        #expect(Tensor.zeros([1, 28, 28, 1]).conv2D(Tensor.zeros([3, 3, 1, 8]), padding: .same).shape == [1, 28, 28, 8])
        #expect(Tensor.zeros([1, 7, 7, 1]).conv2D(Tensor.zeros([3, 3, 1, 2]), strides: (2, 2), padding: .same).shape == [1, 4, 4, 2])
        #expect(Tensor.zeros([1, 28, 28, 1]).conv2D(Tensor.zeros([3, 3, 1, 8])).shape == [1, 26, 26, 8])
    }

    @Test("patches and foldingPatches are adjoint: <P x, y> = <x, Pᵀ y>")
    func adjoint() {
        let g = WindowGeometry(inputShape: [2, 5, 4, 3], window: (3, 2), strides: (2, 1), dilation: (1, 2), padding: .same)!
        let x = random(g.inputShape, seed: 5)
        let y = random([g.patchCount, g.patchSize], seed: 6)
        let left = (x.patches(g) * y).sum().item
        let right = (x * y.foldingPatches(g)).sum().item
        #expect(Swift.abs(left - right) < 1e-3 * Swift.max(1, Swift.abs(left)))
    }

    @Test("conv2DTranspose is the adjoint of conv2D with the same kernel", arguments: [
        (WindowGeometry.Padding.valid, (1, 1)), (.valid, (2, 2)), (.same, (2, 2)), (.same, (1, 1)),
    ])
    func transposeIsAdjoint(_ padding: WindowGeometry.Padding, _ strides: (Int, Int)) {
        // conv2D maps [1, H, W, 2] → [1, h, w, 3]; its transpose maps back. H is chosen
        // so that no row is dropped by the stride (7 for "valid", 8 for "same").
        let kernel = random([3, 3, 2, 3], seed: 7)
        let size = padding == .valid ? 7 : 8
        let x = random([1, size, size, 2], seed: 8)
        let y = x.conv2D(kernel, strides: strides, padding: padding)
        let z = random(y.shape, seed: 9)
        // Transposed conv takes kernel [kh, kw, out=2, in=3].
        let back = z.conv2DTranspose(kernel, strides: strides, padding: padding)
        #expect(back.shape == x.shape)
        let left = (y * z).sum().item
        let right = (x * back).sum().item
        #expect(Swift.abs(left - right) < 1e-3 * Swift.max(1, Swift.abs(left)))
    }

    @Test("conv2DTranspose output sizes follow Keras")
    func transposeShapes() {
        let x = Tensor.zeros([2, 4, 5, 3])
        #expect(x.conv2DTranspose(Tensor.zeros([3, 3, 6, 3]), strides: (2, 2), padding: .same).shape == [2, 8, 10, 6])
        #expect(x.conv2DTranspose(Tensor.zeros([3, 3, 6, 3]), strides: (2, 2), padding: .valid).shape == [2, 9, 11, 6])
    }

    @Test("conv2DTranspose gradients match finite differences")
    func transposeGradients() {
        GradientCheck.expectGradientsMatch(at: [random([1, 3, 3, 2], seed: 10), random([3, 3, 4, 2], seed: 11)]) { t in
            t[0].conv2DTranspose(t[1], strides: (2, 2), padding: .same)
        }
    }
}
