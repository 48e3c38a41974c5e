/// Where a tensor's storage lives and which backend runs its kernels.
///
/// Every op dispatches on the device of its operands; layers and optimizers never
/// look at it. Creation functions, initializers and layers place new tensors on
/// ``Device/current`` (the CPU unless a ``withDevice(_:_:)`` scope says otherwise);
/// ``Tensor/to(_:)-(Device)`` moves a tensor.
///
/// - ``Device/cpu``: host memory, kernels on the CPU backend (oneDNN and Synapse's own loops).
/// - ``Device/isolated``: a second device present on every machine, for tests. It
///   runs the CPU kernels on memory of its own that host code cannot read except
///   through the backend's download, so any code that assumes the CPU stops with a
///   message instead of silently working.
/// - ``Device/cuda(_:)``: an NVIDIA GPU, through the CUDA backend loaded at run time.
public enum Device: Hashable, Sendable, CustomStringConvertible {
    /// Host memory, kernels on the CPU backend.
    case cpu
    /// The test device whose memory only its backend can read.
    case isolated
    /// The GPU with the given ordinal.
    case cuda(Int)

    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .isolated: "isolated"
        case .cuda(let ordinal): "cuda:\(ordinal)"
        }
    }

    /// Parses a device name as the examples' `--device` flag and config files write it:
    /// `cpu`, `isolated`, `cuda` (ordinal 0) or `cuda:N`.
    ///
    /// - Parameter name: the device's name, case-insensitive.
    /// - Returns: `nil` when the name is not a device name.
    public init?(name: String) {
        let lowered = name.lowercased()
        switch lowered {
        case "cpu": self = .cpu
        case "isolated": self = .isolated
        case "cuda", "gpu": self = .cuda(0)
        default:
            guard lowered.hasPrefix("cuda:"), let ordinal = Int(lowered.dropFirst(5)), ordinal >= 0 else { return nil }
            self = .cuda(ordinal)
        }
    }

    /// Whether host code can read this device's memory directly (only the CPU's).
    public var isHostAccessible: Bool { self == .cpu }

    /// The device new tensors go to in the current task or thread: the innermost
    /// ``withDevice(_:_:)`` scope's, else the CPU.
    public static var current: Device { DeviceScope.current }
}

/// The task-local default device (follows Swift concurrency tasks and, outside a
/// task, the current thread, as ``GradientMode`` does).
enum DeviceScope {
    @TaskLocal static var current: Device = .cpu
}

/// Runs `body` with `device` as the default device: tensors created from Swift
/// values, by `zeros`/`ones`/`full`/random functions, and layers' weights built
/// inside the scope go there.
///
/// ```swift
/// let model = withDevice(.cuda(0)) { Sequential { Dense(64); Dense(10) } }
/// ```
///
/// - Parameters:
///   - device: the default device inside the scope; must be available
///     (see ``Backends/available``).
///   - body: the code to run.
/// - Returns: what `body` returns.
public func withDevice<R>(_ device: Device, _ body: () throws -> R) rethrows -> R {
    _ = Backends.backend(for: device)   // stops with the reason when the device is unavailable
    return try DeviceScope.$current.withValue(device, operation: body)
}

/// Runs `body` in the execution context of `device`'s backend on the calling thread:
/// on the CPU, with denormal floats flushed to zero (as TensorFlow and XLA compute;
/// see ``FloatingPointMode``); the thread's previous state is restored afterwards.
/// `fit`, `evaluate` and `predict` run in it; wrap a hand-written training loop the
/// same way so that the small kernels run inline on the calling thread follow it too:
///
/// ```swift
/// withExecutionContext(on: .cpu) {
///     for (x, y) in batches { step(x, y) }
/// }
/// ```
///
/// - Parameters:
///   - device: the device whose backend's context to enter; must be available.
///   - body: the work.
/// - Returns: what `body` returns.
public func withExecutionContext<R>(on device: Device, _ body: () throws -> R) rethrows -> R {
    try Backends.backend(for: device).withExecutionContext(body)
}

extension Device {
    /// The kind of device without its ordinal: `cpu`, `isolated` or `cuda`.
    public var kind: String {
        switch self {
        case .cpu: "cpu"
        case .isolated: "isolated"
        case .cuda: "cuda"
        }
    }
}
