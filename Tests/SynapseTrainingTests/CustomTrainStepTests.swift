import Testing
@testable import SynapseTraining

/// A model with a shared trunk and two scalar heads; its forward pass returns
/// both outputs side by side, `[batch, 2]`.
final class TwoHeadModel: Model {
    let trunk = TrainingFixtures.dense(8, activation: .tanh, seed: 21, name: "trunk")
    let headA = TrainingFixtures.dense(1, seed: 22, name: "head_a")
    let headB = TrainingFixtures.dense(1, seed: 23, name: "head_b")

    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let features = trunk(input, training: training)
        return Tensor.concatenate([headA(features, training: training), headB(features, training: training)], axis: 1)
    }
}

/// Keras' custom `train_step`: the loss is a weighted sum of a squared error on the
/// first head and an absolute error on the second, and the step logs both parts.
final class CustomObjectiveModel: Model {
    let body = TwoHeadModel()
    private(set) var customSteps = 0

    override func forward(_ input: Tensor, training: Bool) -> Tensor { body(input, training: training) }

    override func trainStep(x: Tensor, y: Tensor) -> Logs {
        let prediction = self(x, training: true)
        let first = (prediction.narrowed(axis: 1, start: 0, length: 1) - y.narrowed(axis: 1, start: 0, length: 1)).square().mean()
        let second = (prediction.narrowed(axis: 1, start: 1, length: 1) - y.narrowed(axis: 1, start: 1, length: 1)).abs().mean()
        let total = first + 0.5 * second
        applyGradients(of: total)
        updateMetrics(yTrue: y, yPred: prediction.detached())
        customSteps += 1
        return ["loss": total.item, "first": first.item, "second": second.item]
    }
}

@Suite("Custom training steps")
struct CustomTrainStepTests {
    /// Targets for the two heads: a product plus a term, and a difference of the inputs.
    private func data() -> (x: Tensor, y: Tensor) {
        let (x, _) = TrainingFixtures.linearData(count: 48)
        let values = x.scalars
        let targets = (0..<48).flatMap { row -> [Float] in
            let (a, b) = (values[row * 2], values[row * 2 + 1])
            return [a * b + a, a - 0.5 * b]
        }
        return (x, Tensor(targets, shape: [48, 2]))
    }

    @Test("a Model subclass overriding trainStep trains with fit, and its extra logs reach the history")
    func customObjectiveTrains() {
        let model = CustomObjectiveModel()
        model.compile(optimizer: Adam(learningRate: 0.02), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        let (x, y) = data()
        let history = model.fit(x: x, y: y, epochs: 40, batchSize: 12, shuffle: false, verbose: 0)
        #expect(model.customSteps == 40 * 4)
        #expect(history.keys == ["first", "loss", "mae", "second"])
        let losses = history.values["loss"]!
        let firsts = history.values["first"]!
        let seconds = history.values["second"]!
        #expect(losses.last! < 0.2 * losses.first!, "custom loss went \(losses.first!) → \(losses.last!)")
        #expect(firsts.last! < firsts.first! && seconds.last! < seconds.first!, "both heads must learn")
        // The custom step updates every layer of the nested model: trunk and both heads.
        #expect(model.trainableParameters.count == 6)
        #expect(model.optimizer?.parameters.count == 6)
    }

    @Test("evaluate on a subclass uses the compiled loss on the forward output (testStep not overridden)")
    func evaluateUsesCompiledLoss() {
        let model = CustomObjectiveModel()
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        let (x, y) = data()
        let prediction = model(x)
        let expected = zip(prediction.scalars, y.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(y.scalarCount)
        #expect(TrainingFixtures.close(model.evaluate(x: x, y: y)["loss"]!, expected))
    }

    @Test("a subclass found its sublayers by reflection, so parameters and names are complete")
    func subclassParameters() {
        let model = TwoHeadModel()
        _ = model(Tensor.zeros([2, 3]))
        #expect(model.sublayers.map(\.name) == ["trunk", "head_a", "head_b"])
        #expect(model.namedParameters.map(\.name) == [
            "two_head_model.trunk.kernel", "two_head_model.trunk.bias",
            "two_head_model.head_a.kernel", "two_head_model.head_a.bias",
            "two_head_model.head_b.kernel", "two_head_model.head_b.bias",
        ])
        #expect(model.predict(Tensor.zeros([5, 3])).shape == [5, 2])
    }
}
