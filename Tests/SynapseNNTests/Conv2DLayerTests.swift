import Testing
@testable import SynapseNN

/// Direct NHWC cross-correlation with Keras' "same" rule (the odd padding pixel
/// after), the definition the layers must reproduce.
private func referenceConv2D(_ x: Tensor, _ kernel: Tensor, strides: (Int, Int), padding: Padding,
                             dilation: (Int, Int)) -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (kh, kw, out) = (kernel.shape[0], kernel.shape[1], kernel.shape[3])
    let (effectiveH, effectiveW) = ((kh - 1) * dilation.0 + 1, (kw - 1) * dilation.1 + 1)
    let (oh, ow, top, left): (Int, Int, Int, Int)
    switch padding {
    case .valid:
        (oh, ow, top, left) = ((h - effectiveH) / strides.0 + 1, (w - effectiveW) / strides.1 + 1, 0, 0)
    case .same:
        let (sameH, sameW) = ((h + strides.0 - 1) / strides.0, (w + strides.1 - 1) / strides.1)
        (oh, ow) = (sameH, sameW)
        top = Swift.max((sameH - 1) * strides.0 + effectiveH - h, 0) / 2
        left = Swift.max((sameW - 1) * strides.1 + effectiveW - w, 0) / 2
    case .causal:
        (oh, ow) = ((h + strides.0 - 1) / strides.0, (w + strides.1 - 1) / strides.1)
        (top, left) = (effectiveH - 1, effectiveW - 1)
    }
    let xs = x.scalars, ks = kernel.scalars
    var result = [Float](repeating: 0, count: n * oh * ow * out)
    for b in 0..<n {
        for i in 0..<oh {
            for j in 0..<ow {
                for o in 0..<out {
                    var sum: Float = 0
                    for u in 0..<kh {
                        for v in 0..<kw {
                            let (row, column) = (i * strides.0 - top + u * dilation.0, j * strides.1 - left + v * dilation.1)
                            guard row >= 0, row < h, column >= 0, column < w else { continue }
                            for k in 0..<c {
                                sum += xs[((b * h + row) * w + column) * c + k] * ks[((u * kw + v) * c + k) * out + o]
                            }
                        }
                    }
                    result[((b * oh + i) * ow + j) * out + o] = sum
                }
            }
        }
    }
    return Tensor(result, shape: [n, oh, ow, out])
}

@Suite("Conv2D, Conv1D and Conv2DTranspose layers")
struct Conv2DLayerTests {
    @Test("Conv2D(32, 3×3) on one channel has a [3, 3, 1, 32] kernel and 32 biases: 320 parameters")
    func parameterCount() {
        let layer = Conv2D(32, kernelSize: 3)
        #expect(layer(Tensor.zeros([1, 28, 28, 1])).shape == [1, 26, 26, 32])
        #expect(layer.parameterCount == 320 && layer.trainableParameterCount == 320)
        #expect(layer.namedParameters.map(\.name) == ["conv2d.kernel", "conv2d.bias"])
        #expect(layer.kernel.shape == [3, 3, 1, 32] && layer.bias?.shape == [32])
        let noBias = Conv2D(8, kernelSize: (3, 2), useBias: false)
        _ = noBias(Tensor.zeros([1, 6, 6, 3]))
        #expect(noBias.parameterCount == 3 * 2 * 3 * 8 && noBias.bias == nil)
        #expect(noBias.namedParameters.map(\.name) == ["conv2d.kernel"])
    }

    @Test("output shapes follow Keras for padding, strides and dilation", arguments: [
        (Padding.valid, 1, 1, [26, 26]), (.same, 1, 1, [28, 28]), (.valid, 2, 1, [13, 13]), (.same, 2, 1, [14, 14]),
        (.same, 3, 1, [10, 10]), (.valid, 1, 2, [24, 24]), (.same, 1, 3, [28, 28]),
    ])
    func shapes(padding: Padding, stride: Int, dilation: Int, spatial: [Int]) {
        let layer = Conv2D(4, kernelSize: 3, strides: stride, padding: padding, dilationRate: dilation)
        #expect(layer(Tensor.zeros([2, 28, 28, 3])).shape == [2] + spatial + [4])
        #expect(layer.outputShape == spatial + [4] && layer.inputShape == [28, 28, 3])
    }

