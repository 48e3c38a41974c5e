import Testing
@testable import SynapseNN

// GlobalAveragePooling1D, GlobalMaxPooling1D, Cropping2D, Permute, RepeatVector,
// DepthwiseConv2D and SeparableConv2D: semantics, gradients (first and second order)
// and shape errors. Values against Keras are in KerasLayerFixtureTests; configs in
// ShapeAndDepthwiseLayerConfigTests.

/// `0, 1, 2, …` of `shape`.
private func iota(_ shape: [Int]) -> Tensor {
    Tensor((0..<shape.reduce(1, *)).map(Float.init), shape: shape)
}

@Suite("Global pooling 1-D, Cropping2D, Permute and RepeatVector")
struct SequenceAndReshapingLayerTests {
    @Test("GlobalAveragePooling1D and GlobalMaxPooling1D reduce the steps axis, keeping it with keepDims")
    func globalPooling() {
        let x = iota([2, 3, 2])   // sample 0: steps (0, 1), (2, 3), (4, 5)
        NNCheck.expectClose(GlobalAveragePooling1D()(x), [2, 3, 8, 9], shape: [2, 2])
        NNCheck.expectClose(GlobalMaxPooling1D()(x), [4, 5, 10, 11], shape: [2, 2])
        NNCheck.expectClose(GlobalAveragePooling1D(keepDims: true)(x), [2, 3, 8, 9], shape: [2, 1, 2])
        NNCheck.expectClose(GlobalMaxPooling1D(keepDims: true)(x), [4, 5, 10, 11], shape: [2, 1, 2])
        #expect(GlobalAveragePooling1D().name == "global_average_pooling1d" && GlobalMaxPooling1D().name == "global_max_pooling1d")
    }

    @Test("A masked GlobalAveragePooling1D averages only unmasked steps; padded values (even NaN) do not leak; all-masked gives zeros")
    func maskedAverage() {
        var values = iota([2, 3, 2]).scalars
        values[2] = .nan                      // sample 0, step 1 (masked)
        values[3] = 1000
        let x = Tensor(values, shape: [2, 3, 2]).requiringGrad()
        let mask = Tensor(bool: [true, false, true, false, false, false], shape: [2, 3])
        let layer = GlobalAveragePooling1D()
        let output = layer(x, mask: mask)
        NNCheck.expectClose(output, [2, 3, 0, 0], shape: [2, 2])
        #expect(layer.computeMask(input: x, output: output, mask: mask) == nil)
        output.sum().backward()
        NNCheck.expectClose(x.grad ?? .zeros([1]), [0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0], shape: [2, 3, 2])
        let kept = GlobalAveragePooling1D(keepDims: true)(x.detached(), mask: mask)
        NNCheck.expectClose(kept, [2, 3, 0, 0], shape: [2, 1, 2])
        // An all-true mask is the plain mean.
        let plain = iota([2, 3, 2])
        NNCheck.expectClose(layer(plain, mask: Tensor(bool: Array(repeating: true, count: 6), shape: [2, 3])), layer(plain))
    }

    @Test("GlobalMaxPooling1D ignores a mask, as Keras, and produces none")
    func maxIgnoresMask() {
        let x = iota([2, 3, 2])
        let mask = Tensor(bool: [true, false, false, true, true, false], shape: [2, 3])
        let layer = GlobalMaxPooling1D()
        let output = layer(x, mask: mask)
        NNCheck.expectClose(output, layer(x))
        #expect(layer.computeMask(input: x, output: output, mask: mask) == nil)
    }

    @Test("Cropping2D removes ((top, bottom), (left, right)); one integer and a pair are symmetric")
    func cropping() {
        let x = iota([1, 4, 5, 1])   // row r, column c holds 5r + c
        NNCheck.expectClose(Cropping2D(cropping: ((1, 1), (2, 1)))(x), [7, 8, 12, 13], shape: [1, 2, 2, 1])
        NNCheck.expectClose(Cropping2D(cropping: ((0, 3), (0, 0)))(x), [0, 1, 2, 3, 4], shape: [1, 1, 5, 1])
        #expect(Cropping2D(1).cropping.0 == (1, 1) && Cropping2D(1).cropping.1 == (1, 1))
        #expect(Cropping2D(cropping: (2, 3)).cropping.0 == (2, 2) && Cropping2D(cropping: (2, 3)).cropping.1 == (3, 3))
        #expect(Cropping2D().cropping.0 == (0, 0) && Cropping2D().cropping.1 == (0, 0))
        NNCheck.expectClose(Cropping2D()(x), x)
        NNCheck.expectClose(Cropping2D(1)(iota([2, 3, 3, 2])), [8, 9, 26, 27], shape: [2, 1, 1, 2])
    }

