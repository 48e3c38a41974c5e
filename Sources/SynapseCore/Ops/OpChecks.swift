/// The checks every op makes before it dispatches to a backend, with messages that
/// name the op, the shapes, the dtypes and the devices; and constants made where
/// the operands are.
extension Tensor {
    /// Stops with a message naming `op` unless this tensor has dtype `expected`.
    func requireDType(_ expected: DType, _ op: String) {
        require(dtype == expected, "\(op): expected a \(expected) tensor, got \(dtype); convert explicitly with .to(.\(expected))")
    }

    /// Stops with a message naming `op` unless this tensor is float32 or float64.
    func requireFloatingPoint(_ op: String) {
        require(dtype.isFloatingPoint, "\(op): expected a float32 or float64 tensor, got \(dtype); convert explicitly with .to(.float32)")
    }

    /// Stops with a message naming `op` unless every operand has the first one's
    /// dtype and device.
    @inline(__always)
    static func requireSameDTypeAndDevice(_ op: @autoclosure () -> String, _ first: Tensor, _ second: Tensor) {
        guard first.storage.device == second.storage.device, first.dtype == second.dtype else {
            mismatch(op(), first, second)
        }
    }

    /// The three-operand form (a product with a bias).
    @inline(__always)
    static func requireSameDTypeAndDevice(_ op: @autoclosure () -> String, _ first: Tensor, _ second: Tensor,
                                          _ third: Tensor) {
        requireSameDTypeAndDevice(op(), first, second)
        requireSameDTypeAndDevice(op(), first, third)
    }

    /// Stops with the op, both devices or both dtypes (only on a mismatch: the
    /// message is never formatted on the hot path).
    private static func mismatch(_ op: String, _ first: Tensor, _ operand: Tensor) -> Never {
        if operand.device != first.device {
            fatalError("\(op): operands are on different devices (\(first.device) and \(operand.device)); move one with .to(.\(first.device))")
        }
        fatalError("\(op): operands have different dtypes (\(first.dtype) and \(operand.dtype)); convert one explicitly with .to(.\(first.dtype))")
    }

    /// A rank-0 constant of this tensor's dtype on this tensor's device (how scalars
    /// in `x * 0.5` meet their operand).
    ///
    /// - Parameter value: the constant.
    public func constant(_ value: Float) -> Tensor {
        Tensor.full([], value: value, dtype: dtype, device: device)
    }

    /// A rank-0 constant of this tensor's dtype and device from a double-precision
    /// value (derivative formulas use it so float64 keeps its digits).
    func scalar(_ value: Double) -> Tensor {
        let result = Tensor(uninitializedShape: [], dtype: dtype, device: device)
        result.backend.fill(result.storage, count: 1, dtype: dtype, value: value)
        return result
    }

    /// Zeros of this tensor's dtype and device with another shape.
    func zeros(_ shape: [Int]) -> Tensor {
        Tensor.zeros(shape, dtype: dtype, device: device)
    }
}
