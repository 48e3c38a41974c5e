import Foundation
import Synapse

/// Runs every forward pass of a server on one dedicated thread, batching the
/// requests that arrive together into a single pass.
///
/// Synapse's forward passes are synchronous CPU work that fans out over the kernel
/// library's own threads, so they must not run on the event loops (they would stall
/// every connection) nor on several threads at once (they would oversubscribe the
/// cores). Requests are queued; the inference thread takes the oldest one and every
/// other queued request for the same model, up to ``Configuration/maxBatchSize``
/// instances, concatenates them and runs one pass.
///
/// While other predict requests are still being read and parsed (they have been
/// ``announce(_:)``d but not yet submitted), the thread waits for them, but never
/// longer than ``Configuration/maxWait`` after the oldest queued request. A lone
/// request therefore never waits; a burst of concurrent ones shares one pass.
public final class InferenceBatcher: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.

    /// How batches are formed.
    public struct Configuration: Sendable, Equatable {
        /// Most instances in one forward pass (a single larger request runs alone,
        /// split by `predict` into passes of this size).
        public var maxBatchSize: Int
        /// Longest time the oldest queued request waits for others to join its batch.
        public var maxWait: Duration

        /// - Parameters:
        ///   - maxBatchSize: most instances per forward pass (default 64).
        ///   - maxWait: longest wait for a batch to fill (default 2 ms).
        public init(maxBatchSize: Int = 64, maxWait: Duration = .milliseconds(2)) {
            precondition(maxBatchSize > 0, "InferenceBatcher: maxBatchSize must be positive, got \(maxBatchSize)")
            precondition(maxWait >= .zero, "InferenceBatcher: maxWait must not be negative, got \(maxWait)")
            (self.maxBatchSize, self.maxWait) = (maxBatchSize, maxWait)
        }
    }

    /// The outcome of one request: for each output of the model, the flat values
    /// of the request's instances, row-major.
    typealias Outcome = Result<[[Float]], ServingError>

    private struct Job {
        let model: ServedModel
        /// One `[instances, ...inputShape]` per input, checked by ``ServedModel/makeInputs(_:)``.
        let inputs: [Tensor]
        var count: Int { inputs[0].shape[0] }
        let enqueued: ContinuousClock.Instant
        let continuation: CheckedContinuation<Outcome, Never>
    }

    /// The batching rule.
    public let configuration: Configuration
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var announced: [ObjectIdentifier: Int] = [:]
    private var stopping = false
    private var running = false
    private let finished = NSCondition()
    private let observer: (@Sendable (_ model: String, _ instances: Int) -> Void)?

    /// Starts the inference thread.
    ///
    /// - Parameters:
    ///   - configuration: the batching rule.
    ///   - onBatch: called on the inference thread after each forward pass with the
    ///     model's name and the batch's instance count (for metrics).
    public init(configuration: Configuration = Configuration(), onBatch: (@Sendable (String, Int) -> Void)? = nil) {
        self.configuration = configuration
        self.observer = onBatch
        running = true
        let thread = Thread { [self] in self.loop() }
        thread.name = "synapse-inference"
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Says that a predict request for `model` is on its way (its body is being
    /// read), so a batch being formed may wait for it. Every announce must be
    /// followed by one `submit(_:to:)` or ``withdraw(_:)``.
    ///
    /// - Parameter model: the model the request is for.
    public func announce(_ model: ServedModel) {
        condition.lock()
        announced[ObjectIdentifier(model), default: 0] += 1
        condition.unlock()
    }

    /// Takes back an announcement whose request failed before it was submitted.
    ///
    /// - Parameter model: the model named in the matching ``announce(_:)``.
    public func withdraw(_ model: ServedModel) {
        condition.lock()
        decrementAnnounced(model)
        condition.signal()
        condition.unlock()
    }

    /// Queues a checked input (announced before) and waits for its outputs.
    ///
    /// - Parameters:
    ///   - inputs: one `[instances, ...inputShape]` per input, from ``ServedModel/makeInputs(_:)``.
    ///   - model: the model to run.
    /// - Returns: per output, the outputs of the instances, row-major, or 503 once
    ///   the batcher is shutting down.
    func submit(_ inputs: [Tensor], to model: ServedModel) async -> Outcome {
        await withCheckedContinuation { continuation in
            condition.lock()
            decrementAnnounced(model)
            if stopping {
                condition.unlock()
                continuation.resume(returning: .failure(ServingError(.serviceUnavailable, "the server is shutting down")))
                return
            }
            queue.append(Job(model: model, inputs: inputs, enqueued: .now, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Finishes the queued requests, then stops the thread. Later submissions are
    /// answered 503.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.lock()
        while running { finished.wait() }
        finished.unlock()
    }

    private func decrementAnnounced(_ model: ServedModel) {
        let key = ObjectIdentifier(model)
        if let count = announced[key] { announced[key] = count > 1 ? count - 1 : nil }
    }

    // MARK: The inference thread

    private func loop() {
        while let batch = nextBatch() {
            run(batch)
        }
        finished.lock()
        running = false
        finished.broadcast()
        finished.unlock()
    }

    /// Waits for work and forms the next batch: the oldest job and the queued jobs of
    /// the same model, after waiting (bounded) for announced ones. `nil` when stopped.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping { return nil }
            condition.wait()
        }
        let model = queue[0].model
        let key = ObjectIdentifier(model)
        let deadline = Date(timeIntervalSinceNow: 0).addingTimeInterval(seconds(configuration.maxWait - (ContinuousClock.now - queue[0].enqueued)))
        while !stopping, (announced[key] ?? 0) > 0, queuedInstances(of: model) < configuration.maxBatchSize {
            if !condition.wait(until: deadline) { break }
        }
        var batch: [Job] = []
        var instances = 0
        var remaining: [Job] = []
        for job in queue {
            if job.model === model && (batch.isEmpty || instances + job.count <= configuration.maxBatchSize) {
                batch.append(job)
                instances += job.count
            } else {
                remaining.append(job)
            }
        }
        queue = remaining
        return batch
    }

    private func queuedInstances(of model: ServedModel) -> Int {
        queue.reduce(0) { $0 + ($1.model === model ? $1.count : 0) }
    }

    private func seconds(_ duration: Duration) -> TimeInterval {
        let (whole, fraction) = duration.components
        return max(0, TimeInterval(whole) + TimeInterval(fraction) / 1e18)
    }

    /// One forward pass for the whole batch; each job gets its slice of the outputs.
    private func run(_ batch: [Job]) {
        let model = batch[0].model
        let inputs = model.inputs.indices.map { index in
            batch.count == 1 ? batch[0].inputs[index] : Tensor.concatenate(batch.map { $0.inputs[index] }, axis: 0)
        }
        let outputs = model.model.isFunctional
            ? model.model.predict(inputs, batchSize: configuration.maxBatchSize)
            : [model.model.predict(inputs[0], batchSize: configuration.maxBatchSize)]
        let values = outputs.map { $0.dtype == .float32 ? $0.scalars : $0.to(.float32).scalars }
        var offset = 0
        for job in batch {
            let slices = zip(values, model.outputs).map { values, output in
                Array(values[(offset * output.size)..<((offset + job.count) * output.size)])
            }
            job.continuation.resume(returning: .success(slices))
            offset += job.count
        }
        observer?(model.name, batch.reduce(0) { $0 + $1.count })
    }
}