    @Test("Permute reorders per-sample axes counted from 1; RepeatVector copies each vector n times")
    func permuteAndRepeat() {
        let x = iota([2, 3, 4])
        NNCheck.expectClose(Permute([2, 1])(x), x.transposed(1, 2))
        let rotated = Permute([3, 1, 2])(iota([2, 3, 4, 5]))
        #expect(rotated.shape == [2, 5, 3, 4])
        NNCheck.expectClose(rotated, iota([2, 3, 4, 5]).permuted(0, 3, 1, 2))
        NNCheck.expectClose(RepeatVector(3)(Tensor([[1, 2], [3, 4]])), [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4], shape: [2, 3, 2])
    }

    @Test("Gradients match central differences")
    func gradients() {
        let sequences = NNCheck.uniform([2, 4, 3], seed: 1)
        LayerGradientCheck.expectGradientsMatch(GlobalAveragePooling1D(), at: sequences)
        LayerGradientCheck.expectGradientsMatch(GlobalMaxPooling1D(keepDims: true), at: sequences)
        let mask = Tensor(bool: [true, true, false, true, false, true, false, false], shape: [2, 4])
        FiniteDifferences.expectGradientMatches(at: sequences, "masked average") { GlobalAveragePooling1D()($0, mask: mask) }
        LayerGradientCheck.expectGradientsMatch(Cropping2D(cropping: ((1, 0), (2, 1))), at: NNCheck.uniform([2, 4, 5, 2], seed: 2))
        LayerGradientCheck.expectGradientsMatch(Permute([3, 1, 2]), at: NNCheck.uniform([2, 3, 2, 4], seed: 3))
        LayerGradientCheck.expectGradientsMatch(RepeatVector(3), at: NNCheck.uniform([2, 4], seed: 4))
    }

    @Test("Second-order derivatives through each layer match finite differences (float64)")
    func secondOrder() {
        // The layers are linear; squaring their output makes the Hessian non-zero, so
        // it is the layers' backward rules that get differentiated.
        let mask = Tensor(bool: [true, false, true, true, false, false], shape: [2, 3])
        let cases: [(String, [Int], (Tensor) -> Tensor)] = [
            ("masked average", [2, 3, 2], { GlobalAveragePooling1D()($0, mask: mask) }),
            ("max", [2, 3, 2], { GlobalMaxPooling1D()($0) }),
            ("cropping", [1, 4, 4, 2], { Cropping2D(cropping: ((1, 0), (0, 2)))($0) }),
            ("permute", [2, 2, 3], { Permute([2, 1])($0) }),
            ("repeat", [2, 3], { RepeatVector(2)($0) }),
        ]
        for (seed, (label, shape, layer)) in cases.enumerated() {
            HessianVectorCheck.expectDerivativesMatch(at: [NNCheck.uniform(shape, seed: 40 + UInt64(seed))], label) { x in
                let y = layer(x[0])
                return y * y
            }
        }
    }

    @Test("Inputs of the wrong rank or a cropping larger than the image stop with a message naming the layer")
    func shapeErrors() async {
        let cropping = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Cropping2D(cropping: ((2, 2), (0, 0)), name: "crop")(Tensor.zeros([1, 4, 4, 1]))
        }
        #expect(NNCheck.standardError(cropping).contains("crop: cropping ((2, 2), (0, 0)) leaves nothing of inputs of shape [1, 4, 4, 1]"))
        let permute = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Permute([2, 1], name: "perm")(Tensor.zeros([2, 3]))
        }
        #expect(NNCheck.standardError(permute).contains("perm: dims [2, 1] permute 2 axes, so inputs must have rank 3, got shape [2, 3]"))
        let repeated = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RepeatVector(2, name: "rep")(Tensor.zeros([2, 3, 4]))
        }
        #expect(NNCheck.standardError(repeated).contains("rep: expected inputs [batch, features] of rank 2, got shape [2, 3, 4]"))
        let pooling = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = GlobalAveragePooling1D(name: "gap")(Tensor.zeros([2, 3, 4]), mask: Tensor(bool: [true, false], shape: [2, 1]))
        }
        #expect(NNCheck.standardError(pooling).contains("gap: the mask must be bool [2, 3] for inputs of shape [2, 3, 4], got bool [2, 1]"))
        let invalid = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Permute([1, 3])
        }
        #expect(NNCheck.standardError(invalid).contains("Permute: dims must be a permutation of 1...2"))
    }
}

