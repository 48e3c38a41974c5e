/// Whether ops record themselves for backpropagation.
///
/// The flag is task-local: it follows Swift concurrency tasks and, outside a task,
/// the current thread, so one thread's no-grad scope (a server answering `predict`)
/// never switches recording off for another thread that is training.
public enum GradientMode {
    @TaskLocal static var recording = true

    /// Whether ops run by the current task or thread record autograd nodes.
    public static var isEnabled: Bool { recording }
}

/// Runs `body` without recording gradients: no autograd nodes are created and no
/// tensors are saved for backward. Inference and optimizer updates run this way.
///
/// ```swift
/// let prediction = withoutGradient { model(x) }
/// ```
///
/// - Parameter body: the work to run with recording switched off.
/// - Returns: what `body` returns.
/// - Throws: rethrows what `body` throws.
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$recording.withValue(false, operation: body)
}

/// Runs `body` with gradient recording switched back on inside a no-grad scope.
///
/// - Parameter body: the work to run with recording switched on.
/// - Returns: what `body` returns.
/// - Throws: rethrows what `body` throws.
public func withGradient<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$recording.withValue(true, operation: body)
}
