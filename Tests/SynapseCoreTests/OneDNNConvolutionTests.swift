import Testing
@testable import SynapseCore

/// oneDNN's convolution primitives, called directly (whatever geometries the CPU
/// backend's rule sends them), against the sum over window taps, and against the
/// im2col path on layer-sized shapes.
@Suite("oneDNN convolution primitives")
struct OneDNNConvolutionTests {
    static let geometries = BackendConformanceTests.windowGeometries + [
        // A stride that leaves input rows and columns unread: negative padding after.
        WindowGeometry(inputShape: [2, 10, 9, 2], window: (3, 3), strides: (2, 2), padding: .valid)!,
        WindowGeometry(inputShape: [1, 6, 7, 3], window: (3, 2), strides: (1, 1), padding: .causal)!,
    ]

    @Test("forward (with and without a bias), input gradient and kernel gradient equal the sums over window taps", arguments: geometries)
    func matchesTapSums(geometry g: WindowGeometry) {
        let outChannels = 3
        let inputCount = Shape.elementCount(g.inputShape)
        let outputCount = g.patchCount * outChannels
        let reference = BackendConformanceTests.TapSumConvolution(g, outChannels: outChannels)
        let (x, kernel, gradient) = (reference.x, reference.kernel, reference.gradient)
        let (output, inputGradient, kernelGradient) = (reference.output, reference.inputGradient,
                                                       reference.kernelGradient)
        var computedOutput = [Float](repeating: .nan, count: outputCount)
        var computedInputGradient = [Float](repeating: .nan, count: inputCount)
        var computedKernelGradient = [Float](repeating: .nan, count: kernel.count)
        #expect(OneDNNConvolution.forward(x, kernel, into: &computedOutput, geometry: g, outChannels: outChannels))
        #expect(OneDNNConvolution.inputGradient(gradient, kernel, into: &computedInputGradient, geometry: g,
                                                outChannels: outChannels))
        #expect(OneDNNConvolution.kernelGradient(x, gradient, into: &computedKernelGradient, geometry: g,
                                                 outChannels: outChannels))
        #expect(computedOutput == output)
        let bias: [Float] = (0..<outChannels).map { Float($0) - 1 }
        #expect(OneDNNConvolution.forward(x, kernel, bias: bias, into: &computedOutput, geometry: g,
                                          outChannels: outChannels))
        #expect(computedOutput == output.enumerated().map { $1 + bias[$0 % outChannels] }, "with a bias")
        #expect(computedInputGradient == inputGradient)
        #expect(computedKernelGradient == kernelGradient)
    }

    /// A slow reference kernel would pass the tests above and lose the speed the
    /// rule was measured with: every direction of W2's layers must get a JIT kernel.
    @Test("W2's layers get oneDNN's JIT kernels, not its reference implementation")
    func implementations() {
        for (shape, out) in [([64, 28, 28, 1], 32), ([64, 13, 13, 32], 64), ([64, 5, 5, 64], 64)] {
            let g = WindowGeometry(inputShape: shape, window: (3, 3), strides: (1, 1), padding: .valid)!
            for direction in [OneDNNConvolution.Direction.forward, .inputGradient, .kernelGradient] {
                let name = OneDNNConvolution.implementation(geometry: g, outChannels: out, direction: direction)
                #expect(name != nil && name?.contains("ref") == false, "\(shape) \(direction): \(name ?? "none")")
            }
        }
    }

    /// Layer-sized shapes (W2's first and second convolution, a strided "same" one):
    /// the two kernel paths agree within float32 rounding of their different orders.
    @Test("oneDNN and im2col + GEMM agree on layer-sized convolutions", arguments: [
        WindowGeometry(inputShape: [8, 28, 28, 1], window: (3, 3), strides: (1, 1), padding: .valid)!,
        WindowGeometry(inputShape: [8, 13, 13, 32], window: (3, 3), strides: (1, 1), padding: .valid)!,
        WindowGeometry(inputShape: [4, 28, 28, 32], window: (3, 3), strides: (2, 2), padding: .same)!,
    ])
    func agreesWithIm2col(geometry g: WindowGeometry) {
        let backend = CPUBackend()
        let outChannels = 64
        var generator = RandomGenerator(seed: 5)
        let x = (0..<Shape.elementCount(g.inputShape)).map { _ in generator.nextUniform() * 2 - 1 }
        let kernel = (0..<(g.patchSize * outChannels)).map { _ in generator.nextUniform() * 0.4 - 0.2 }
        let gradient = (0..<(g.patchCount * outChannels)).map { _ in generator.nextUniform() * 2 - 1 }
        let (im2colOutput, _) = backend.im2colConv2D(backend.store(x), backend.store(kernel), bias: nil, geometry: g,
                                                     outChannels: outChannels)
        var output = [Float](repeating: .nan, count: g.patchCount * outChannels)
        #expect(OneDNNConvolution.forward(x, kernel, into: &output, geometry: g, outChannels: outChannels))
        expectClose(output, backend.floats(im2colOutput, output.count), absolute: 1e-4, relative: 1e-4)

        let im2colInputGradient = backend.im2colConv2DInputGradient(backend.store(gradient), backend.store(kernel),
                                                                    geometry: g, outChannels: outChannels)
        var inputGradient = [Float](repeating: .nan, count: x.count)
        #expect(OneDNNConvolution.inputGradient(gradient, kernel, into: &inputGradient, geometry: g,
                                                outChannels: outChannels))
        expectClose(inputGradient, backend.floats(im2colInputGradient, x.count), absolute: 1e-4, relative: 1e-4)

        let im2colKernelGradient = backend.im2colConv2DKernelGradient(backend.store(x), backend.store(gradient),
                                                                      geometry: g, outChannels: outChannels,
                                                                      saved: nil)
        var kernelGradient = [Float](repeating: .nan, count: kernel.count)
        #expect(OneDNNConvolution.kernelGradient(x, gradient, into: &kernelGradient, geometry: g,
                                                 outChannels: outChannels))
        expectClose(kernelGradient, backend.floats(im2colKernelGradient, kernel.count), absolute: 1e-3,
                    relative: 1e-4)
    }
}
