import Testing
@testable import SynapseNN

/// A user layer whose parameters and sublayers are found by reflection: a
/// `Parameter!` made in build, an optional parameter (set or not), a frozen
/// statistic, an array of parameters, a nested layer and an array of layers.
private final class ReflectedBlock: Layer {
    var scale: Parameter!
    var offset: Parameter?
    var statistic: Parameter!
    var extras: [Parameter] = []
    let inner = Dense(2, useBias: false, kernelInitializer: .ones, name: "inner")
    let stack: [Layer] = [Dense(3, kernelInitializer: .ones, name: "first"),
                          Dense(1, kernelInitializer: .ones, name: "second")]
    let withOffset: Bool
    let notAParameter = Tensor.ones([5])

    init(withOffset: Bool, name: String? = nil) {
        self.withOffset = withOffset
        super.init(name: name)
    }

    override func build(inputShape: [Int]) {
        let features = inputShape[inputShape.count - 1]
        scale = Parameter(.ones([features]), name: "scale")
        if withOffset { offset = Parameter(.zeros([features]), name: "offset") }
        statistic = Parameter(.zeros([features]), name: "statistic", trainable: false)
        extras = [Parameter(.ones([1]), name: "extra")]
    }

    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input * scale.value
        if let offset { x = x + offset.value }
        x = inner(x, training: training)
        for layer in stack { x = layer(x, training: training) }
        return x * extras[0].value
    }
}

/// A subclass of a user layer: reflection walks the superclass too.
private final class DerivedBlock: BaseBlock {
    var gain: Parameter!
    override func build(inputShape: [Int]) {
        super.build(inputShape: inputShape)
        gain = Parameter(.full([1], value: 2), name: "gain")
    }
    override func forward(_ input: Tensor, training: Bool) -> Tensor { super.forward(input, training: training) * gain.value }
}

private class BaseBlock: Layer {
    var weight: Parameter!
    override func build(inputShape: [Int]) { weight = Parameter(.ones(inputShape), name: "weight") }
    override func forward(_ input: Tensor, training: Bool) -> Tensor { input * weight.value }
}

/// A container whose sublayer is built lazily inside its forward pass.
private final class Wrapper: Layer {
    let body = Dense(4, kernelInitializer: .ones, name: "body")
    override func forward(_ input: Tensor, training: Bool) -> Tensor { body(input, training: training) }
}

private final class Conv2DTranspose: Layer {}

@Suite("Layer: lazy build, parameters and freezing")
struct LayerTests {
    @Test("Dense(64) learns its input size from the first input")
    func lazyBuild() {
        let layer = Dense(64, kernelInitializer: .glorotUniform(seed: 1))
        #expect(!layer.isBuilt)
        #expect(layer.parameters.isEmpty)
        #expect(layer.inputShape == nil && layer.outputShape == nil)
        let output = layer(NNCheck.uniform([8, 20], seed: 1))
        #expect(layer.isBuilt)
        #expect(output.shape == [8, 64])
        #expect(layer.kernel.shape == [20, 64])
        #expect(layer.bias?.shape == [64])
        #expect(layer.inputShape == [20])
        #expect(layer.outputShape == [64])
    }

    @Test("input and output shapes are recorded per sample, without the batch dimension")
    func perSampleShapes() {
        let layer = Dense(4, kernelInitializer: .glorotUniform(seed: 2))
        _ = layer(NNCheck.uniform([2, 3, 5], seed: 2))
        #expect(layer.inputShape == [3, 5])
        #expect(layer.outputShape == [3, 4])
        #expect(layer.kernel.shape == [5, 4])
    }

    @Test("buildIfNeeded builds once and later calls keep the same parameters")
    func buildsOnce() {
        let layer = Dense(3, kernelInitializer: .glorotUniform(seed: 3))
        layer.buildIfNeeded(inputShape: [4])
        let kernel = layer.kernel
        layer.buildIfNeeded(inputShape: [4])
        _ = layer(Tensor.ones([2, 4]))
        #expect(layer.kernel === kernel)
        #expect(layer.inputShape == [4])
    }

    @Test("parameters are named '<layer>.<parameter>' and default layer names are snake case")
    func namedParameters() {
        let layer = Dense(3)
        #expect(layer.name == "dense")
        #expect(!layer.hasExplicitName)
        _ = layer(Tensor.ones([1, 2]))
        #expect(layer.namedParameters.map(\.name) == ["dense.kernel", "dense.bias"])
        #expect(layer.namedParameters[0].parameter === layer.kernel)
        let named = Dense(3, name: "output")
        #expect(named.hasExplicitName)
        _ = named(Tensor.ones([1, 2]))
        #expect(named.namedParameters.map(\.name) == ["output.kernel", "output.bias"])
        #expect(Layer.defaultName(for: Conv2DTranspose.self) == "conv2d_transpose")
        #expect(Layer.defaultName(for: ReflectedBlock.self) == "reflected_block")
    }

