import Foundation
import Testing
@testable import SynapseServing

@Suite("Serving functional models")
struct FunctionalServingTests {
    /// A functional token model with a residual connection, saved and loaded as
    /// `synapse serve` loads it.
    @Test("a saved functional model serves: same answers, vocabulary checked; several inputs are refused with a reason")
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
        #expect(served.vocabularySize == 9 && served.architectureName == "residual_tokens")
        let input = try served.makeInput(PredictRequest(values: [1, 8, 0, 3, 2, 2, 7, 5], count: 2, instanceShape: [4], columnar: false))
        #expect(served.model.predict(input).scalars == model.predict(input).scalars)
        #expect(throws: ServingError.self) {
            _ = try served.makeInput(PredictRequest(values: [1, 9, 0, 3], count: 1, instanceShape: [4], columnar: false))
        }

        let a = Input(shape: [2])
        let b = Input(shape: [2])
        let twoInputs = Model(inputs: [a, b], outputs: Add()([a, b]), name: "pair")
        do {
            _ = try ServedModel(model: twoInputs, name: "pair")
            Issue.record("a model with two inputs was accepted")
        } catch {
            #expect(error.message.contains("has 2 inputs and 1 outputs"), "\(error.message)")
        }
    }
}
