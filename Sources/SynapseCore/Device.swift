/// Where a tensor's storage lives and which backend runs its kernels.
///
/// Every op dispatches on the device of its operands; layers and optimizers never
/// look at it. The CPU backend is always present; ``Device/cuda(_:)`` names a GPU
/// for the CUDA backend that a later release loads at run time.
public enum Device: Hashable, Sendable, CustomStringConvertible {
    /// Host memory, kernels on the CPU backend (oneDNN and Synapse's own loops).
    case cpu
    /// The GPU with the given ordinal.
    case cuda(Int)

    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .cuda(let ordinal): "cuda:\(ordinal)"
        }
    }
}