@Suite("DepthwiseConv2D and SeparableConv2D")
struct DepthwiseConvolutionLayerTests {
    /// (kernel, strides, padding, multiplier, dilation) covering "same" padding with
    /// odd and even totals, rectangular windows, strides, dilations and multipliers.
    static let settings: [((Int, Int), (Int, Int), Padding, Int, (Int, Int))] = [
        ((3, 3), (1, 1), .valid, 1, (1, 1)),
        ((3, 2), (2, 1), .same, 3, (1, 1)),
        ((2, 2), (1, 1), .same, 2, (2, 2)),
        ((3, 3), (2, 2), .same, 1, (1, 1)),
        ((2, 3), (1, 2), .valid, 2, (2, 1)),
    ]

    @Test("Depthwise convolution equals a Conv2D per input channel, channels ordered c·multiplier + m")
    func equalsPerChannelConvolution() {
        let x = NNCheck.uniform([2, 7, 6, 3], seed: 10)
        for (index, (kernelSize, strides, padding, multiplier, dilation)) in Self.settings.enumerated() {
            let kernel = NNCheck.uniform([kernelSize.0, kernelSize.1, 3, multiplier], seed: 20 + UInt64(index))
            let actual = x.depthwiseConv2D(kernel, strides: strides, padding: padding, dilation: dilation)
            let perChannel = (0..<3).map { c in
                x.narrowed(axis: 3, start: c, length: 1)
                    .conv2D(kernel.narrowed(axis: 2, start: c, length: 1), strides: strides, padding: padding, dilation: dilation)
            }
            NNCheck.expectClose(actual, Tensor.concatenate(perChannel, axis: 3), "setting \(index)")
        }
    }

    @Test("DepthwiseConv2D creates depthwise_kernel [kh, kw, C, m] and bias [C·m]; output channels C·m")
    func depthwiseLayer() {
        let layer = DepthwiseConv2D(kernelSize: (3, 2), strides: (2, 1), padding: .same, depthMultiplier: 2,
                                    biasInitializer: Constant(0.5), depthwiseRegularizer: L2(0.1))
        let x = NNCheck.uniform([2, 5, 4, 3], seed: 5)
        let output = layer(x)
        #expect(output.shape == [2, 3, 4, 6])
        #expect(layer.namedParameters.map(\.name) == ["depthwise_conv2d.depthwise_kernel", "depthwise_conv2d.bias"])
        #expect(layer.depthwiseKernel.shape == [3, 2, 3, 2] && layer.bias?.shape == [6])
        let expected = x.depthwiseConv2D(layer.depthwiseKernel.value, strides: (2, 1), padding: .same) + 0.5
        NNCheck.expectClose(output, expected)
        let penalty = (layer.depthwiseKernel.value * layer.depthwiseKernel.value).sum() * 0.1
        NNCheck.expectClose(layer.regularizationLoss() ?? .zeros([]), penalty)
        let plain = DepthwiseConv2D(kernelSize: 3, useBias: false)
        _ = plain(x)
        #expect(plain.bias == nil && plain.parameters.count == 1 && plain.depthwiseKernel.shape == [3, 3, 3, 1])
        // Glorot uniform over fan_in = kh·kw·C, fan_out = kh·kw·m, as Keras.
        let limit = Float((6.0 / Double(9 * 3 + 9 * 1)).squareRoot())
        #expect(plain.depthwiseKernel.value.scalars.allSatisfy { Swift.abs($0) <= limit })
    }

