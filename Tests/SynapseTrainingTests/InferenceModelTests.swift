import Foundation
import Synchronization
import Testing
@testable import Synapse

/// Compiles only if `T` is `Sendable`: the check that strict Swift 6 code may share it.
private func requireSendable<T: Sendable>(_: T.Type) {}

@Suite("Inference snapshots shared across tasks")
struct InferenceModelTests {
    @Test("An InferenceModel is Sendable: captured by @Sendable task closures, with no unsafe opt-out")
    func isSendable() throws {
        requireSendable(InferenceModel.self)
        let input = Input(shape: [3])
        let snapshot = try Model(inputs: input, outputs: Dense(2)(input)).inferenceSnapshot()
        let task: @Sendable () -> [Int] = { snapshot.predict(Tensor.ones([1, 3])).shape }
        #expect(task() == [1, 2])
    }

    @Test("Predictions from 8 concurrent tasks on one snapshot are bit-identical to one thread's")
    func concurrentTasks() async throws {
        let (model, _) = FunctionalModelTests.residualModel(seed: 4)
        let snapshot = try model.inferenceSnapshot()
        let x = NNTestData.uniform([300, 8], seed: 6)
        let reference = model.predict(x, batchSize: 32).scalars.map(\.bitPattern)
        let results = await withTaskGroup(of: [UInt32].self) { group in
            for _ in 0..<8 {
                group.addTask { snapshot.predict(x, batchSize: 32).scalars.map(\.bitPattern) }
            }
            return await group.reduce(into: [[UInt32]]()) { $0.append($1) }
        }
        #expect(results.count == 8 && results.allSatisfy { $0 == reference })
    }

    @Test("A snapshot keeps its answers while the original trains; Sequential and multi-input models snapshot too")
    func independentOfTraining() throws {
        let sequential = Sequential {
            Input(shape: [2])
            Dense(4, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))
            Dense(1, kernelInitializer: .glorotUniform(seed: 2))
        }
        try sequential.compile(optimizer: "sgd", loss: "mse")
        let snapshot = try sequential.inferenceSnapshot()
        #expect(snapshot.inputShapes == [[2]] && snapshot.outputShapes == [[1]] && snapshot.parameterCount == sequential.parameterCount)
        let data = TrainingFixtures.linearData(count: 32)
        let before = snapshot.predict(data.x).scalars
        #expect(before == sequential.predict(data.x).scalars)
        sequential.fit(x: data.x, y: data.y, epochs: 2, batchSize: 8, shuffle: false, verbose: 0)
        #expect(snapshot.predict(data.x).scalars == before)
        #expect(sequential.predict(data.x).scalars != before)

        let a = Input(shape: [2], name: "a")
        let b = Input(shape: [2], name: "b")
        let pair = try Model(inputs: [a, b], outputs: [Add(name: "sum")([a, b]), Multiply(name: "product")([a, b])]).inferenceSnapshot()
        #expect(pair.inputNames == ["a", "b"] && pair.outputNames == ["sum", "product"])
        let outputs = pair.predict(["a": Tensor([[1, 2]]), "b": Tensor([[3, 4]])])
        #expect(outputs["sum"]?.scalars == [4, 6] && outputs["product"]?.scalars == [3, 8])
    }

    @Test("A Model subclass that cannot describe itself cannot be snapshot: a readable error, not a crash")
    func subclassRefused() {
        final class Custom: Model {
            let dense = Dense(2)
            override func forward(_ input: Tensor, training: Bool) -> Tensor { dense(input) }
        }
        let custom = Custom()
        _ = custom(Tensor.ones([1, 3]))
        #expect(throws: ModelFileError.self) { try custom.inferenceSnapshot() }
    }
}
