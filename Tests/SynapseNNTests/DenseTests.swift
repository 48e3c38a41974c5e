import Foundation
import Testing
@testable import SynapseNN

@Suite("Dense")
struct DenseTests {
    /// x [2, 3], kernel [3, 2], bias [2] with hand-checked products.
    static let x = Tensor([[1, 2, 3], [-1, 0.5, 2]])
    static let kernel = Tensor([[0.5, -1], [2, 0], [-0.25, 1]])
    static let bias = Tensor([0.1, -0.2])
    /// x · kernel = [[0.5 + 4 − 0.75, −1 + 3], [−0.5 + 1 − 0.5, 1 + 2]] = [[3.75, 2], [0, 3]]
    static let product: [Float] = [3.75, 2, 0, 3]

    /// A Dense layer built for 3 inputs with the weights above.
    static func layer(activation: ActivationFunction = .linear, useBias: Bool = true) -> Dense {
        let layer = Dense(2, activation: activation, useBias: useBias)
        layer.buildIfNeeded(inputShape: [3])
        layer.kernel.assign(kernel)
        layer.bias?.assign(bias)
        return layer
    }

    @Test("output = x · kernel + bias for given weights")
    func affine() {
        let output = Self.layer()(Self.x)
        NNCheck.expectClose(output, [3.85, 1.8, 0.1, 2.8], shape: [2, 2])
    }

    @Test("the activation is applied to x · kernel + bias")
    func activation() {
        let relu = Self.layer(activation: .relu)(Tensor([[1, 2, 3], [-1, -2, 0]]))
        // [[3.85, 1.8], [−4.5 + 0.1, 1 − 0.2]] → relu
        NNCheck.expectClose(relu, [3.85, 1.8, 0, 0.8], shape: [2, 2])
        let sigmoid = Self.layer(activation: .sigmoid)(Self.x)
        let expected = [3.85, 1.8, 0.1, 2.8].map { Float(1 / (1 + exp(-$0))) }
        NNCheck.expectClose(sigmoid, expected, shape: [2, 2])
    }

    @Test("useBias: false has only a kernel and computes x · kernel")
    func withoutBias() {
        let layer = Self.layer(useBias: false)
        #expect(layer.bias == nil)
        #expect(layer.parameters.count == 1)
        #expect(layer.namedParameters.map(\.name) == ["dense.kernel"])
        NNCheck.expectClose(layer(Self.x), Self.product, shape: [2, 2])
    }

    @Test("Keras defaults: glorot-uniform kernel, zero bias, linear activation")
    func kerasDefaults() {
        let layer = Dense(30, kernelInitializer: .glorotUniform(seed: 11))
        #expect(layer.activation == .linear && layer.useBias)
        _ = layer(Tensor.ones([1, 50]))
        #expect(layer.bias?.value.scalars == [Float](repeating: 0, count: 30))
        let limit = (6.0 / 80.0).squareRoot()
        #expect(layer.kernel.value.scalars.allSatisfy { Double(Swift.abs($0)) <= limit })
        #expect(Dense(3).kernelInitializer is VarianceScaling)
        let initializer = Dense(3).kernelInitializer as? VarianceScaling
        #expect(initializer?.distribution == .uniform && initializer?.mode == .fanAverage && initializer?.scale == 1)
        #expect(Dense(3).biasInitializer is Zeros)
    }

    @Test("3-D inputs [batch, steps, features] are transformed step by step")
    func sequenceInput() {
        let layer = Self.layer()
        let input = NNCheck.uniform([2, 4, 3], seed: 21)
        let output = layer(input)
        #expect(output.shape == [2, 4, 2])
        #expect(layer.outputShape == [4, 2])
        let flat = layer(input.reshaped(to: [8, 3]))
        NNCheck.expectClose(output.reshaped(to: [8, 2]), flat, absolute: 1e-6, relative: 1e-6)
        // One step by hand: sample 1, step 2.
        let row = input[1, 2].scalars
        let expected = (0..<2).map { unit in
            (0..<3).reduce(Self.bias.scalars[unit]) { $0 + row[$1] * Self.kernel.scalars[$1 * 2 + unit] }
        }
        NNCheck.expectClose(output[1, 2], expected, shape: [2])
    }

    @Test("gradients w.r.t. input, kernel and bias match central differences (tanh activation)")
    func finiteDifferenceGradients() throws {
        let layer = Dense(3, activation: .tanh, kernelInitializer: .glorotUniform(seed: 5),
                          biasInitializer: .randomUniform(minimum: -0.5, maximum: 0.5, seed: 6))
        let x = NNCheck.uniform([4, 5], seed: 22)
        _ = layer(x)
        let kernel = layer.kernel.value.detached()
        let bias = try #require(layer.bias).value.detached()

        // Analytic: one backward pass with a projection seed.
        let input = x.requiringGrad()
        let output = layer(input)
        let projection = FiniteDifferences.projection(output.shape)
        output.backward(projection)
        let inputGradient = input.grad
        let kernelGradient = layer.kernel.grad
        let biasGradient = layer.bias?.grad

        let numericInput = FiniteDifferences.gradient(of: { layer($0) }, at: x, projection: projection)
        let numericKernel = FiniteDifferences.gradient(of: { value in
            layer.kernel.assign(value)
            return layer(x)
        }, at: kernel, projection: projection)
        layer.kernel.assign(kernel)
        let numericBias = FiniteDifferences.gradient(of: { value in
            layer.bias?.assign(value)
            return layer(x)
        }, at: bias, projection: projection)
        layer.bias?.assign(bias)

        FiniteDifferences.expectMatch(inputGradient, numericInput, shape: [4, 5], "input")
        FiniteDifferences.expectMatch(kernelGradient, numericKernel, shape: [5, 3], "kernel")
        FiniteDifferences.expectMatch(biasGradient, numericBias, shape: [3], "bias")
    }

    @Test("gradients of a 3-D input reach every step (central differences)")
    func finiteDifferenceSequence() {
        let layer = Dense(2, activation: .softplus, kernelInitializer: .glorotUniform(seed: 7))
        FiniteDifferences.expectGradientMatches(at: NNCheck.uniform([2, 3, 4], seed: 23)) { layer($0) }
    }

    @Test("an input whose size changed after build stops with the layer name and the shape")
    func inputSizeChange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let layer = Dense(3, name: "hidden")
            _ = layer(Tensor.ones([2, 4]))
            _ = layer(Tensor.ones([2, 5]))
        }
        #expect(NNCheck.standardError(result).contains("hidden: expected inputs with last dimension 4, got shape [2, 5]"))
    }

    @Test("units must be positive")
    func zeroUnits() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Dense(0)
        }
        #expect(NNCheck.standardError(result).contains("Dense: units must be positive, got 0"))
    }
}
