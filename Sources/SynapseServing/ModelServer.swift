import Foundation
import Hummingbird
import Logging
import Synapse

/// Answers HTTP requests for a set of models, following the TensorFlow Serving
/// REST convention so existing clients work:
///
/// | request | answer |
/// | --- | --- |
/// | `GET /v1/models` | `{"models": [{"name": "mnist", "version": "1"}, ...]}` |
/// | `GET /v1/models/NAME` | metadata: input and output shapes and dtypes, version, parameters |
/// | `POST /v1/models/NAME:predict` with `{"instances": [...]}` | `{"predictions": [...]}` |
/// | `GET /healthz` | `{"status": "ok"}` |
/// | `GET /metrics` | Prometheus text (see ``ServerMetrics``) |
///
/// `/v1/models/NAME/versions/1` and `.../versions/1:predict` are accepted too. Every
/// mistake is a 4xx answer `{"error": "..."}` that says what is wrong: malformed
/// JSON, wrong shapes and non-numbers (400), unknown models and routes (404), a wrong
/// method (405), a body over the limit (413). Forward passes run on the
/// ``InferenceBatcher``'s thread, never on the event loop.
///
/// ```swift
/// let server = try ModelServer(models: [ServedModel(contentsOf: url)])
/// let app = Application(responder: server, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// try await app.runService()
/// ```
public struct ModelServer: HTTPResponder {
    /// The request context (Hummingbird's basic one).
    public typealias Context = BasicRequestContext

    /// The models by name, and their names in the order given.
    public let models: [String: ServedModel]
    /// The served names, in the order given.
    public let modelNames: [String]
    /// Runs the forward passes.
    public let batcher: InferenceBatcher
    /// Request counts and latencies.
    public let metrics: ServerMetrics
    /// The largest request body accepted, in bytes; larger ones get 413.
    public let maxBodyBytes: Int

    /// - Parameters:
    ///   - models: the models to serve (names must differ).
    ///   - batching: how requests are batched (default: up to 64 instances, 2 ms wait).
    ///   - maxBodyBytes: the largest body accepted (default 16 MiB).
    ///   - metrics: where to count (a fresh registry by default).
    /// - Throws: ``ServingError`` for no models or two models with one name.
    public init(models: [ServedModel], batching: InferenceBatcher.Configuration = .init(),
                maxBodyBytes: Int = 16 << 20, metrics: ServerMetrics = ServerMetrics()) throws(ServingError) {
        guard !models.isEmpty else { throw ServingError(.internalServerError, "no models to serve") }
        var byName: [String: ServedModel] = [:]
        for model in models {
            guard byName[model.name] == nil else {
                throw ServingError(.internalServerError, "two models are named '\(model.name)'; give them different names (--name)")
            }
            byName[model.name] = model
        }
        guard maxBodyBytes > 0 else { throw ServingError(.internalServerError, "the body limit must be positive, got \(maxBodyBytes)") }
        self.models = byName
        self.modelNames = models.map(\.name)
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        self.batcher = InferenceBatcher(configuration: batching) { name, instances in
            metrics.recordBatch(model: name, instances: instances)
        }
    }

    /// Routes one request, turns every ``ServingError`` into its JSON answer, and
    /// counts it.
    ///
    /// - Parameters:
    ///   - request: the HTTP request.
    ///   - context: Hummingbird's request context (its logger records failed requests at debug level).
    /// - Returns: the answer: JSON for the model routes and errors, Prometheus text for `/metrics`.
    /// - Throws: nothing in practice: every error becomes an error response (the signature is
    ///   `HTTPResponder`'s).
    public func respond(to request: Request, context: Context) async throws -> Response {
        let start = ContinuousClock.now
        var route = "unmatched"
        let response: Response
        do {
            response = try await dispatch(request, context: context, route: &route)
        } catch {
            context.logger.debug("\(request.method) \(request.uri.path): \(error.status.code) \(error.message)")
            var headers = error.headers
            headers[.contentType] = "application/json"
            response = Response(status: error.status, headers: headers, body: Self.body(JSONWriter.error(error.message)))
        }
        metrics.recordRequest(route: route, method: request.method.rawValue, status: response.status.code,
                              duration: ContinuousClock.now - start)
        return response
    }

