import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `synapse serve` process started for a test, on a free loopback port, and a
/// minimal HTTP/1.1 client (one request per connection) to talk to it.
final class ServerUnderTest: @unchecked Sendable {
    // @unchecked: `port` is set once in `init`; requests only read it, and `Process` is thread-safe for the calls used.
    /// The built `synapse` (found as the other end-to-end tests find it).
    static var executable: URL? { CLIRunner.synapse }

    static var skipMessage: String { CLIRunner.skipMessage }

    let process = Process()
    let errorURL: URL
    private(set) var port = 0

    /// Starts `synapse serve ARGUMENTS --port 0` and waits (up to 60 s) for the
    /// log line that names the bound port.
    init(_ arguments: [String]) throws {
        let folder = try Self.temporaryFolder()
        errorURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.executableURL = Self.executable
        process.arguments = ["serve"] + arguments + ["--host", "127.0.0.1", "--port", "0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorURL)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let port = Self.boundPort(in: log) {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw ServeTestError("the server did not start: \(log)")
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Everything the server logged so far.
    var log: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// The port in `listening on http://127.0.0.1:PORT`.
    static func boundPort(in log: String) -> Int? {
        guard let range = log.range(of: "listening on http://127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// Sends SIGTERM and waits (up to `timeout`) for the process to end; returns
    /// its exit status, or `nil` if it is still running.
    func terminate(timeout: TimeInterval = 20) -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : -process.terminationStatus
    }

    /// One HTTP answer.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        /// The body parsed as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                throw ServeTestError("not a JSON object: \(body)")
            }
            return object
        }
    }

    /// Sends one request and reads the whole answer.
    func request(_ method: String, _ path: String, body: String? = nil) throws -> Answer {
        let connection = try connect()
        defer { close(connection) }
        try send(connection, Self.head(method, path, bodyLength: body?.utf8.count) + (body ?? ""))
        return try Self.readAnswer(connection)
    }

    /// A connected socket to the server.
    func connect() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ServeTestError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw ServeTestError("connect to port \(port) failed (errno \(errno))")
        }
        return socket
    }

    /// The request line and headers (`Connection: close`).
    static func head(_ method: String, _ path: String, bodyLength: Int?) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let bodyLength { text += "Content-Type: application/json\r\nContent-Length: \(bodyLength)\r\n" }
        return text + "\r\n"
    }

    func send(_ socket: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw ServeTestError("send failed (errno \(errno))") }
            sent += count
        }
    }

    /// Reads until the server closes the connection and parses the answer.
    static func readAnswer(_ socket: Int32) throws -> Answer {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw ServeTestError("recv failed (errno \(errno)) after \(bytes.count) bytes") }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ServeTestError("no HTTP head in: \(text)") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ServeTestError("bad status line: \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// A new empty folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-serve-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes a model file by hand (safetensors with Synapse's metadata): one
    /// linear `Dense(3)` on 4 inputs with kernel `[[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]`
    /// and bias `[0.5, -1, 2]`, so the right answers are easy to compute.
    static func writeLinearModel(to url: URL) throws {
        let architecture = #"{"class_name":"Sequential","config":{"name":"tiny","build_input_shape":[null,4],"layers":[{"class_name":"Dense","name":"dense","config":{"units":3,"activation":"linear"}}]}}"#
        let escaped = architecture.replacingOccurrences(of: "\"", with: "\\\"")
        var header = #"{"dense.kernel":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"dense.bias":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"__metadata__":{"format":"synapse-model","format_version":"1","architecture":""#
            + escaped + "\"}}"
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for value in (0..<12).map(Float.init) + [0.5, -1, 2] {
            var bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { data.append(contentsOf: $0) }
        }
        try data.write(to: url)
    }

    /// What the linear model answers for `x`.
    static func linear(_ x: [Float]) -> [Float] {
        (0..<3).map { column in (0..<4).reduce(Float([0.5, -1, 2][column])) { $0 + x[$1] * Float($1 * 3 + column) } }
    }
}

struct ServeTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
