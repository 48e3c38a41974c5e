import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SynapseServing

@Suite("Serving functional models")
struct FunctionalServingTests {
    /// A functional token model with a residual connection, saved and loaded as
    /// `synapse serve` loads it.
    @Test("a saved functional model serves: same answers, vocabulary checked")
    func servesFunctionalModel() throws {
        let tokens = Input(shape: [4], dtype: .int32, name: "tokens")
        let embedded = Embedding(inputDim: 9, outputDim: 3, embeddingsInitializer: RandomUniform(minimum: -1, maximum: 1, seed: 1))(tokens)
        let flat = Flatten()(embedded)
        let hidden = Dense(12, activation: .relu, kernelInitializer: .glorotUniform(seed: 2))(flat)
        let outputs = Dense(2, activation: .softmax, kernelInitializer: .glorotUniform(seed: 3))(Add()([hidden, flat]))
        let model = Model(inputs: tokens, outputs: outputs, name: "residual_tokens")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-functional-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("residual.safetensors")
        try model.save(to: url)

        let served = try ServedModel(contentsOf: url)
        #expect(served.inputShape == [4] && served.inputDType == .int32 && served.outputShape == [2])
        #expect(served.inputs[0].vocabularySize == 9 && served.architectureName == "residual_tokens")
        let input = try served.makeInputs(PredictRequest(values: [1, 8, 0, 3, 2, 2, 7, 5], count: 2, instanceShape: [4], columnar: false))
        #expect(served.model.predict(input[0]).scalars == model.predict(input[0]).scalars)
        #expect(throws: ServingError.self) {
            _ = try served.makeInputs(PredictRequest(values: [1, 9, 0, 3], count: 1, instanceShape: [4], columnar: false))
        }
    }

    /// Two inputs ("tokens" int32 [3] through an Embedding, "features" [2]) and two
    /// outputs ("score" [1], "classes" [3]), saved and loaded.
    static func twoByTwoModel() throws -> (model: Model, served: ServedModel) {
        let tokens = Input(shape: [3], dtype: .int32, name: "tokens")
        let features = Input(shape: [2], name: "features")
        let embedded = Flatten()(Embedding(inputDim: 6, outputDim: 2, embeddingsInitializer: RandomUniform(minimum: -1, maximum: 1, seed: 4))(tokens))
        let joined = Concatenate()([embedded, features])
        let score = Dense(1, kernelInitializer: .glorotUniform(seed: 5), name: "score")(joined)
        let classes = Dense(3, activation: .softmax, kernelInitializer: .glorotUniform(seed: 6), name: "classes")(joined)
        let model = Model(inputs: [tokens, features], outputs: [score, classes], name: "two_by_two")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-multi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("two_by_two.safetensors")
        try model.save(to: url)
        return (model, try ServedModel(contentsOf: url))
    }

    @Test("A model with several inputs and outputs serves TF Serving's columnar and row forms by name")
    func servesSeveralInputsAndOutputs() async throws {
        let (model, served) = try Self.twoByTwoModel()
        #expect(served.inputs.map(\.name) == ["tokens", "features"] && served.outputs.map(\.name) == ["score", "classes"])
        #expect(served.inputs.map(\.dtype) == [.int32, .float32] && served.outputs.map(\.shape) == [[1], [3]])
        #expect(served.inputs[0].vocabularySize == 6 && served.inputs[1].vocabularySize == nil)
        let expected = model.predict(["tokens": Tensor(int32: [1, 5, 0, 2, 2, 3], shape: [2, 3]),
                                      "features": Tensor([0.5, -1, 2, 0.25], shape: [2, 2])])
        let (score, classes) = (expected["score"]!.scalars.map(Double.init), expected["classes"]!.scalars.map(Double.init))
        try await ServingFixtures.withServer([served]) { _, client in
            let columnar = #"{"inputs": {"features": [[0.5, -1], [2, 0.25]], "tokens": [[1, 5, 0], [2, 2, 3]]}}"#
            try await client.execute(uri: "/v1/models/two_by_two:predict", method: .post, body: ServingFixtures.body(columnar)) { response in
                #expect(response.status == .ok)
                let outputs = try #require(try ServingFixtures.json(response)["outputs"] as? [String: Any])
                let scores = try #require(outputs["score"] as? [[Double]])
                let probabilities = try #require(outputs["classes"] as? [[Double]])
                #expect(scores.flatMap { $0 }.map(Float.init) == score.map(Float.init))
                #expect(probabilities.flatMap { $0 }.map(Float.init) == classes.map(Float.init))
            }
            // An instance sent alone answers as it did within a batch of two, up to the
            // rounding of a one-row product (summed in another order than a batch's GEMM).
            try await client.execute(uri: "/v1/models/two_by_two:predict", method: .post,
                                     body: ServingFixtures.body(#"{"inputs": {"tokens": [[2, 2, 3]], "features": [[2, 0.25]]}}"#)) { response in
                let outputs = try #require(try ServingFixtures.json(response)["outputs"] as? [String: Any])
                let alone = try #require((outputs["classes"] as? [[Double]])?.first)
                #expect(alone.count == 3)
                #expect(zip(alone, classes[3..<6]).allSatisfy { Swift.abs($0 - $1) < 1e-6 }, "\(alone) against \(classes[3..<6])")
            }
            try await client.execute(uri: "/v1/models/two_by_two", method: .get) { response in
                let metadata = try ServingFixtures.json(response)
                let inputs = try #require(metadata["inputs"] as? [String: [String: Any]])
                #expect(inputs["tokens"]?["dtype"] as? String == "int32")
                let outputs = try #require(metadata["outputs"] as? [String: [String: Any]])
                #expect(Set(outputs.keys) == ["score", "classes"])
            }
            let failures: [(String, String)] = [
                (#"{"instances": [[1, 2, 3]]}"#,
                 #"model 'two_by_two' has 2 inputs (tokens, features); send {"inputs": {"tokens": [...], ...}} with one list per input"#),
                (#"{"inputs": {"tokens": [[1, 2, 3]]}}"#,
                 #"the request has no instances for input "features" of model 'two_by_two'; its inputs are tokens, features"#),
                (#"{"inputs": {"tokens": [[1, 2, 3]], "features": [[1, 2]], "extra": [[1]]}}"#,
                 #"model 'two_by_two' has no input named "extra"; its inputs are tokens, features"#),
                (#"{"inputs": {"tokens": [[1, 2, 3], [1, 1, 1]], "features": [[1, 2]]}}"#,
                 #"every input needs the same number of instances; "features" has 1, an earlier one 2"#),
                (#"{"inputs": {"tokens": [[1, 2, 9]], "features": [[1, 2]]}}"#,
                 "model 'two_by_two' takes token ids in 0..<6; value 9 at position 2 of instance 0 is out of range"),
                (#"{"inputs": {"tokens": [[1, 2, 3]], "features": [[1, 2, 3]]}}"#,
                 #"each instance of input "features" of model 'two_by_two' must have shape [2] (2 values); got instances of shape [3] (3 values)"#),
            ]
            for (body, message) in failures {
                try await client.execute(uri: "/v1/models/two_by_two:predict", method: .post, body: ServingFixtures.body(body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(ServingFixtures.errorMessage(response) == message)
                }
            }
        }
    }

    @Test("Row-form requests to a model with several outputs answer one object per instance")
    func rowAnswersByOutputName() async throws {
        let single = try Self.singleInputTwoOutputs()
        let expected = single.model.predict([Tensor([1, 2, 3, 4], shape: [2, 2])])
        try await ServingFixtures.withServer([single.served]) { _, client in
            try await client.execute(uri: "/v1/models/fork:predict", method: .post,
                                     body: ServingFixtures.body(#"{"instances": [[1, 2], [3, 4]]}"#)) { response in
                #expect(response.status == .ok)
                let predictions = try #require(try ServingFixtures.json(response)["predictions"] as? [[String: Any]])
                #expect(predictions.count == 2)
                #expect((predictions[1]["sum"] as? [Double])?.map(Float.init) == [expected[0].scalars[1]])
                #expect((predictions[0]["pair"] as? [Double])?.map(Float.init) == Array(expected[1].scalars[0..<2]))
            }
        }
    }

    /// One input [2] and two outputs: "sum" [1] and "pair" [2].
    static func singleInputTwoOutputs() throws -> (model: Model, served: ServedModel) {
        let input = Input(shape: [2], name: "values")
        let sum = Dense(1, kernelInitializer: .glorotUniform(seed: 7), name: "sum")(input)
        let pair = Dense(2, kernelInitializer: .glorotUniform(seed: 8), name: "pair")(input)
        let model = Model(inputs: [input], outputs: [sum, pair], name: "fork")
        return (model, try ServedModel(model: model, name: "fork"))
    }
}
