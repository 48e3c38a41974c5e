/// A marker in a stream (`CUevent`), for timing GPU work on the GPU's own clock.
///
/// ```swift
/// let start = try CUDAEvent(context: context), end = try CUDAEvent(context: context)
/// try start.record(on: stream)
/// // … queue work on stream …
/// try end.record(on: stream)
/// let milliseconds = try end.elapsedMilliseconds(since: start)
/// ```
public final class CUDAEvent {
    /// The context it belongs to.
    public let context: CUDAContext
    /// The `CUevent`.
    let handle: CUhandle

    /// Creates an event with timing enabled.
    ///
    /// - Parameter context: the context (must be current).
    /// - Throws: the driver's error.
    public init(context: CUDAContext) throws {
        var event: CUhandle?
        try context.driver.check(context.driver.cuEventCreate(&event, 0), "cuEventCreate")
        guard let event else { throw CUDAError.invalidArgument("cuEventCreate returned no event") }
        self.context = context
        self.handle = event
    }

    deinit {
        _ = context.driver.cuEventDestroy(handle)
    }

    /// Queues the event on `stream`; it completes when the work queued before it has.
    ///
    /// - Parameter stream: the stream; nil for the legacy default stream.
    /// - Throws: the driver's error.
    public func record(on stream: CUDAStream?) throws {
        try context.driver.check(context.driver.cuEventRecord(handle, stream?.handle), "cuEventRecord")
    }

    /// Waits for this event, then returns the GPU time from `start` to it.
    ///
    /// - Parameter start: an event recorded earlier on the same stream.
    /// - Returns: milliseconds (resolution about half a microsecond).
    /// - Throws: the driver's error.
    public func elapsedMilliseconds(since start: CUDAEvent) throws -> Double {
        try context.driver.check(context.driver.cuEventSynchronize(handle), "cuEventSynchronize")
        var milliseconds: Float = 0
        try context.driver.check(context.driver.cuEventElapsedTime(&milliseconds, start.handle, handle), "cuEventElapsedTime")
        return Double(milliseconds)
    }
}
