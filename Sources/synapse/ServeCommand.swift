import ArgumentParser
import Foundation
import Logging
import SynapseServing

/// `synapse serve MODEL...`: serves saved models over HTTP (TensorFlow Serving's
/// REST convention) until SIGTERM or SIGINT; see ``ModelServer``.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve saved models over HTTP: GET /v1/models, POST /v1/models/NAME:predict, /healthz, /metrics.",
        discussion: """
            Requests that arrive together are batched into one forward pass. SIGTERM or SIGINT \
            stops the listener, answers the requests in flight, and exits with status 0.
            Example: synapse serve mnist.safetensors --port 8080, then
            curl -d '{"instances": [[0, 0, ...784 values...]]}' localhost:8080/v1/models/mnist:predict
            """)

    @Argument(help: "Model files written by Model.save(to:) (or `--save` of the examples, or `synapse train`).")
    var models: [String]

    @Option(help: "The address to listen on (127.0.0.1: this machine only).")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0: any free port; the log says which).")
    var port = 8080

    @Option(name: .customLong("name"), help: "The served name of each model, in order (repeat for several; default: the file's stem).")
    var names: [String] = []

    @Option(name: .customLong("max-batch-size"), help: "Most instances in one forward pass.")
    var maxBatchSize = 64

    @Option(name: .customLong("batch-wait-ms"), help: "Longest wait, in milliseconds, for requests being read to join a batch (0: never wait).")
    var batchWaitMilliseconds = 2.0

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted; larger ones get 413.")
    var maxBodyBytes = 16 << 20

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (debug logs every refused request).")
    var logLevel = "info"

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give at least one model file") }
        guard names.count <= models.count else { throw ValidationError("\(names.count) names (--name) for \(models.count) model files") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard maxBatchSize > 0 else { throw ValidationError("--max-batch-size must be positive, got \(maxBatchSize)") }
        guard batchWaitMilliseconds >= 0, batchWaitMilliseconds <= 10_000 else {
            throw ValidationError("--batch-wait-ms must be between 0 and 10000, got \(batchWaitMilliseconds)")
        }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive, got \(maxBodyBytes)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    /// The cap on Synapse's cache of freed tensor blocks while serving, unless
    /// `SYNAPSE_ALLOCATOR_CACHE_MB` says otherwise. The cache keeps blocks by exact
    /// size; batches of varying size would fill its training-sized default (256 MB)
    /// with blocks that are rarely reused.
    static let allocatorCacheMegabytes = 64

    func run() async throws {
        // Before the first tensor is allocated: the cache reads its limit once.
        setenv("SYNAPSE_ALLOCATOR_CACHE_MB", String(Self.allocatorCacheMegabytes), 0)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "synapse.serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server: ModelServer
        do {
            var served: [ServedModel] = []
            for (index, path) in models.enumerated() {
                let model = try ServedModel(contentsOf: URL(fileURLWithPath: path), name: index < names.count ? names[index] : nil)
                let inputs = model.inputs.map { "\(model.inputs.count > 1 ? $0.name + " " : "")\($0.shape) \($0.dtype)" }.joined(separator: ", ")
                let outputs = model.outputs.map { "\(model.outputs.count > 1 ? $0.name + " " : "")\($0.shape)" }.joined(separator: ", ")
                logger.info("loaded \(path) as '\(model.name)': input \(inputs), output \(outputs), \(model.parameterCount) parameters")
                served.append(model)
            }
            server = try ModelServer(
                models: served,
                batching: .init(maxBatchSize: maxBatchSize, maxWait: .microseconds(Int64((batchWaitMilliseconds * 1000).rounded()))),
                maxBodyBytes: maxBodyBytes)
        } catch let error as ServingError {
            throw Self.failure(error.message)
        } catch {
            throw Self.failure(String(describing: error))
        }
        do {
            try await server.run(host: host, port: port, logger: logger)
        } catch {
            throw Self.failure(String(describing: error))
        }
    }

    /// Prints `error: <message>` on one line and gives exit status 1.
    private static func failure(_ message: String) -> ExitCode {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        return ExitCode.failure
    }
}
