import Foundation
import SynapseConfig
import Testing
@testable import SynapseServing

@Suite("Serving applies the preprocessing saved with the model")
struct PreprocessingServingTests {
    /// A `[3] → Dense(1)` model saved with standardisation fitted on features of very
    /// different scales, as `synapse train` saves it.
    static func savedModel() throws -> (url: URL, model: Sequential, preprocessing: Preprocessing) {
        Random.seed(5)
        let model = Sequential(name: "scaled") {
            Input(shape: [3])
            Dense(1, activation: .sigmoid)
        }
        let training = Tensor([[1, 100, 0.01], [2, 300, 0.03], [3, 200, 0.02], [4, 400, 0.05]])
        var preprocessing = Preprocessing(standardize: true)
        preprocessing.fit(training)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("served-preprocessing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("scaled.safetensors")
        try SavedModel.save(model, preprocessing: preprocessing, to: url)
        return (url, model, preprocessing)
    }

    @Test("Raw feature rows are standardised before the forward pass, as synapse predict does")
    func standardisesInstances() throws {
        let (url, model, preprocessing) = try Self.savedModel()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let served = try ServedModel(contentsOf: url)
        #expect(served.preprocessing == preprocessing)
        let raw: [Float] = [2.5, 250, 0.025, 1, 100, 0.01]
        let inputs = try served.makeInputs(PredictRequest(values: raw, count: 2, instanceShape: [3], columnar: false))
        let rawTensor = Tensor(raw, shape: [2, 3])
        #expect(inputs[0].scalars == preprocessing.transform(rawTensor).scalars)
        // The answer is the model's on the standardised rows, not on the raw ones.
        let answered = served.model.predict(inputs[0]).scalars
        #expect(answered == model.predict(preprocessing.transform(rawTensor)).scalars)
        #expect(answered != model.predict(rawTensor).scalars)
    }

    @Test("A model saved without preprocessing takes its inputs unchanged")
    func noPreprocessing() throws {
        let served = try ServingFixtures.classifier()
        #expect(served.preprocessing == nil)
        let inputs = try served.makeInputs(PredictRequest(values: [0.5, -1, 2, 0], count: 1, instanceShape: [4], columnar: false))
        #expect(inputs[0].scalars == [0.5, -1, 2, 0])
    }
}