    @Test("Keras defaults: glorot-uniform kernel over the receptive field, zero bias, stride 1, 'valid'")
    func kerasDefaults() {
        let layer = Conv2D(16, kernelSize: 3, kernelInitializer: .glorotUniform(seed: 3))
        #expect(layer.strides == (1, 1) && layer.padding == .valid && layer.dilationRate == (1, 1))
        #expect(layer.activation == .linear && layer.useBias)
        _ = layer(Tensor.zeros([1, 5, 5, 2]))
        // fanIn = 3·3·2 = 18, fanOut = 3·3·16 = 144: limit √(6 / 162).
        let limit = (6.0 / 162.0).squareRoot()
        let magnitudes = layer.kernel.value.scalars.map { Double(Swift.abs($0)) }
        #expect(magnitudes.allSatisfy { $0 <= limit })
        #expect((magnitudes.max() ?? 0) > 0.9 * limit, "288 uniform draws reach near the limit")
        #expect(layer.bias?.value.scalars == [Float](repeating: 0, count: 16))
    }

    @Test("Conv2D computes activation(conv(x, kernel) + bias) with Keras 'same' padding", arguments: [
        ((1, 1), Padding.valid, (1, 1)), ((2, 2), .same, (1, 1)), ((1, 1), .same, (2, 2)), ((2, 1), .valid, (1, 1)),
    ])
    func forward(strides: (Int, Int), padding: Padding, dilation: (Int, Int)) {
        let layer = Conv2D(3, kernelSize: (3, 2), strides: strides, padding: padding, dilationRate: dilation,
                           activation: .relu)
        let x = NNCheck.normal([2, 6, 7, 2], seed: 101)
        _ = layer(x)
        let kernel = NNCheck.normal([3, 2, 2, 3], seed: 102)
        let bias = Tensor([0.5, -0.25, 0.1])
        layer.kernel.assign(kernel)
        layer.bias?.assign(bias)
        let linear = referenceConv2D(x, kernel, strides: strides, padding: padding, dilation: dilation) + bias
        NNCheck.expectClose(layer(x), linear.relu(), absolute: 1e-4, relative: 1e-4, "Conv2D")
    }

    @Test("Conv2D gradients (input, kernel, bias) match finite differences", arguments: [
        ((1, 1), Padding.valid, (1, 1)), ((2, 2), .same, (1, 1)), ((2, 1), .valid, (1, 1)),
        ((1, 1), .same, (2, 2)), ((1, 1), .valid, (2, 1)),
    ])
    func conv2DGradients(strides: (Int, Int), padding: Padding, dilation: (Int, Int)) {
        let layer = Conv2D(3, kernelSize: (3, 2), strides: strides, padding: padding, dilationRate: dilation,
                           activation: .tanh, kernelInitializer: .glorotUniform(seed: 7))
        let x = NNCheck.normal([2, 6, 5, 2], seed: 103)
        _ = layer(x)
        layer.bias?.assign(Tensor([0.1, -0.2, 0.3]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }

    @Test("a stride above 1 together with a dilation above 1 is refused (as Keras)")
    func stridesWithDilation() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2D(4, kernelSize: 3, strides: 2, dilationRate: 2)
        }
        #expect(NNCheck.standardError(result).contains("strides > 1 with dilationRate > 1"))
    }

    // MARK: Conv1D

    @Test("Conv1D maps [batch, steps, in] to [batch, outSteps, filters] with a [k, in, filters] kernel")
    func conv1DShapes() {
        let layer = Conv1D(5, kernelSize: 3)
        #expect(layer(Tensor.zeros([2, 10, 4])).shape == [2, 8, 5])
        #expect(layer.kernel.shape == [3, 4, 5] && layer.bias?.shape == [5])
        #expect(layer.parameterCount == 3 * 4 * 5 + 5)
        #expect(layer.namedParameters.map(\.name) == ["conv1d.kernel", "conv1d.bias"])
        #expect(Conv1D(5, kernelSize: 3, padding: .same)(Tensor.zeros([2, 10, 4])).shape == [2, 10, 5])
        #expect(Conv1D(5, kernelSize: 3, strides: 2)(Tensor.zeros([2, 10, 4])).shape == [2, 4, 5])
        #expect(Conv1D(5, kernelSize: 3, strides: 2, padding: .same)(Tensor.zeros([2, 10, 4])).shape == [2, 5, 5])
        #expect(Conv1D(5, kernelSize: 3, dilationRate: 3)(Tensor.zeros([2, 10, 4])).shape == [2, 4, 5])
    }

