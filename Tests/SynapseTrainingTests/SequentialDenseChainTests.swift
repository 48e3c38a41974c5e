import Testing
@testable import SynapseCore
@testable import SynapseNN
@testable import SynapseTraining

/// `predict` on a stack of dense layers takes the fused chain; its result is the
/// layers' own, and stacks with other layers keep the layer-by-layer path.
@Suite("Sequential dense chain")
struct SequentialDenseChainTests {
    @Test("one sample through Input, Dense(ReLU), Dropout, Dense(softmax): the chain's result is the layers' result")
    func fusedStack() throws {
        Random.seed(5)
        let model = Sequential {
            Input(shape: [30])
            Dense(24, activation: .relu)
            Dropout(0.5)
            Dense(4, activation: .softmax)
        }
        var generator = RandomGenerator(seed: 6)
        let x = Tensor.randomUniform([1, 30], low: -1, high: 1, generator: &generator)
        _ = model.predict(x)
        let chained = try #require(withoutGradient { model.denseChainForward(x) })
        let layered = withoutGradient { model.layers.reduce(x) { $1($0, training: false) } }
        #expect(chained.scalars == layered.scalars)
        #expect(model.predict(x).scalars == layered.scalars)
    }

    @Test("a stack with another activation, or gradients on, or a mismatched input, runs layer by layer")
    func notFused() {
        Random.seed(7)
        let model = Sequential {
            Input(shape: [6])
            Dense(5, activation: .sigmoid)
            Dense(2)
        }
        let x = Tensor.ones([1, 6])
        let predicted = model.predict(x)
        #expect(withoutGradient { model.denseChainForward(x) } == nil)
        #expect(predicted.shape == [1, 2])
        let plain = Sequential {
            Input(shape: [6])
            Dense(3, activation: .relu)
        }
        _ = plain.predict(x)
        #expect(plain.denseChainForward(x) == nil, "gradients are on outside withoutGradient")
        #expect(withoutGradient { plain.denseChainForward(Tensor.ones([1, 7])) } == nil)
    }
}