    @Test("SeparableConv2D is the depthwise convolution, then a 1×1 convolution, the bias and the activation")
    func separableLayer() {
        let layer = SeparableConv2D(4, kernelSize: (3, 3), strides: (2, 2), padding: .same, depthMultiplier: 2,
                                    activation: .tanh, biasInitializer: RandomNormal(mean: 0, standardDeviation: 1, seed: 3))
        let x = NNCheck.uniform([2, 6, 5, 3], seed: 6)
        let output = layer(x)
        #expect(output.shape == [2, 3, 3, 4])
        #expect(layer.namedParameters.map(\.name) == ["separable_conv2d.depthwise_kernel", "separable_conv2d.pointwise_kernel", "separable_conv2d.bias"])
        #expect(layer.pointwiseKernel.shape == [1, 1, 6, 4] && layer.depthwiseKernel.shape == [3, 3, 3, 2])
        let depthwise = x.depthwiseConv2D(layer.depthwiseKernel.value, strides: (2, 2), padding: .same)
        let expected = (depthwise.conv2D(layer.pointwiseKernel.value) + layer.bias!.value).tanh()
        NNCheck.expectClose(output, expected)
    }

    @Test("Gradients of the input and every parameter match central differences")
    func gradients() {
        for (index, (kernelSize, strides, padding, multiplier, dilation)) in Self.settings.enumerated() {
            let x = NNCheck.uniform([2, 6, 5, 2], seed: 30 + UInt64(index))
            let depthwise = DepthwiseConv2D(kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: multiplier,
                                            dilationRate: dilation, activation: .tanh, biasInitializer: RandomUniform(minimum: -0.5, maximum: 0.5, seed: 1))
            LayerGradientCheck.expectGradientsMatch(depthwise, at: x)
            let separable = SeparableConv2D(3, kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: multiplier,
                                            dilationRate: dilation, activation: .tanh, biasInitializer: RandomUniform(minimum: -0.5, maximum: 0.5, seed: 2))
            LayerGradientCheck.expectGradientsMatch(separable, at: x)
        }
    }

    @Test("Second-order derivatives of the depthwise and separable convolutions match finite differences (float64)")
    func secondOrder() {
        for (index, (kernelSize, strides, padding, multiplier, dilation)) in Self.settings.enumerated() {
            let x = NNCheck.uniform([1, 5, 4, 2], seed: 50 + UInt64(index))
            let kernel = NNCheck.uniform([kernelSize.0, kernelSize.1, 2, multiplier], seed: 60 + UInt64(index))
            let pointwise = NNCheck.uniform([2 * multiplier, 3], seed: 70 + UInt64(index))
            HessianVectorCheck.expectDerivativesMatch(at: [x, kernel], "depthwise \(index)") { inputs in
                inputs[0].depthwiseConv2D(inputs[1], strides: strides, padding: padding, dilation: dilation)
            }
            HessianVectorCheck.expectDerivativesMatch(at: [x, kernel, pointwise], "separable \(index)") { inputs in
                inputs[0].depthwiseConv2D(inputs[1], strides: strides, padding: padding, dilation: dilation)
                    .matmul(inputs[2]).tanh()
            }
        }
    }

    @Test("Bad arguments and inputs stop with a message naming the layer or the op and the shapes")
    func errors() async {
        let channels = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([1, 4, 4, 3]).depthwiseConv2D(Tensor.zeros([3, 3, 2, 1]))
        }
        #expect(NNCheck.standardError(channels).contains("depthwiseConv2D: kernel of shape [3, 3, 2, 1] does not fit input of shape [1, 4, 4, 3]"))
        let rank = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SeparableConv2D(2, kernelSize: 3, name: "sep")(Tensor.zeros([1, 4, 4]))
        }
        #expect(NNCheck.standardError(rank).contains("sep: expected NHWC inputs [batch, H, W, C], got per-sample shape [4, 4]"))
        let multiplier = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DepthwiseConv2D(kernelSize: 3, depthMultiplier: 0)
        }
        #expect(NNCheck.standardError(multiplier).contains("DepthwiseConv2D: depthMultiplier must be positive, got 0"))
        let tooSmall = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = DepthwiseConv2D(kernelSize: 5)(Tensor.zeros([1, 4, 4, 1]))
        }
        #expect(NNCheck.standardError(tooSmall).contains("depthwiseConv2D: a 5×5 window (dilation (1, 1)) does not fit input of shape [1, 4, 4, 1]"))
    }
}

