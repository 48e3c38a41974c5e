import Synchronization

/// A number that may still be on a device: the loss or a metric as it stood after a
/// training step, read only when someone asks for it.
///
/// Reading a value from an accelerator waits for every queued kernel, so the
/// training loop does not read the loss and metrics after each step: it hands
/// callbacks deferred values, and the progress bar reads them when it redraws (a
/// few times a second). The first read computes and caches the value; later reads,
/// from any thread, return the cache.
///
/// ```swift
/// let loss = DeferredScalar(tensor: batchLoss)   // no device read yet
/// print(loss.value)                              // reads once
/// let known = DeferredScalar(0.25)               // already on the host
/// ```
public final class DeferredScalar: Sendable {
    private enum State {
        case known(Float)
        case pending(@Sendable () -> Float)
    }

    private let state: Mutex<State>
    /// The scalar tensor this value reads, when it was made from one: the training
    /// loop accumulates it on its device instead of reading it.
    public let tensor: Tensor?

    /// A value already on the host.
    ///
    /// - Parameter value: the number.
    public init(_ value: Float) {
        state = Mutex(.known(value))
        tensor = nil
    }

    /// A value computed on first read.
    ///
    /// - Parameter read: computes the number; called at most once. It must not depend
    ///   on state that changes after the call (capture immutable tensors, not metrics).
    public init(reading read: @escaping @Sendable () -> Float) {
        state = Mutex(.pending(read))
        tensor = nil
    }

    /// The value of a one-element float tensor, read on first use.
    ///
    /// - Parameter tensor: one element of any float dtype, on any device (shape `[]`
    ///   or `[1]`); it is detached, so keeping it holds no autograd graph.
    public init(tensor: Tensor) {
        require(tensor.scalarCount == 1 && tensor.dtype.isFloatingPoint,
                "DeferredScalar: expected one floating-point element, got \(tensor.dtype) \(Shape.describe(tensor.shape))")
        let detached = tensor.detached()
        self.tensor = detached
        state = Mutex(.pending({ Float(detached.doubleItem) }))
    }

    /// The number; the first call reads it (from the device, for a tensor).
    public var value: Float {
        state.withLock { state in
            switch state {
            case .known(let value):
                return value
            case .pending(let read):
                let value = read()
                state = .known(value)
                return value
            }
        }
    }

    /// Whether the value has been read (or was known from the start).
    public var isResolved: Bool {
        state.withLock { if case .known = $0 { true } else { false } }
    }
}
