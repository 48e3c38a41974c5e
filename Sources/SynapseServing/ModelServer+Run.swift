import Hummingbird
import Logging

extension ModelServer {
    /// Serves HTTP on `host:port` until SIGTERM or SIGINT, then drains: the listener
    /// closes, requests in flight are answered, queued forward passes finish, and
    /// the function returns.
    ///
    /// - Parameters:
    ///   - host: the address to bind (`127.0.0.1` keeps the server on loopback).
    ///   - port: the TCP port (0: any free port; the log line says which).
    ///   - logger: where the server logs (startup, shutdown, and at `debug` level
    ///     every refused request).
    ///   - onListening: called with the bound port once the server accepts connections.
    public func run(host: String, port: Int, logger: Logger,
                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            responder: self,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "synapse"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                logger.info("listening on http://\(host):\(bound)", metadata: ["models": .string(modelNames.joined(separator: ","))])
                await onListening(bound)
            },
            logger: logger)
        defer { batcher.shutdown() }
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        logger.info("stopped: every request in flight was answered")
    }
}