    @Test("parameter counts: Dense(64) on 20 inputs has 20·64 + 64 scalars")
    func parameterCounts() {
        let layer = Dense(64)
        _ = layer(Tensor.ones([1, 20]))
        #expect(layer.parameterCount == 20 * 64 + 64)
        #expect(layer.trainableParameterCount == 20 * 64 + 64)
        let noBias = Dense(64, useBias: false)
        _ = noBias(Tensor.ones([1, 20]))
        #expect(noBias.parameterCount == 20 * 64)
    }

    @Test("isTrainable = false freezes every parameter: no gradient, not trainable, still counted")
    func freezing() throws {
        let layer = Dense(2, kernelInitializer: .ones)
        let x = Tensor.ones([3, 4])
        _ = layer(x)
        layer.isTrainable = false
        #expect(layer.trainableParameters.isEmpty)
        #expect(layer.trainableParameterCount == 0)
        #expect(layer.parameterCount == 4 * 2 + 2)
        #expect(layer.parameters.allSatisfy { !$0.isTrainable && !$0.value.requiresGrad })
        let frozenOutput = layer(x.requiringGrad())
        frozenOutput.sum().backward()
        #expect(layer.kernel.grad == nil)

        layer.isTrainable = true
        #expect(layer.trainableParameters.count == 2)
        #expect(layer.kernel.value.requiresGrad)
        layer(x).sum().backward()
        NNCheck.expectClose(try #require(layer.kernel.grad), [Float](repeating: 3, count: 8), shape: [4, 2])
    }

    @Test("a layer frozen before its first call builds frozen parameters")
    func freezingBeforeBuild() {
        let layer = Dense(2)
        layer.isTrainable = false
        _ = layer(Tensor.ones([1, 3]))
        #expect(layer.parameters.count == 2)
        #expect(layer.trainableParameters.isEmpty)
        #expect(!layer.kernel.value.requiresGrad)
    }

    @Test("freezing a container also freezes sublayers that build lazily later")
    func freezingLazySublayers() {
        let wrapper = Wrapper()
        wrapper.isTrainable = false
        _ = wrapper(Tensor.ones([2, 3]))
        #expect(wrapper.parameters.count == 2)
        #expect(wrapper.trainableParameters.isEmpty, "the sublayer built after freezing must be frozen too")
        #expect(!wrapper.body.isTrainable)
        wrapper.isTrainable = true
        #expect(wrapper.trainableParameters.count == 2)
        #expect(wrapper.body.isTrainable)
    }

    @Test("a custom layer's parameters are found by reflection: properties, optionals, arrays, nested layers")
    func reflection() {
        let block = ReflectedBlock(withOffset: true, name: "block")
        let output = block(NNCheck.uniform([2, 3], seed: 4))
        #expect(output.shape == [2, 1])
        #expect(block.ownParameters.map(\.name) == ["scale", "offset", "statistic", "extra"])
        #expect(block.sublayers.map(\.name) == ["inner", "first", "second"])
        #expect(block.namedParameters.map(\.name) == [
            "block.scale", "block.offset", "block.statistic", "block.extra",
            "block.inner.kernel", "block.first.kernel", "block.first.bias", "block.second.kernel", "block.second.bias",
        ])
        // 3 + 3 + 3 + 1 own, inner 3·2, first 2·3 + 3, second 3·1 + 1.
        #expect(block.parameterCount == 10 + 6 + 9 + 4)
        #expect(block.trainableParameterCount == 10 + 6 + 9 + 4 - 3)
        #expect(!block.trainableParameters.contains { $0 === block.statistic })

