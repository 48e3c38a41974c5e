import Testing
@testable import SynapseNN

@Suite("Bidirectional and TimeDistributed wrappers")
struct BidirectionalTests {
    static let input = NNCheck.uniform([2, 4, 3], seed: 21)

    @Test("concat equals the forward output beside the backward copy's output put back in time order")
    func concatMatchesManual() {
        Random.seed(3)
        let layer = Bidirectional(LSTM(5, returnSequences: true))
        let output = withoutGradient { layer(Self.input) }
        #expect(output.shape == [2, 4, 10])
        #expect(layer.backwardLayer.goBackwards && !layer.forwardLayer.goBackwards)
        #expect(layer.backwardLayer.name == "backward_" + layer.forwardLayer.name)
        #expect(layer.backwardLayer.kernel.value.scalars != layer.forwardLayer.kernel.value.scalars, "each direction has its own weights")
        let forward = withoutGradient { layer.forwardLayer(Self.input) }
        let backward = withoutGradient { layer.backwardLayer(Self.input) }
        let reordered = backward.gather(Tensor(int32: [3, 2, 1, 0]), axis: 1)
        NNCheck.expectClose(output, Tensor.concatenate([forward, reordered], axis: -1), absolute: 0, relative: 0)
        #expect(layer.parameters.count == 6)
    }

    @Test("sum, mul and ave merge the two directions elementwise; the last step alone without returnSequences")
    func mergeModes() {
        for mode in [Bidirectional.MergeMode.sum, .mul, .ave] {
            Random.seed(4)
            let layer = Bidirectional(GRU(3), mergeMode: mode)
            let output = withoutGradient { layer(Self.input) }
            let forward = withoutGradient { layer.forwardLayer(Self.input) }
            let backward = withoutGradient { layer.backwardLayer(Self.input) }
            #expect(output.shape == [2, 3])
            let expected = switch mode {
            case .sum: forward + backward
            case .mul: forward * backward
            default: (forward + backward) * 0.5
            }
            NNCheck.expectClose(output, expected, absolute: 0, relative: 0)
        }
    }

    @Test("gradients of input and every weight match finite differences")
    func gradients() {
        Random.seed(5)
        LayerGradientCheck.expectGradientsMatch(Bidirectional(SimpleRNN(3, returnSequences: true)), at: Self.input)
        Random.seed(6)
        LayerGradientCheck.expectGradientsMatch(Bidirectional(LSTM(2), mergeMode: .sum), at: Self.input)
    }

    @Test("a mask reaches both directions: padded steps at the start change nothing")
    func masks() {
        Random.seed(7)
        let layer = Bidirectional(GRU(3))
        let ids = Tensor(int32: [0, 0, 2, 5, 0, 4, 1, 3], shape: [2, 4])
        let embedding = Embedding(inputDim: 6, outputDim: 3, maskZero: true)
        let vectors = withoutGradient { embedding(ids) }
        let mask = ids .!= Tensor(int32: [0], shape: [1])
        let masked = withoutGradient { layer(vectors, mask: mask) }
        // The first sequence without its two padded steps gives the same result.
        let trimmed = withoutGradient { layer(vectors[0..<1, 2..<4]) }
        NNCheck.expectClose(masked[0..<1], trimmed, absolute: 1e-6, relative: 1e-6)
    }

    @Test("TimeDistributed(Dense) applies one Dense to every step, with matching gradients")
    func timeDistributed() {
        Random.seed(8)
        let wrapper = TimeDistributed(Dense(4, activation: .tanh))
        let output = withoutGradient { wrapper(Self.input) }
        #expect(output.shape == [2, 4, 4])
        let dense = wrapper.layer
        for step in 0..<4 {
            let perStep = withoutGradient { dense(Self.input[0..., step]) }
            NNCheck.expectClose(output[0..., step], perStep, absolute: 1e-6, relative: 1e-6)
        }
        LayerGradientCheck.expectGradientsMatch(wrapper, at: Self.input)
    }
}
