/// The element type of a ``Tensor``, chosen at run time.
///
/// `float32` is the compute type: arithmetic, activations, matrix products and
/// gradients work on it. `float64` is a second compute type on the CPU (as
/// PyTorch's `double`), for gradient checks at tight tolerances and numerics that
/// need it; layers, optimizers and the recurrent and convolution kernels stay
/// float32. `int32` holds class labels and token ids, used directly by indexing,
/// ``Tensor/gather(_:axis:)``, ``Tensor/oneHot(depth:)`` and the sparse losses.
/// `bool` holds masks produced by comparisons and consumed by
/// ``Tensor/where(_:_:_:)``. Converting between them is always explicit, with
/// ``Tensor/to(_:)-(DType)``.
///
/// The enumeration leaves room for `float16` and `bfloat16` on accelerators.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE floating point; the compute type.
    case float32
    /// 64-bit IEEE floating point; a compute type on the CPU.
    case float64
    /// 32-bit signed integer; labels and token ids.
    case int32
    /// Boolean stored as one byte (0 or 1); comparison masks.
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64: 8
        case .float32, .int32: 4
        case .bool: 1
        }
    }

    /// Whether gradients can flow through tensors of this type.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    public var description: String { rawValue }
}
