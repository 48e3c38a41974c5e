import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SynapseServing

@Suite("ModelServer answers the TensorFlow Serving REST routes")
struct ModelServerTests {
    typealias F = ServingFixtures

    @Test("POST :predict answers the model's own predictions, sample by sample")
    func predict() async throws {
        let classifier = try F.classifier()
        let rows: [[Float]] = [[0.5, -1, 2, 0], [1, 1, 1, 1]]
        let expected = F.expected(classifier, rows)
        try await F.withServer([classifier]) { _, client in
            let text = #"{"instances": [[0.5, -1, 2, 0], [1, 1, 1, 1]]}"#
            try await client.execute(uri: "/v1/models/classifier:predict", method: .post, body: F.body(text)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let predictions = try #require(try F.json(response)["predictions"] as? [[Double]])
                #expect(predictions.count == 2 && predictions.allSatisfy { $0.count == 3 })
                #expect(predictions.flatMap { $0 }.map(Float.init) == expected)
            }
            // The versioned form and the columnar form answer the same numbers.
            try await client.execute(uri: "/v1/models/classifier/versions/1:predict", method: .post,
                                     body: F.body(#"{"inputs": [[0.5, -1, 2, 0]]}"#)) { response in
                let outputs = try #require(try F.json(response)["outputs"] as? [[Double]])
                #expect(outputs[0].map(Float.init) == Array(expected[0..<3]))
            }
        }
    }

    @Test("Image instances are accepted nested in the input shape or flat")
    func imageInstances() async throws {
        let image = try F.imageModel()
        let expected = F.expected(image, [[1, 2, 3, 4]])
        try await F.withServer([image]) { _, client in
            for instance in ["[[[1], [2]], [[3], [4]]]", "[1, 2, 3, 4]", "[[1, 2], [3, 4]]"] {
                try await client.execute(uri: "/v1/models/image:predict", method: .post, body: F.body("{\"instances\": [\(instance)]}")) { response in
                    #expect(response.status == .ok, "\(instance)")
                    let predictions = try #require(try F.json(response)["predictions"] as? [[Double]])
                    #expect(predictions[0].map(Float.init) == expected, "\(instance)")
                }
            }
            try await client.execute(uri: "/v1/models/image:predict", method: .post, body: F.body(#"{"instances": [[1, 2, 3]]}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(F.errorMessage(response) == "each instance of model 'image' must have shape [2, 2, 1] (4 values); got instances of shape [3] (3 values)")
            }
        }
    }

    @Test("Several models: the list, each one's metadata, and predictions by name")
    func severalModels() async throws {
        let models = [try F.classifier(name: "a"), try F.imageModel(name: "b")]
        try await F.withServer(models) { _, client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                let list = try #require(try F.json(response)["models"] as? [[String: Any]])
                #expect(list.compactMap { $0["name"] as? String } == ["a", "b"])
            }
            try await client.execute(uri: "/v1/models/b", method: .get) { response in
                let metadata = try F.json(response)
                #expect(metadata["name"] as? String == "b")
                #expect(metadata["version"] as? String == "1")
                let inputs = try #require(metadata["inputs"] as? [String: Any])
                #expect((inputs["shape"] as? [Any])?.count == 4)
                #expect((inputs["shape"] as? [Any])?.dropFirst().compactMap { $0 as? Int } == [2, 2, 1])
                #expect(inputs["dtype"] as? String == "float32")
                let outputs = try #require(metadata["outputs"] as? [String: Any])
                #expect((outputs["shape"] as? [Any])?.dropFirst().compactMap { $0 as? Int } == [2])
                #expect(metadata["parameters"] as? Int == 10)
            }
            try await client.execute(uri: "/v1/models/a:predict", method: .post, body: F.body(#"{"instances": [[1, 2, 3, 4]]}"#)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("Unknown models, routes and verbs are 404; wrong methods 405 with Allow; all with a JSON error")
    func notFound() async throws {
        try await F.withServer([try F.classifier()]) { _, client in
            try await client.execute(uri: "/v1/models/nope:predict", method: .post, body: F.body(#"{"instances": [1]}"#)) { response in
                #expect(response.status == .notFound)
                #expect(F.errorMessage(response) == "no model named 'nope'; this server serves 'classifier'")
            }
            try await client.execute(uri: "/v1/models/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/anything", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(F.errorMessage(response).hasPrefix("no route for GET /v2/anything"))
            }
            try await client.execute(uri: "/v1/models/classifier:classify", method: .post, body: F.body("{}")) { response in
                #expect(response.status == .notFound)
                #expect(F.errorMessage(response).contains(":predict"))
            }
            try await client.execute(uri: "/v1/models/classifier/versions/2:predict", method: .post, body: F.body("{}")) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/models/classifier:predict", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
                #expect(F.errorMessage(response).contains("use POST"))
            }
        }
    }

    @Test("Bad bodies are 400 and bodies over the limit 413, each saying what is wrong")
    func badBodies() async throws {
        try await F.withServer([try F.classifier()], maxBodyBytes: 200) { _, client in
            let cases: [(String, String)] = [
                ("{\"instances\": [[1, 2, 3, 4]", "expected ',' or ']'"),
                (#"{"instances": [[1, 2, "x", 4]]}"#, "instances[0][2]: expected a number, found a string"),
                (#"{"instances": [[1, 2, 3]]}"#, "must have shape [4]"),
                ("not json", "must be a JSON object"),
            ]
            for (text, fragment) in cases {
                try await client.execute(uri: "/v1/models/classifier:predict", method: .post, body: F.body(text)) { response in
                    #expect(response.status == .badRequest, "\(text)")
                    #expect(F.errorMessage(response).contains(fragment), "\(text)")
                }
            }
            let large = "{\"instances\": [" + Array(repeating: "[1, 2, 3, 4]", count: 30).joined(separator: ",") + "]}"
            try await client.execute(uri: "/v1/models/classifier:predict", method: .post, body: F.body(large)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(F.errorMessage(response).contains("limit of 200 bytes"))
            }
            // The server still answers after all of that.
            try await client.execute(uri: "/v1/models/classifier:predict", method: .post, body: F.body(#"{"instances": [[1, 2, 3, 4]]}"#)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("/healthz says ok; /metrics counts requests by route and status and has the latency histogram")
    func healthAndMetrics() async throws {
        try await F.withServer([try F.classifier()]) { _, client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/models/classifier:predict", method: .post, body: F.body(#"{"instances": [[1, 2, 3, 4], [0, 0, 0, 0]]}"#))
            }
            try await client.execute(uri: "/v1/models/x:predict", method: .post, body: F.body("{}"))
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"synapse_http_requests_total{route="/v1/models/{name}:predict",method="POST",status="200"} 3"#), "\(text)")
                #expect(text.contains(#"synapse_http_requests_total{route="/v1/models/{name}:predict",method="POST",status="404"} 1"#))
                #expect(text.contains(#"synapse_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
                #expect(text.contains(#"synapse_http_request_duration_seconds_bucket{route="/v1/models/{name}:predict",le="0.0005"}"#))
                #expect(text.contains(#"synapse_predict_instances_total{model="classifier"} 6"#))
            }
        }
    }
}
