import Foundation
import Testing
@testable import SynapseConfig

@Suite("Prediction output: CSV and JSON")
struct PredictionOutputTests {
    private let classified = [
        Prediction.Row(source: "a.png", classes: [.init(index: 7, name: "7", probability: 0.9), .init(index: 1, name: "1", probability: 0.05)],
                       values: []),
        Prediction.Row(source: "b.png", classes: [.init(index: 2, name: "2", probability: 0.5), .init(index: 3, name: "3", probability: 0.25)],
                       values: []),
    ]

    @Test("Classifier rows list the top classes in CSV")
    func classifierCSV() {
        #expect(Prediction.csv(classified) == """
            source,class,label,probability,class_2,label_2,probability_2
            a.png,7,7,0.9,1,1,0.05
            b.png,2,2,0.5,3,3,0.25

            """)
    }

    @Test("Classifier rows in JSON carry the best class and the top k")
    func classifierJSON() throws {
        let value = try ConfigValue(jsonText: Prediction.json(classified))
        let first = try #require(value.objectValue?["predictions"]?.arrayValue?.first?.objectValue)
        #expect(first["class"] == 7 && first["label"] == "7" && first["source"] == "a.png")
        #expect(first["top_k"]?.arrayValue?.count == 2)
    }

    @Test("Regression rows print their outputs")
    func regression() {
        let rows = [Prediction.Row(source: "x.csv:1", classes: nil, values: [1.5]), Prediction.Row(source: "x.csv:2", classes: nil, values: [-2])]
        #expect(Prediction.csv(rows) == "source,output\nx.csv:1,1.5\nx.csv:2,-2\n")
        #expect(Prediction.json(rows) == "{\"predictions\":[{\"outputs\":[1.5],\"source\":\"x.csv:1\"},{\"outputs\":[-2],\"source\":\"x.csv:2\"}]}\n")
    }
}
