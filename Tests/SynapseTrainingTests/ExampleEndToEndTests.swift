import Foundation
import Testing
@testable import SynapseTraining

/// The xor and pima examples, replayed with fixed seeds (42 is the examples' default).
///
/// Each replay runs in its own process (an exit test): the examples seed the
/// process-wide generator with `Random.seed`, and other suites drawing from it in
/// parallel would change the initial weights. The child prints its numbers on
/// standard error as `RESULT key=value ...` lines; the checks happen here, so a
/// failure shows the measured values.
@Suite("Examples end to end")
struct ExampleEndToEndTests {
    /// One dictionary per `RESULT` line of the child's standard error, in order.
    private func results(_ bytes: [UInt8]) -> [[String: [Float]]] {
        TrainingFixtures.text(bytes).split(separator: "\n").filter { $0.hasPrefix("RESULT ") }.map { line in
            var values: [String: [Float]] = [:]
            for pair in line.dropFirst("RESULT ".count).split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                values[String(parts[0])] = parts[1].split(separator: ",").compactMap { Float(String($0)) }
            }
            return values
        }
    }

    private static func report(_ fields: [(String, Any)]) {
        let line = "RESULT " + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    @Test("XOR with the Model API: 2-4-1, tanh, SGD 0.5, MSE, 2000 full-batch epochs learns all four cases")
    func xor() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            Random.seed(42)
            let x = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
            let y = Tensor([[0], [1], [1], [0]])
            let model = Sequential {
                Input(shape: [2])
                Dense(4, activation: .tanh)
                Dense(1, activation: .sigmoid)
            }
            model.compile(optimizer: SGD(learningRate: 0.5), loss: MeanSquaredError())
            let history = model.fit(x: x, y: y, epochs: 2000, batchSize: 4, shuffle: false, verbose: 0)
            let losses = history.values["loss"] ?? []
            ExampleEndToEndTests.report([
                ("loss", losses.last ?? .nan), ("first", losses.first ?? .nan),
                ("predictions", model.predict(x).scalars.map { String($0) }.joined(separator: ",")),
            ])
        }
        let output = try #require(result).standardErrorContent
        let values = try #require(results(output).first, "no RESULT line")
        let loss = try #require(values["loss"]?.first)
        let predictions = try #require(values["predictions"])
        // Measured: 5.3e-4 at seed 42 and at most 8.4e-4 over seeds 1–10. A network that
        // does not learn XOR stays at 0.25 (or ~0.125 when it solves two of the four cases).
        #expect(loss < 0.01, "final loss \(loss)")
        #expect(values["first"]!.first! > 0.2, "training must start from an unsolved problem")
        #expect(predictions.map { $0.rounded() } == [0, 1, 1, 0], "predictions \(predictions)")
        #expect(zip(predictions, [Float(0), 1, 1, 0]).allSatisfy { Swift.abs($0 - $1) < 0.1 }, "predictions \(predictions)")
    }

    @Test("Pima diabetes: standardised features, 10-8-1 ReLU network, Adam, BCE, 100 epochs of 10 beat the majority class")
    func pima() async throws {
        // Without Random: the split has its own seed, so the majority-class rate can be computed here.
        let (features, labels) = try PimaDiabetes.load()
        #expect(features.shape == [768, 8])
        let testLabels = trainTestSplit(features, labels, testFraction: 0.2, seed: 42).yTest.scalars
        let negatives = Float(testLabels.filter { $0 == 0 }.count)
        let majority = Swift.max(negatives, Float(testLabels.count) - negatives) / Float(testLabels.count)

        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let (features, labels) = try PimaDiabetes.load()
            let split = trainTestSplit(features, labels, testFraction: 0.2, seed: 42)
            var scaler = StandardScaler()
            scaler.fit(split.xTrain)
            let (xTrain, xTest) = (scaler.transform(split.xTrain), scaler.transform(split.xTest))
            for seed: UInt64 in [42, 1, 2] {
                Random.seed(seed)
                let model = Sequential(name: "pima") {
                    Input(shape: [8])
                    Dense(10, activation: .relu)
                    Dense(8, activation: .relu)
                    Dense(1, activation: .sigmoid)
                }
                try model.compile(optimizer: Adam(), loss: "binary_crossentropy", metrics: ["accuracy", "auc"])
                let history = model.fit(x: xTrain, y: split.yTrain, epochs: 100, batchSize: 10, verbose: 0)
                let test = model.evaluate(x: xTest, y: split.yTest)
                ExampleEndToEndTests.report([
                    ("seed", seed), ("accuracy", test["accuracy"] ?? .nan), ("auc", test["auc"] ?? .nan),
                    ("train_loss", history.values["loss"]?.last ?? .nan),
                    ("train_accuracy", history.values["accuracy"]?.last ?? .nan),
                ])
            }
        }
        let output = try #require(result).standardErrorContent
        let runs = results(output)
        try #require(runs.count == 3, "expected three RESULT lines, got \(runs)")
        func values(_ key: String) -> [Float] { runs.map { $0[key]?.first ?? .nan } }
        let (accuracy, auc) = (values("accuracy"), values("auc"))
        let (trainLoss, trainAccuracy) = (values("train_loss"), values("train_accuracy"))
        let summary = "accuracy \(accuracy), AUC \(auc), training loss \(trainLoss), training accuracy \(trainAccuracy), "
            + "majority class \(majority)"

        // Measured (seeds 42, 1, 2): test accuracy 0.721, 0.714, 0.753; AUC 0.786, 0.772,
        // 0.770; training loss 0.383, 0.389, 0.386; training accuracy 0.826, 0.816, 0.826.
        //
        // Always answering "no diabetes" scores the majority rate, 0.688 on this split
        // (106 of 154 rows). Accuracy on 154 rows is jumpy: over initialisation seeds
        // 1–12 it ranged 0.688–0.753 (one seed landed exactly on the majority rate while
        // its AUC was 0.79), so a single run is a fragile test. The mean over three seeds
        // must reach 0.70; the threshold-free AUC (0.767–0.802 over those 12 seeds, 0.5 for
        // a constant or broken model) and the training fit (loss 0.366–0.402 and accuracy
        // 0.811–0.839; a constant prediction stays near the labels' entropy, 0.65, and 0.64)
        // must hold for every run.
        #expect(majority > 0.68 && majority < 0.70, "the split changed: \(summary)")
        #expect(accuracy.reduce(0, +) / 3 >= 0.70, "mean test accuracy too low: \(summary)")
        #expect(accuracy[0] > majority, "seed 42 must beat the majority class: \(summary)")
        #expect(auc.allSatisfy { $0 >= 0.75 }, "\(summary)")
        #expect(trainLoss.allSatisfy { $0 < 0.45 }, "\(summary)")
        #expect(trainAccuracy.allSatisfy { $0 >= 0.78 }, "\(summary)")
    }
}