    @Test("Conv1D equals a 2-D convolution of a one-row image", arguments: [
        (1, Padding.valid, 1), (2, .same, 1), (1, .same, 2), (3, .valid, 1), (1, .causal, 2), (2, .causal, 1),
    ])
    func conv1DForward(stride: Int, padding: Padding, dilation: Int) {
        let layer = Conv1D(3, kernelSize: 3, strides: stride, padding: padding, dilationRate: dilation)
        let x = NNCheck.normal([2, 9, 2], seed: 104)
        _ = layer(x)
        let kernel = NNCheck.normal([3, 2, 3], seed: 105)
        layer.kernel.assign(kernel)
        layer.bias?.assign(Tensor([1, 2, 3]))
        let expected = referenceConv2D(x.reshaped(to: [2, 1, 9, 2]), kernel.reshaped(to: [1, 3, 2, 3]),
                                       strides: (1, stride), padding: padding, dilation: (1, dilation))
        let output = layer(x)
        #expect(output.shape == [2, expected.shape[2], 3])
        NNCheck.expectClose(output, (expected + Tensor([1, 2, 3])).scalars, absolute: 1e-4, relative: 1e-4, "Conv1D")
    }

    @Test("Conv1D gradients match finite differences", arguments: [(1, Padding.valid, 1), (2, .same, 1), (1, .same, 2)])
    func conv1DGradients(stride: Int, padding: Padding, dilation: Int) {
        let layer = Conv1D(2, kernelSize: 3, strides: stride, padding: padding, dilationRate: dilation,
                           activation: .tanh, kernelInitializer: .glorotUniform(seed: 8))
        let x = NNCheck.normal([2, 7, 3], seed: 106)
        _ = layer(x)
        layer.bias?.assign(Tensor([0.2, -0.1]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }

    @Test("Causal Conv1D keeps the length and never looks ahead; its gradients match finite differences",
          arguments: [(1, 1), (1, 2), (2, 1)])
    func causalConv1D(stride: Int, dilation: Int) {
        let layer = Conv1D(2, kernelSize: 3, strides: stride, padding: .causal, dilationRate: dilation,
                           activation: .tanh, kernelInitializer: .glorotUniform(seed: 9))
        let x = NNCheck.normal([2, 8, 3], seed: 107)
        let output = layer(x)
        #expect(output.shape == [2, (8 + stride - 1) / stride, 2])
        // Changing step 6 of the first sequence changes no output before it (output i
        // ends its window at step i·stride) and changes the one at step 6.
        var changed = x.scalars
        for channel in 0..<3 { changed[6 * 3 + channel] += 5 }
        let moved = layer(Tensor(changed, shape: [2, 8, 3]))
        let stepsBefore = (6 + stride - 1) / stride   // outputs whose windows end before step 6
        let width = 2
        #expect(Array(moved.scalars[0..<(stepsBefore * width)]) == Array(output.scalars[0..<(stepsBefore * width)]))
        #expect(moved.scalars != output.scalars)
        layer.bias?.assign(Tensor([0.2, -0.1]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }

    @Test("Causal padding is refused by the 2-D layers and read from Conv1D configs only")
    func causalOnlyForConv1D() throws {
        var config = Conv1D(2, kernelSize: 3, padding: .causal).config
        #expect(try Conv1D(config: config).padding == .causal)
        config = Conv2D(2, kernelSize: 3).config
        config["padding"] = .string("causal")
        #expect(throws: ModelFileError.self) { try Conv2D(config: config) }
    }

    // MARK: Conv2DTranspose

    @Test("Conv2DTranspose output sizes follow Keras and its kernel is [kh, kw, filters, in]")
    func transposeShapes() {
        let same = Conv2DTranspose(6, kernelSize: 3, strides: 2, padding: .same)
        #expect(same(Tensor.zeros([2, 7, 5, 4])).shape == [2, 14, 10, 6])
        #expect(same.kernel.shape == [3, 3, 6, 4] && same.bias?.shape == [6])
        #expect(same.parameterCount == 3 * 3 * 6 * 4 + 6)
        #expect(same.namedParameters.map(\.name) == ["conv2d_transpose.kernel", "conv2d_transpose.bias"])
        // "valid": (in − 1)·stride + max(kernel, stride).
        #expect(Conv2DTranspose(6, kernelSize: 3, strides: 2)(Tensor.zeros([2, 7, 5, 4])).shape == [2, 15, 11, 6])
        #expect(Conv2DTranspose(6, kernelSize: 3)(Tensor.zeros([2, 7, 5, 4])).shape == [2, 9, 7, 6])
        #expect(Conv2DTranspose(6, kernelSize: 2, strides: 2)(Tensor.zeros([1, 7, 5, 4])).shape == [1, 14, 10, 6])
        #expect(Conv2DTranspose(6, kernelSize: 1, strides: 2)(Tensor.zeros([1, 7, 5, 4])).shape == [1, 14, 10, 6])
    }

    @Test("Conv2DTranspose undoes the shape of the matching Conv2D (stride 2, 'same')")
    func transposeInvertsShape() {
        let down = Conv2D(8, kernelSize: 3, strides: 2, padding: .same)
        let up = Conv2DTranspose(3, kernelSize: 3, strides: 2, padding: .same)
        let x = Tensor.zeros([1, 12, 16, 3])
        #expect(up(down(x)).shape == x.shape)
    }

    @Test("Conv2DTranspose gradients match finite differences", arguments: [
        ((2, 2), Padding.same), ((2, 2), .valid), ((1, 1), .same), ((2, 1), .valid),
    ])
    func transposeGradients(strides: (Int, Int), padding: Padding) {
        let layer = Conv2DTranspose(2, kernelSize: (3, 2), strides: strides, padding: padding, activation: .tanh,
                                    kernelInitializer: .glorotUniform(seed: 9))
        let x = NNCheck.normal([2, 3, 3, 3], seed: 107)
        _ = layer(x)
        layer.bias?.assign(Tensor([0.3, -0.3]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }

    @Test("Conv2DTranspose with output padding or dilation: Keras' sizes, gradients match finite differences", arguments: [
        ((2, 2), Padding.same, (1, 1) as (Int, Int)?, (1, 1)), ((2, 2), .valid, (1, 0), (1, 1)),
        ((1, 1), .same, nil, (2, 2)), ((1, 1), .valid, nil, (2, 1)),
    ])
    func transposePaddingAndDilation(strides: (Int, Int), padding: Padding, outputPadding: (Int, Int)?, dilation: (Int, Int)) throws {
        let layer = Conv2DTranspose(2, kernelSize: (3, 2), strides: strides, padding: padding, outputPadding: outputPadding,
                                    dilationRate: dilation, activation: .tanh, kernelInitializer: .glorotUniform(seed: 10))
        let x = NNCheck.normal([2, 3, 3, 3], seed: 108)
        let output = layer(x)
        let expected = [(3, 3, 0), (3, 2, 1)].map { input, window, axis in
            Tensor.conv2DTransposeOutputSize(input: input, window: window, stride: axis == 0 ? strides.0 : strides.1,
                                             dilation: axis == 0 ? dilation.0 : dilation.1, padding: padding,
                                             outputPadding: outputPadding.map { axis == 0 ? $0.0 : $0.1 })
        }
        #expect(output.shape == [2] + expected + [2])
        #expect(try layer.inferShapes(inputShape: [3, 3, 3])?.output == expected + [2])
        layer.bias?.assign(Tensor([0.3, -0.3]))
        LayerGradientCheck.expectGradientsMatch(layer, at: x)
    }

    @Test("Keras' size rule for transposed convolutions")
    func transposeSizeRule() {
        // (5 − 1)·2 + 3 − 2·1 + 1 = 10 ("same", output padding 1); 5·2 = 10 without.
        #expect(Tensor.conv2DTransposeOutputSize(input: 5, window: 3, stride: 2, dilation: 1, padding: .same, outputPadding: 1) == 10)
        #expect(Tensor.conv2DTransposeOutputSize(input: 5, window: 3, stride: 2, dilation: 1, padding: .valid, outputPadding: 1) == 12)
        #expect(Tensor.conv2DTransposeOutputSize(input: 4, window: 3, stride: 1, dilation: 2, padding: .valid, outputPadding: nil) == 8)
        #expect(Tensor.conv2DTransposeOutputSize(input: 6, window: 4, stride: 2, dilation: 1, padding: .same, outputPadding: 1) == 11)
    }
}