/// First- and second-order finite-difference checks in float64 of a function of
/// several tensors — the pattern of SynapseCoreTests' `SecondOrderCheck`, for the
/// layers here, which compose existing ops.
///
/// For `L(x) = Σ f(x) · r` (fixed random `r`): autograd's `∇L` against central
/// differences with `h = 1e-6`, and the Hessian-vector product `H v` (from
/// differentiating the recorded gradient) against `(∇L(x + εv) − ∇L(x − εv)) / 2ε`,
/// `ε = 1e-4`. In float64 the rounding noise is about `1e-16 · |L| / h` (1e-10) and
/// `1e-12`; truncation `h²/6 · |L'''|` and `ε²/6 · |∇L'''|` stay below 1e-8 for the
/// O(1) inputs used, far inside `1e-7 + 1e-6 · |numeric|`, which a rule wrong by
/// 0.1 % misses by orders of magnitude.
enum HessianVectorCheck {
    static let absoluteTolerance = 1e-7
    static let relativeTolerance = 1e-6

    static func expectDerivativesMatch(at inputs: [Tensor], _ label: String, seed: UInt64 = 0x2D0,
                                       sourceLocation: SourceLocation = #_sourceLocation,
                                       _ function: @escaping ([Tensor]) -> Tensor) {
        let inputs = inputs.map { $0.detached().to(.float64) }
        let output = withoutGradient { function(inputs) }
        #expect(output.dtype == .float64, "\(label): the function must keep float64", sourceLocation: sourceLocation)
        let projection = random(output.shape, seed: seed)
        let loss = { (x: [Tensor]) in (function(x) * projection).sum() }

        let analytic = gradient(of: loss, at: inputs)
        for (position, input) in inputs.enumerated() {
            let values = input.doubleScalars
            let numeric = values.indices.map { index -> Double in
                let h = 1e-6
                return (evaluate(loss, inputs, position, index, values, h) - evaluate(loss, inputs, position, index, values, -h)) / (2 * h)
            }
            expectClose(analytic[position].doubleScalars, numeric, "\(label): first order, input \(position)", sourceLocation)
        }

        let directions = inputs.enumerated().map { random($0.element.shape, seed: seed + 1 + UInt64($0.offset)) }
        let hessianVector = gradient(of: { x in
            let first = gradient(of: loss, at: x, createGraph: true)
            return zip(first, directions).map { ($0 * $1).sum() }.reduce(Tensor(float64: [0], shape: [])) { $0 + $1 }
        }, at: inputs)
        let epsilon = 1e-4
        let shifted = { (sign: Double) in
            zip(inputs, directions).map { Tensor(float64: zip($0.doubleScalars, $1.doubleScalars).map { $0 + sign * epsilon * $1 }, shape: $0.shape) }
        }
        let plus = gradient(of: loss, at: shifted(1))
        let minus = gradient(of: loss, at: shifted(-1))
        for position in inputs.indices {
            let numeric = zip(plus[position].doubleScalars, minus[position].doubleScalars).map { ($0 - $1) / (2 * epsilon) }
            expectClose(hessianVector[position].doubleScalars, numeric, "\(label): second order (H·v), input \(position)", sourceLocation)
        }
    }

    private static func evaluate(_ loss: ([Tensor]) -> Tensor, _ inputs: [Tensor], _ position: Int, _ index: Int,
                                 _ values: [Double], _ step: Double) -> Double {
        var shifted = values
        shifted[index] += step
        var arguments = inputs
        arguments[position] = Tensor(float64: shifted, shape: inputs[position].shape)
        return withoutGradient { loss(arguments) }.doubleScalars[0]
    }

    /// Uniform values in [-1, 1) as float64.
    private static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        Tensor(float64: NNCheck.uniform(shape, seed: seed).scalars.map(Double.init), shape: shape)
    }

    private static func expectClose(_ actual: [Double], _ expected: [Double], _ label: String, _ sourceLocation: SourceLocation) {
        NNCheck.expectClose(actual, expected, absolute: absoluteTolerance, relative: relativeTolerance, label,
                            sourceLocation: sourceLocation)
    }
}
