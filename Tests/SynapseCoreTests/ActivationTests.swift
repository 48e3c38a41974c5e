import Testing
@testable import SynapseCore

@Suite("Activations and softmax")
struct ActivationTests {
    static let shapes: [[Int]] = [[], [7], [2, 3], [2, 1, 4]]

    @Test("rectifier family on hand-computed inputs (Keras' default slope 0.3)")
    func rectifiers() {
        let x = Tensor([-1, 0, 2])
        expectClose(x.relu(), [0, 0, 2])
        expectClose(x.leakyRelu(), [-0.3, 0, 2])
        expectClose(x.leakyRelu(alpha: 0.01), [-0.01, 0, 2])
        expectClose(x.elu(), [-0.63212056, 0, 2])
        expectClose(x.elu(alpha: 2), [-1.2642411, 0, 2])
        expectClose(Tensor([-1, 0, 1]).selu(), [-1.1113307, 0, 1.0507010])
    }

    @Test("smooth activations on hand-computed inputs")
    func smoothActivations() {
        expectClose(Tensor([1, -1, 0, 2]).gelu(), [0.8413447, -0.15865526, 0, 1.9544997])
        expectClose(Tensor([1, -1, 0, 2]).gelu(approximate: true), [0.8411920, -0.15880801, 0, 1.9545977])
        expectClose(Tensor([0, 2, -2]).sigmoid(), [0.5, 0.8807971, 0.11920292])
        expectClose(Tensor([0.5, -0.5, 0]).tanh(), [0.46211716, -0.46211716, 0])
        expectClose(Tensor([0, 1, -1]).softplus(), [0.6931472, 1.3132616, 0.31326169])
        expectClose(Tensor([1, -3, 0]).softsign(), [0.5, -0.75, 0])
        expectClose(Tensor([1, -1, 0]).swish(), [0.7310586, -0.26894143, 0])
    }

    @Test("sigmoid and softplus are stable for large inputs")
    func stability() {
        expectClose(Tensor([100, -100]).sigmoid(), [1, 0], absolute: 1e-30)
        expectClose(Tensor([100, -100]).softplus(), [100, 0], absolute: 1e-38)   // log1p(e⁻¹⁰⁰) ≈ 3.7e-44
        expectClose(Tensor([-100, 100]).swish(), [0, 100], absolute: 1e-30)
        expectClose(Tensor([50, -50]).tanh(), [1, -1])
    }

    @Test("softmax of rows sums to one; the last axis is the default")
    func softmaxValues() {
        let x = Tensor([[1, 2, 3], [0, 0, 0]])
        expectClose(x.softmax(), [0.09003057, 0.24472847, 0.66524096, 1.0 / 3, 1.0 / 3, 1.0 / 3], shape: [2, 3])
        expectClose(x.logSoftmax(), [-2.407606, -1.4076059, -0.40760595, -1.0986123, -1.0986123, -1.0986123])
    }

    @Test("softmax along axis 0 normalises columns")
    func softmaxAlongFirstAxis() {
        let x = Tensor([[1, 2], [3, 5]])
        expectClose(x.softmax(axis: 0), [0.11920292, 0.04742587, 0.88079708, 0.95257413], shape: [2, 2])
        expectClose(x.logSoftmax(axis: -2).exp(), x.softmax(axis: 0))
    }

    @Test("softmax of a middle axis of a rank-3 tensor sums to one along it")
    func softmaxMiddleAxis() {
        let x = uniformTensor([2, 3, 4], seed: 21, low: -3, high: 3)
        let y = x.softmax(axis: 1)
        expectClose(y.sum(alongAxis: 1), [Float](repeating: 1, count: 8), shape: [2, 4])
        // Against the definition exp(x) / Σ exp(x).
        let e = x.exp()
        expectClose(y, e / e.sum(alongAxis: 1, keepDims: true), absolute: 1e-6)
    }

    @Test("log-softmax is stable for large logits")
    func logSoftmaxStability() {
        expectClose(Tensor([1000, 1001]).logSoftmax(), [-1.3132617, -0.31326169])
        expectClose(Tensor([-1000, 0]).softmax(), [0, 1])
        expectClose(Tensor([1e30, 1e30]).softmax(), [0.5, 0.5])
    }

    @Test("gradients of activations with a kink at zero, away from it", arguments: shapes)
    func kinkedGradients(shape: [Int]) {
        let x = awayFromZeroTensor(shape, seed: 22, low: 0.1, high: 2)
        GradientCheck.expectGradientsMatch(at: x) { $0.relu() }
        GradientCheck.expectGradientsMatch(at: x) { $0.leakyRelu() }
        GradientCheck.expectGradientsMatch(at: x) { $0.leakyRelu(alpha: 0.01) }
        GradientCheck.expectGradientsMatch(at: x) { $0.elu() }
        GradientCheck.expectGradientsMatch(at: x) { $0.elu(alpha: 0.5) }
        GradientCheck.expectGradientsMatch(at: x) { $0.selu() }
        GradientCheck.expectGradientsMatch(at: x) { $0.softsign() }
    }

    @Test("gradients of smooth activations", arguments: shapes)
    func smoothGradients(shape: [Int]) {
        let x = uniformTensor(shape, seed: 23, low: -3, high: 3)
        GradientCheck.expectGradientsMatch(at: x) { $0.gelu() }
        GradientCheck.expectGradientsMatch(at: x) { $0.gelu(approximate: true) }
        GradientCheck.expectGradientsMatch(at: x) { $0.sigmoid() }
        GradientCheck.expectGradientsMatch(at: x) { $0.tanh() }
        GradientCheck.expectGradientsMatch(at: x) { $0.softplus() }
        GradientCheck.expectGradientsMatch(at: x) { $0.swish() }
    }

    @Test("gradients of softmax and log-softmax along every axis", arguments: [0, 1, 2, -1])
    func softmaxGradients(axis: Int) {
        let x = uniformTensor([2, 3, 4], seed: 24, low: -2, high: 2)
        GradientCheck.expectGradientsMatch(at: x) { $0.softmax(axis: axis) }
        GradientCheck.expectGradientsMatch(at: x) { $0.logSoftmax(axis: axis) }
    }

    @Test("gradients of softmax on a vector and a single column")
    func softmaxGradientEdgeShapes() {
        GradientCheck.expectGradientsMatch(at: uniformTensor([5], seed: 25)) { $0.softmax() }
        GradientCheck.expectGradientsMatch(at: uniformTensor([3, 1], seed: 26)) { $0.logSoftmax() }
    }

    @Test("gradients at zero follow PyTorch: relu 0, leaky relu alpha")
    func gradientsAtZero() {
        let (_, relu) = valueAndGradient(at: Tensor([0])) { $0.relu().sum() }
        #expect(relu.scalars == [0])
        let (_, leaky) = valueAndGradient(at: Tensor([0])) { $0.leakyRelu(alpha: 0.2).sum() }
        expectClose(leaky, [0.2])
    }
}
