/// A queue of GPU work (`CUstream`) that runs in order, asynchronously to the host.
public final class CUDAStream {
    /// The context it belongs to.
    public let context: CUDAContext
    /// The `CUstream`.
    let handle: CUhandle

    /// Creates a stream that also orders with the legacy default stream (flags 0).
    ///
    /// - Parameter context: the context (must be current).
    /// - Throws: the driver's error.
    public init(context: CUDAContext) throws {
        var stream: CUhandle?
        try context.driver.check(context.driver.cuStreamCreate(&stream, 0), "cuStreamCreate")
        guard let stream else { throw CUDAError.invalidArgument("cuStreamCreate returned no stream") }
        self.context = context
        self.handle = stream
    }

    deinit {
        _ = context.driver.cuStreamDestroy(handle)
    }

    /// Waits until all work queued on this stream has finished.
    ///
    /// - Throws: the first asynchronous error of that work.
    public func synchronize() throws {
        try context.driver.check(context.driver.cuStreamSynchronize(handle), "cuStreamSynchronize")
    }
}
