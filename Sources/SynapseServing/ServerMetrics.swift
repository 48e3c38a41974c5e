import Prometheus

/// The server's Prometheus metrics, answered at `GET /metrics` in the text
/// exposition format:
///
/// - `synapse_http_requests_total{route, method, status}`: requests answered;
/// - `synapse_http_request_duration_seconds{route}`: a latency histogram, from the
///   start of the handler to the response (0.5 ms to 10 s buckets);
/// - `synapse_predict_instances_total{model}`: instances predicted;
/// - `synapse_inference_batch_size{model}`: a histogram of instances per forward pass.
///
/// `route` is the route pattern (`/v1/models/{name}:predict`), never the raw
/// path, so unknown URLs cannot grow the label set; all of them count as `unmatched`.
public struct ServerMetrics: Sendable {
    /// The registry the metrics live in (one per server, so servers in one process
    /// do not mix their counts).
    public let registry: PrometheusCollectorRegistry

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(10),
    ]
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    /// - Parameter registry: where to register (a fresh registry by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Counts one answered request and records its latency.
    ///
    /// - Parameters:
    ///   - route: the route pattern (`/v1/models/{name}:predict`, `unmatched`), not the raw path.
    ///   - method: the HTTP method, e.g. `POST`.
    ///   - status: the response's status code.
    ///   - duration: the time from the start of the handler to the response.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "synapse", subsystem: "http", metricName: "requests", unitName: "total",
                                             helpText: "HTTP requests answered, by route pattern, method and status."),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "synapse", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                             helpText: "Time from the start of the handler to the response, by route pattern."),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Records one forward pass of `instances` instances of `model`.
    ///
    /// - Parameters:
    ///   - model: the served model's name.
    ///   - instances: the number of instances in the batch.
    public func recordBatch(model: String, instances: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "synapse", subsystem: "predict", metricName: "instances", unitName: "total",
                                             helpText: "Instances predicted, by model."),
            labels: [("model", model)]
        ).increment(by: Int64(instances))
        registry.makeValueHistogram(
            descriptor: MetricNameDescriptor(namespace: "synapse", subsystem: "inference", metricName: "batch", unitName: "size",
                                             helpText: "Instances per forward pass, by model."),
            labels: [("model", model)], buckets: Self.batchBuckets
        ).record(Double(instances))
    }

    /// The metrics in the Prometheus text format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