    private func dispatch(_ request: Request, context: Context, route: inout String) async throws(ServingError) -> Response {
        var path = request.uri.path
        if path.contains("%") { path = path.removingPercentEncoding ?? path }
        if path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        switch path {
        case "/healthz":
            route = "/healthz"
            try Self.allow(request, .get, .head)
            return Self.json(Array("{\"status\":\"ok\"}".utf8))
        case "/metrics":
            route = "/metrics"
            try Self.allow(request, .get)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: Self.body(metrics.exposition()))
        case "/v1/models":
            route = "/v1/models"
            try Self.allow(request, .get)
            return Self.json(modelList())
        default:
            break
        }
        let prefix = "/v1/models/"
        guard path.hasPrefix(prefix) else {
            throw .notFound("no route for \(request.method) \(Self.clip(path)); the routes are GET /v1/models, GET /v1/models/NAME, POST /v1/models/NAME:predict, GET /healthz, GET /metrics")
        }
        var rest = Substring(path.dropFirst(prefix.count))
        var verb: Substring?
        if let colon = rest.lastIndex(of: ":") {
            verb = rest[rest.index(after: colon)...]
            rest = rest[..<colon]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts[0])
        if parts.count == 3 && parts[1] == "versions" {
            guard parts[2] == "1" else { throw .notFound("model '\(Self.clip(name))' has only version 1, not \(Self.clip(String(parts[2])))") }
        } else if parts.count != 1 {
            throw .notFound("no route for \(request.method) \(Self.clip(path)); use /v1/models/NAME or /v1/models/NAME:predict")
        }
        switch verb {
        case nil:
            route = "/v1/models/{name}"
            try Self.allow(request, .get)
            return Self.json(metadata(of: try model(named: name)))
        case "predict":
            route = "/v1/models/{name}:predict"
            try Self.allow(request, .post)
            return try await predict(request, model: try model(named: name))
        case let verb?:
            throw .notFound("unknown method ':\(Self.clip(String(verb)))' for model '\(Self.clip(name))'; this server answers :predict")
        }
    }

    private func model(named name: String) throws(ServingError) -> ServedModel {
        guard let model = models[name] else {
            throw .notFound("no model named '\(Self.clip(name))'; this server serves \(modelNames.map { "'\($0)'" }.joined(separator: ", "))")
        }
        return model
    }

    // MARK: Predict

    private func predict(_ request: Request, model: ServedModel) async throws(ServingError) -> Response {
        batcher.announce(model)
        var submitted = false
        defer { if !submitted { batcher.withdraw(model) } }
        let body = try await readBody(request)
        let parsed = try PredictRequest(json: body.readableBytesView)
        let inputs = try model.makeInputs(parsed)
        submitted = true
        let values = try await batcher.submit(inputs, to: model).get()
        var writer = JSONWriter(capacity: 32 + values.reduce(0) { $0 + $1.count } * 12)
        writer.raw(parsed.columnar ? "{\"outputs\":" : "{\"predictions\":")
        if model.outputs.count == 1 {
            writer.samples(values[0], count: parsed.count, shape: model.outputShape)
        } else if parsed.columnar {
            // TF Serving's columnar answer: one list per output name.
            writer.raw("{")
            for (index, output) in model.outputs.enumerated() {
                if index > 0 { writer.raw(",") }
                writer.string(output.name)
                writer.raw(":")
                writer.samples(values[index], count: parsed.count, shape: output.shape)
            }
            writer.raw("}")
        } else {
            // TF Serving's row answer: one object per instance, by output name.
            writer.raw("[")
            for instance in 0..<parsed.count {
                writer.raw(instance > 0 ? ",{" : "{")
                for (index, output) in model.outputs.enumerated() {
                    if index > 0 { writer.raw(",") }
                    writer.string(output.name)
                    writer.raw(":")
                    let slice = Array(values[index][(instance * output.size)..<((instance + 1) * output.size)])
                    writer.sample(slice, shape: output.shape)
                }
                writer.raw("}")
            }
            writer.raw("]")
        }
        writer.raw("}")
        return Self.json(writer.bytes)
    }

    /// The whole body, refusing (413) as soon as it passes ``maxBodyBytes``.
    private func readBody(_ request: Request) async throws(ServingError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw .bodyTooLarge(limit: maxBodyBytes)
        }
        var collected = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard collected.readableBytes + chunk.readableBytes <= maxBodyBytes else { throw ServingError.bodyTooLarge(limit: maxBodyBytes) }
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .badRequest("could not read the request body: \(String(describing: error).prefix(200))")
        }
        return collected
    }

    // MARK: Listing and metadata

    private func modelList() -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"models\":[")
        for (index, name) in modelNames.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"name\":")
            writer.string(name)
            writer.raw(",\"version\":\"\(models[name]!.version)\"}")
        }
        writer.raw("]}")
        return writer.bytes
    }

    private func metadata(of model: ServedModel) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"name\":")
        writer.string(model.name)
        writer.raw(",\"version\":\"\(model.version)\",\"architecture\":")
        writer.string(model.architectureName)
        writer.raw(",\"inputs\":")
        Self.write(model.inputs, into: &writer)
        writer.raw(",\"outputs\":")
        Self.write(model.outputs, into: &writer)
        writer.raw(",\"parameters\":\(model.parameterCount),\"synapse_version\":")
        writer.string(SystemInfo.synapseVersion)
        writer.raw("}")
        return writer.bytes
    }

    /// One input or output as `{"shape": [null, ...], "dtype": "float32"}`; several
    /// as an object of those by name.
    private static func write(_ specs: [ServedModel.TensorSpec], into writer: inout JSONWriter) {
        func spec(_ spec: ServedModel.TensorSpec) -> String {
            "{\"shape\":[null" + spec.shape.map { ",\($0)" }.joined() + "],\"dtype\":\"\(spec.dtype.rawValue)\"}"
        }
        guard specs.count > 1 else { return writer.raw(spec(specs[0])) }
        writer.raw("{")
        for (index, item) in specs.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(item.name)
            writer.raw(":" + spec(item))
        }
        writer.raw("}")
    }

    // MARK: Helpers

    private static func allow(_ request: Request, _ methods: HTTPRequest.Method...) throws(ServingError) {
        guard methods.contains(request.method) else {
            let allowed = methods.map(\.rawValue).joined(separator: ", ")
            throw ServingError(.methodNotAllowed, "\(request.method) is not allowed here; use \(allowed)", headers: [.allow: allowed])
        }
    }

    private static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: body(bytes))
    }

    private static func body(_ bytes: [UInt8]) -> ResponseBody {
        ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
    }

    /// A user-supplied text cut for echoing in a message.
    private static func clip(_ text: String) -> String {
        text.count <= 80 ? text : text.prefix(80) + "..."
    }
}