        let withoutOffset = ReflectedBlock(withOffset: false)
        _ = withoutOffset(Tensor.ones([1, 3]))
        #expect(withoutOffset.ownParameters.map(\.name) == ["scale", "statistic", "extra"])
    }

    @Test("reflection walks superclasses: a subclass sees its parent's parameters")
    func reflectionThroughSuperclass() {
        let block = DerivedBlock(name: "derived")
        let output = block(Tensor.full([2, 3], value: 1.5))
        NNCheck.expectClose(output, [Float](repeating: 3, count: 6), shape: [2, 3])
        #expect(Set(block.namedParameters.map(\.name)) == ["derived.gain", "derived.weight"])
    }

    @Test("gradients reach parameters found by reflection, and zeroGrad clears them all")
    func gradientsAndZeroGrad() {
        let block = ReflectedBlock(withOffset: true)
        block(NNCheck.uniform([4, 3], seed: 5)).sum().backward()
        for parameter in block.trainableParameters {
            #expect(parameter.grad != nil, "\(parameter.name) has no gradient")
        }
        #expect(block.statistic.grad == nil)
        block.zeroGrad()
        #expect(block.parameters.allSatisfy { $0.grad == nil })
    }

    @Test("regularizationLoss sums the penalties of all parameters, sublayers included")
    func regularizationLoss() throws {
        let plain = Dense(2)
        _ = plain(Tensor.ones([1, 2]))
        #expect(plain.regularizationLoss() == nil)

        let layer = Dense(2, kernelInitializer: .constant(0.5), biasInitializer: .constant(-2),
                          kernelRegularizer: L2(0.1), biasRegularizer: L1(0.3))
        _ = layer(Tensor.ones([1, 3]))
        // 0.1 · 6 · 0.25 + 0.3 · 2 · 2
        let penalty = try #require(layer.regularizationLoss())
        #expect(Swift.abs(penalty.item - (0.15 + 1.2)) < 1e-5)

        let block = ReflectedBlock(withOffset: false)
        _ = block(Tensor.ones([1, 3]))
        block.scale.regularizer = L1(1)
        (block.stack[0] as? Dense)?.kernel.regularizer = L2(0.5)
        // L1(1) on three ones + L2(0.5) on the 2·3 ones kernel of "first"
        let total = try #require(block.regularizationLoss())
        #expect(Swift.abs(total.item - (3 + 3)) < 1e-5)
        total.backward()
        NNCheck.expectClose(try #require(block.scale.grad), [1, 1, 1], "L1 gradient")
    }
}

@Suite("Parameter")
struct ParameterTests {
    @Test("a parameter is a float32 autograd leaf with a name, shape and count")
    func basics() {
        let parameter = Parameter(Tensor.ones([2, 3]), name: "kernel")
        #expect(parameter.value.requiresGrad && parameter.value.isLeaf)
        #expect(parameter.shape == [2, 3] && parameter.count == 6)
        #expect(parameter.isTrainable)
        #expect(parameter.description == "Parameter(kernel, shape: [2, 3], trainable: true)")
        let frozen = Parameter(Tensor.ones([2]), name: "moving_mean", trainable: false)
        #expect(!frozen.value.requiresGrad)
    }

    @Test("assign replaces the value, keeps trainability and clears the gradient")
    func assign() throws {
        let parameter = Parameter(Tensor.ones([2]), name: "w")
        (parameter.value * 3).sum().backward()
        #expect(parameter.grad != nil)
        parameter.assign(Tensor([4, 5]))
        #expect(parameter.grad == nil)
        #expect(parameter.value.scalars == [4, 5])
        #expect(parameter.value.requiresGrad)
        (parameter.value * parameter.value).sum().backward()
        NNCheck.expectClose(try #require(parameter.grad), [8, 10])
        parameter.setGrad(nil)
        #expect(parameter.grad == nil)
    }

    @Test("onGradientAccumulated is called once per backward pass with the final gradient, and survives assign, updates and move")
    func gradientAccumulatedHook() throws {
        let parameter = Parameter(Tensor([1, 2]), name: "w")
        var seen: [[Float]] = []
        parameter.onGradientAccumulated = { seen.append($0.grad!.scalars) }
        // Two uses of w in one graph: the hook sees the sum once, after both.
        let value = parameter.value
        (value * 3 + value * value).sum().backward()
        #expect(seen == [[5, 7]])
        // A second pass before zeroing: the accumulated total.
        (value * 2).sum().backward()
        #expect(seen.last == [7, 9])
        parameter.assign(Tensor([0, 1]))
        parameter.move(to: .cpu)
        (parameter.value * 4).sum().backward()
        #expect(seen.last == [4, 4] && seen.count == 3)
        parameter.updateInPlace { value in value.withUnsafeMutablePointer(as: Float.self) { $0[0] += 1 } }
        (parameter.value * 5).sum().backward()
        #expect(seen.last == [5, 5] && seen.count == 4)
        parameter.isTrainable = false
        parameter.isTrainable = true
        (parameter.value * 6).sum().backward()
        #expect(seen.count == 5)
        parameter.onGradientAccumulated = nil
        (parameter.value * 6).sum().backward()
        #expect(seen.count == 5)
        // valueAndGradient leaves accumulated gradients alone: no call.
        parameter.onGradientAccumulated = { seen.append($0.grad!.scalars) }
        _ = gradients(of: (parameter.value * 2).sum(), withRespectTo: [parameter.value])
        #expect(seen.count == 5)
    }

    @Test("assigning a value of another shape stops with both shapes in the message")
    func assignShapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Parameter(Tensor.ones([2, 3]), name: "kernel").assign(Tensor.ones([3, 2]))
        }
        #expect(NNCheck.standardError(result).contains(
            "Parameter 'kernel': cannot assign a value of shape [3, 2] to a parameter of shape [2, 3]"))
    }

    @Test("an int32 value is refused")
    func refusesIntegers() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Parameter(Tensor(int32: [1, 2]), name: "ids")
        }
        #expect(NNCheck.standardError(result).contains("Parameter 'ids': values must be float32, got int32"))
    }
}
