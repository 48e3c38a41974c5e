import Foundation
import Testing
@testable import SynapseConfig

@Suite("Preprocessing: parsing, fitting, and the saved transform")
struct PreprocessingTests {
    @Test("standardize uses the training statistics and survives a JSON round trip")
    func standardizeRoundTrip() throws {
        var preprocessing = Preprocessing(standardize: true)
        preprocessing.fit(Tensor([1, 10, 3, 30], shape: [2, 2]))
        let transformed = preprocessing.transform(Tensor([2, 20], shape: [1, 2]))
        #expect(transformed.scalars == [0, 0])
        let copy = try Preprocessing(jsonText: try preprocessing.jsonText())
        #expect(copy == preprocessing)
        #expect(copy.transform(Tensor([3, 30], shape: [1, 2])).scalars == [1, 1])
    }

    @Test("normalize scales images per pixel and keeps their shape")
    func normalizeImages() {
        var preprocessing = Preprocessing(normalizeRange: [-1, 1])
        let images = Tensor([0, 0.5, 1, 1], shape: [2, 2, 1, 1])
        preprocessing.fit(images)
        let output = preprocessing.transform(images)
        #expect(output.shape == [2, 2, 1, 1])
        #expect(output.scalars == [-1, -1, 1, 1])
    }

    @Test("one_hot turns class ids into rows of the class count")
    func oneHot() {
        var preprocessing = Preprocessing(oneHot: true)
        preprocessing.classCount = 3
        let targets = preprocessing.targets(Tensor(int32: [2, 0]))
        #expect(targets.shape == [2, 3])
        #expect(targets.scalars == [0, 0, 1, 1, 0, 0])
    }

    @Test("The preprocessing section rejects mistakes at their line")
    func parseErrors() throws {
        let node = try ConfigNode.parse(text: "preprocessing:\n  standardize: yes please\n", file: "p.yaml")
        #expect(throws: ConfigError(file: "p.yaml", line: 2, key: "preprocessing.standardize",
                                    message: "must be true or false, found \"yes please\"")) {
            try Preprocessing.parse(node["preprocessing"])
        }
        let split = try ConfigNode.parse(text: "validation_split: 1.5\n", file: "p.yaml")
        #expect(throws: ConfigError.self) { try Preprocessing.parse(split) }
        let both = try ConfigNode.parse(text: "standardize: true\nnormalize: true\n", file: "p.yaml")
        #expect { try Preprocessing.parse(both) } throws: { ($0 as? ConfigError)?.line == 2 }
    }
}
