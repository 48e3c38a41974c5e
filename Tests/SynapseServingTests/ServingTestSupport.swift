import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SynapseServing

/// Small models and a server around them, for the serving tests.
enum ServingFixtures {
    /// `[4] → Dense(3, softmax)`, seeded.
    static func classifier(name: String = "classifier") throws -> ServedModel {
        Random.seed(7)
        let model = Sequential(name: "tiny_classifier") {
            Input(shape: [4])
            Dense(3, activation: .softmax)
        }
        return try ServedModel(model: model, name: name)
    }

    /// `[2, 2, 1] → Flatten → Dense(2)`, seeded: an image-shaped input.
    static func imageModel(name: String = "image") throws -> ServedModel {
        Random.seed(11)
        let model = Sequential(name: "tiny_image") {
            Input(shape: [2, 2, 1])
            Flatten()
            Dense(2)
        }
        return try ServedModel(model: model, name: name)
    }

    /// What the model itself predicts for `rows`, row-major.
    static func expected(_ served: ServedModel, _ rows: [[Float]]) -> [Float] {
        served.model.predict(Tensor(rows.flatMap { $0 }, shape: [rows.count] + served.inputShape)).scalars
    }

    static func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    /// Parses a JSON answer.
    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
    }

    /// The `error` message of a JSON error answer, or a note saying what came instead.
    static func errorMessage(_ response: TestResponse) -> String {
        let object = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
        return ((object as? [String: Any])?["error"] as? String) ?? "<no JSON error in: \(String(buffer: response.body))>"
    }

    /// Runs `body` against an in-process server (requests go straight to the responder).
    static func withServer<R>(_ models: [ServedModel], maxBodyBytes: Int = 1 << 20,
                              _ body: @Sendable (ModelServer, any TestClientProtocol) async throws -> R) async throws -> R {
        let server = try ModelServer(models: models, maxBodyBytes: maxBodyBytes)
        defer { server.batcher.shutdown() }
        let app = Application(responder: server)
        return try await app.test(.router) { client in try await body(server, client) }
    }
}
