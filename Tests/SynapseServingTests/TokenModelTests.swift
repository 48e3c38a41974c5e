import Testing
@testable import SynapseServing

@Suite("Token-id models (an Embedding first) refuse ids outside the vocabulary")
struct TokenModelTests {
    /// `[3] int32 → Embedding(5, 2) → Flatten → Dense(2)`, seeded.
    static func tokenModel() throws -> ServedModel {
        Random.seed(7)
        let model = Sequential(name: "tiny_tokens") {
            Input(shape: [3], dtype: .int32)
            Embedding(inputDim: 5, outputDim: 2)
            Flatten()
            Dense(2)
        }
        return try ServedModel(model: model, name: "tokens")
    }

    @Test("ids in range make an int32 input; ids out of range or negative are a 400 that names the range")
    func vocabularyRange() throws {
        let served = try Self.tokenModel()
        #expect(served.inputs[0].vocabularySize == 5)
        let good = try served.makeInputs(PredictRequest(values: [0, 4, 2], count: 1, instanceShape: [3], columnar: false))
        #expect(good[0].dtype == .int32 && good[0].intScalars == [0, 4, 2])
        for bad: [Float] in [[0, 5, 1], [-1, 0, 0]] {
            do {
                _ = try served.makeInputs(PredictRequest(values: bad, count: 1, instanceShape: [3], columnar: false))
                Issue.record("ids \(bad) were accepted")
            } catch {
                #expect(error.status == .badRequest)
                #expect(error.message.contains("0..<5"), "\(error.message)")
            }
        }
    }

    @Test("a float model has no vocabulary check")
    func floatModels() throws {
        #expect(try ServingFixtures.classifier().inputs[0].vocabularySize == nil)
    }
}
