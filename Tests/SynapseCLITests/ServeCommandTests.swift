import Foundation
import Testing

@Suite("synapse serve (end to end: the built binary on a loopback port)",
       .enabled(if: ServerUnderTest.executable != nil, Comment(rawValue: ServerUnderTest.skipMessage)))
struct ServeCommandTests {
    typealias S = ServerUnderTest

    func linearModel(_ name: String = "linear") throws -> URL {
        let url = try S.temporaryFolder().appendingPathComponent("\(name).safetensors")
        try S.writeLinearModel(to: url)
        return url
    }

    @Test("Good requests: health, the model list, metadata and correct predictions; SIGTERM exits 0")
    func goodRequests() throws {
        let server = try S([try linearModel().path])
        let health = try server.request("GET", "/healthz")
        #expect(health.status == 200 && health.body == #"{"status":"ok"}"#)

        let list = try server.request("GET", "/v1/models")
        #expect(list.status == 200)
        #expect((try list.json()["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["linear"])

        let metadata = try server.request("GET", "/v1/models/linear").json()
        #expect((metadata["inputs"] as? [String: Any])?["dtype"] as? String == "float32")
        #expect(((metadata["outputs"] as? [String: Any])?["shape"] as? [Any])?.last as? Int == 3)

        let rows: [[Float]] = [[1, 0, 0, 0], [0, 1, 1, 1], [0.5, -2, 3.25, 1e-3]]
        let body = "{\"instances\": [" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" }.joined(separator: ", ") + "]}"
        let answer = try server.request("POST", "/v1/models/linear:predict", body: body)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.headers["content-type"] == "application/json")
        let predictions = try #require(try answer.json()["predictions"] as? [[Double]])
        for (row, prediction) in zip(rows, predictions) {
            let expected = S.linear(row)
            #expect(zip(prediction, expected).allSatisfy { abs(Float($0) - $1) <= 1e-5 * max(1, abs($1)) }, "\(prediction) vs \(expected)")
        }

        let metrics = try server.request("GET", "/metrics")
        #expect(metrics.body.contains(#"synapse_http_requests_total{route="/v1/models/{name}:predict",method="POST",status="200"} 1"#))
        #expect(server.terminate() == 0, "\(server.log)")
        #expect(server.log.contains("stopped"))
    }

    @Test("Bad requests get 4xx JSON errors that say what is wrong, and the server keeps serving")
    func badRequests() throws {
        let server = try S([try linearModel().path, "--name", "m", "--max-body-bytes", "300"])
        let cases: [(method: String, path: String, body: String?, status: Int, fragment: String)] = [
            ("POST", "/v1/models/m:predict", #"{"instances": [[1, 2, 3, 4]"#, 400, "expected ',' or ']'"),
            ("POST", "/v1/models/m:predict", #"{"instances": [[1, 2, 3]]}"#, 400, "must have shape [4]"),
            ("POST", "/v1/models/m:predict", #"{"instances": [[1, 2, "three", 4]]}"#, 400, "instances[0][2]: expected a number, found a string"),
            ("POST", "/v1/models/m:predict", #"{"instances": [[1, 2, 3, 1e999]]}"#, 400, "outside the float32 range"),
            ("POST", "/v1/models/m:predict", "", 400, "empty"),
            ("POST", "/v1/models/linear:predict", #"{"instances": [[1, 2, 3, 4]]}"#, 404, "no model named 'linear'"),
            ("GET", "/nothing/here", nil, 404, "no route"),
            ("GET", "/v1/models/m:predict", nil, 405, "use POST"),
            ("POST", "/v1/models/m:predict", "{\"instances\": [" + Array(repeating: "[1, 2, 3, 4]", count: 40).joined(separator: ",") + "]}", 413, "limit of 300 bytes"),
        ]
        for item in cases {
            let answer = try server.request(item.method, item.path, body: item.body)
            #expect(answer.status == item.status, "\(item.method) \(item.path) \(item.body ?? ""): \(answer.body)")
            let message = try answer.json()["error"] as? String
            #expect(message?.contains(item.fragment) == true, "\(message ?? answer.body)")
        }
        let good = try server.request("POST", "/v1/models/m:predict", body: #"{"instances": [[1, 0, 0, 0]]}"#)
        #expect(good.status == 200)
        #expect(server.process.isRunning)
        #expect(server.terminate() == 0)
    }

    @Test("Concurrent requests are all answered correctly (batched into shared forward passes)")
    func concurrentRequests() throws {
        let server = try S([try linearModel().path, "--batch-wait-ms", "5"])
        let results = ConcurrentResults(count: 32)
        DispatchQueue.concurrentPerform(iterations: 32) { index in
            let row: [Float] = [Float(index), 1, -1, 0.5]
            do {
                let answer = try server.request("POST", "/v1/models/linear:predict", body: "{\"instances\": [[\(row.map { "\($0)" }.joined(separator: ","))]]}")
                let prediction = (try answer.json()["predictions"] as? [[Double]])?.first?.map(Float.init)
                results.set(index, answer.status == 200 && prediction == S.linear(row))
            } catch {
                results.set(index, false)
            }
        }
        #expect(results.all, "\(server.log)")
        #expect(server.terminate() == 0)
    }

    @Test("SIGTERM drains: a request still being sent when the signal comes is answered before the exit")
    func drainsOnSigterm() throws {
        let server = try S([try linearModel().path])
        let connection = try server.connect()
        defer { close(connection) }
        let body = #"{"instances": [[1, 0, 0, 0]]}"#
        try server.send(connection, S.head("POST", "/v1/models/linear:predict", bodyLength: body.utf8.count) + body.prefix(10))
        Thread.sleep(forTimeInterval: 0.3)
        kill(server.process.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        try server.send(connection, String(body.dropFirst(10)))
        let answer = try S.readAnswer(connection)
        #expect(answer.status == 200, "\(answer.body)")
        #expect(answer.body == #"{"predictions":[[0.5,0.0,4.0]]}"#)
        #expect(server.terminate() == 0, "\(server.log)")
    }

    @Test("A missing or damaged model file exits 1 with one error line; bad flags are usage errors")
    func startupErrors() throws {
        let folder = try S.temporaryFolder()
        let garbage = folder.appendingPathComponent("garbage.safetensors")
        try Data(repeating: 0xAB, count: 100).write(to: garbage)
        for path in [folder.appendingPathComponent("missing.safetensors").path, garbage.path] {
            let process = Process()
            process.executableURL = S.executable
            process.arguments = ["serve", path, "--port", "0"]
            let pipe = Pipe()
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let error = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1)
            #expect(error.hasPrefix("error: ") && error.contains(path), "\(error)")
        }
        let process = Process()
        process.executableURL = S.executable
        process.arguments = ["serve", garbage.path, "--name", "a", "--name", "b"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "2 names for 1 model is a usage error")
    }
}

/// One flag per concurrent request.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Bool]
    init(count: Int) { values = Array(repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.lock(); values[index] = value; lock.unlock() }
    var all: Bool { lock.lock(); defer { lock.unlock() }; return values.allSatisfy { $0 } }
}
