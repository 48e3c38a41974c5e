/// A trainable (or frozen) tensor owned by a layer: a kernel, a bias, a moving mean.
///
/// Parameters are reference types so optimizers can key their state (momentum,
/// Adam moments) by identity, and so a layer, its model and its optimizer all see
/// the same value. The value is an autograd leaf when the parameter is trainable;
/// `backward()` accumulates into ``grad``.
///
/// ```swift
/// let w = Parameter(Tensor.zeros([3, 2]), name: "kernel")
/// let y = x.matmul(w.value)
/// ```
public final class Parameter: @unchecked Sendable, CustomStringConvertible {
    /// The current value (an autograd leaf when ``isTrainable``).
    public private(set) var value: Tensor
    /// Short name within its layer, e.g. "kernel".
    public let name: String
    /// Penalty added to the training loss (Keras' `kernel_regularizer`), if any.
    public var regularizer: (any Regularizer)?
    /// Whether optimizers update it and gradients are computed for it.
    public var isTrainable: Bool {
        didSet {
            value.requiresGrad = isTrainable
            installGradientHook()
        }
    }

    /// Called with this parameter every time a backward pass has finished adding to
    /// its ``grad`` (PyTorch's `register_post_accumulate_grad_hook`), on the thread
    /// that runs the pass. Data-parallel training starts averaging a gradient across
    /// processes here, while the rest of the backward pass goes on. It survives
    /// ``assign(_:)``, ``move(to:)`` and the optimizers' updates; `nil` by default.
    public var onGradientAccumulated: ((Parameter) -> Void)? {
        didSet { installGradientHook() }
    }

    /// - Parameters:
    ///   - value: initial float32 value.
    ///   - name: short name within the owning layer.
    ///   - trainable: `false` for statistics such as BatchNormalization's moving mean.
    ///   - regularizer: penalty added to the training loss (``regularizer``); `nil` by default.
    public init(_ value: Tensor, name: String, trainable: Bool = true, regularizer: (any Regularizer)? = nil) {
        require(value.dtype == .float32, "Parameter '\(name)': values must be float32, got \(value.dtype)")
        var leaf = value.detached()
        leaf.requiresGrad = trainable
        self.value = leaf
        self.name = name
        self.isTrainable = trainable
        self.regularizer = regularizer
    }

    /// The gradient accumulated by the last `backward()` calls, if any.
    public var grad: Tensor? { value.grad }

    /// Clears the accumulated gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// Replaces the gradient (gradient clipping, all-reduce across processes).
    ///
    /// - Parameter gradient: the new gradient, of the parameter's shape, or `nil` to clear it.
    public func setGrad(_ gradient: Tensor?) { value.setGrad(gradient) }

    /// Replaces the value, keeping shape and trainability. The gradient is cleared.
    ///
    /// Optimizers call this with the updated value; loaders call it with saved weights.
    /// The value stays on the parameter's device (a CPU tensor from a file is moved there).
    ///
    /// Stops with a message when `newValue`'s shape differs or it is not float32.
    ///
    /// - Parameter newValue: the new float32 value, of the parameter's shape, on any device.
    public func assign(_ newValue: Tensor) {
        require(newValue.shape == value.shape,
                "Parameter '\(name)': cannot assign a value of shape \(Shape.describe(newValue.shape)) to a parameter of shape \(Shape.describe(value.shape))")
        require(newValue.dtype == .float32, "Parameter '\(name)': values must be float32, got \(newValue.dtype)")
        var leaf = newValue.detached().to(value.device)
        leaf.requiresGrad = isTrainable
        value = leaf
        installGradientHook()
    }

    /// Moves the value to `device` (keeping trainability; the gradient is cleared).
    ///
    /// - Parameter device: the target device.
    public func move(to device: Device) {
        guard value.device != device else { return }
        var leaf = value.detached().to(device)
        leaf.requiresGrad = isTrainable
        value = leaf
        installGradientHook()
    }

    /// Updates the value in place (optimizers' fused update kernels); the gradient
    /// is cleared, as with ``assign(_:)``. `body` must keep shape and dtype.
    ///
    /// - Parameter body: a closure that modifies the value in place; it stops with a
    ///   message afterwards if the dtype is no longer float32.
    public func updateInPlace(_ body: (inout Tensor) -> Void) {
        value.zeroGrad()
        body(&value)
        if onGradientAccumulated != nil { installGradientHook() }
        require(value.dtype == .float32, "Parameter '\(name)': an in-place update changed the dtype to \(value.dtype)")
    }

    /// Runs `body` with the values of `parameters` cut from the graph, so a backward
    /// pass through what `body` computes skips their gradients (differentially
    /// private training forms them per sample instead). Trainability is restored
    /// after, with cleared gradients.
    package static func withGradientsSuspended<R>(_ parameters: [Parameter], _ body: () throws -> R) rethrows -> R {
        for parameter in parameters { parameter.value.requiresGrad = false }
        defer {
            for parameter in parameters {
                parameter.value.requiresGrad = parameter.isTrainable
                parameter.installGradientHook()
            }
        }
        return try body()
    }

    /// Attaches ``onGradientAccumulated`` to the current leaf (every new leaf needs it again).
    private func installGradientHook() {
        guard value.requiresGrad, value.isLeaf else { return }
        guard let hook = onGradientAccumulated else { return value.setGradientAccumulatedHook(nil) }
        value.setGradientAccumulatedHook { [weak self] _ in if let self { hook(self) } }
    }

    /// Number of scalars.
    public var count: Int { value.scalarCount }

    /// Shape of the value.
    public var shape: [Int] { value.shape }

    /// For example `Parameter(kernel, shape: [784, 128], trainable: true)`.
    public var description: String { "Parameter(\(name), shape: \(Shape.describe(value.shape)), trainable: \(isTrainable))" }
}
