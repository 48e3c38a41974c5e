/// Elementwise functions of one float32 tensor.
///
/// Each case has a forward kernel and a gradient kernel that maps the upstream
/// gradient to the input gradient using the saved input and/or output.
public enum UnaryOp: Sendable, Hashable {
    case negate, exp, log, log1p, sqrt, rsqrt, abs, square, sign, reciprocal
    case sin, cos
    /// `x^exponent` for a constant exponent.
    case power(Float)
    /// `min(max(x, lower), upper)`.
    case clamp(lower: Float, upper: Float)
    case relu
    case leakyRelu(alpha: Float)
    case elu(alpha: Float)
    case selu
    /// Exact GELU (`x·Φ(x)`) or its tanh approximation.
    case gelu(approximate: Bool)
    case sigmoid, tanh, softplus, softsign
    /// `x · sigmoid(x)` (SiLU).
    case swish
}

/// Elementwise functions of two float32 tensors, with broadcasting.
public enum BinaryOp: Sendable, Hashable {
    case add, subtract, multiply, divide, power, minimum, maximum
}

/// Elementwise comparisons; the result is a bool mask.
public enum ComparisonOp: Sendable, Hashable {
    case equal, notEqual, less, lessEqual, greater, greaterEqual
}

/// Reductions along one group of axes.
public enum ReductionOp: Sendable, Hashable {
    case sum, max, min
}

/// Index-of-extremum reductions; the result is int32.
public enum ArgReductionOp: Sendable, Hashable {
    case argmax, argmin
}

/// How operands of an elementwise op are read to produce an output of `shape`:
/// per operand, strides in elements (0 along broadcast dimensions).
public struct BroadcastLayout: Sendable, Equatable {
    /// Output shape.
    public var shape: [Int]
    /// The operands' own shapes.
    public var operandShapes: [[Int]]
    /// Per operand, one stride per output dimension (computed on demand: the
    /// common same-shape and scalar cases never need them).
    public var strides: [[Int]] { operandShapes.map { Shape.broadcastStrides($0, to: shape) } }

    /// Layout that broadcasts operands of the given shapes to `shape`.
    public init(shape: [Int], operandShapes: [[Int]]) {
        self.shape = shape
        self.operandShapes = operandShapes
    }
}

/// A reduction seen as `[outer, extent, inner]`: the reduced axes are contiguous
/// (`extent` elements apart by `inner`), `outer` and `inner` are kept.
public struct ReductionGeometry: Sendable, Equatable {
    public var outer: Int
    public var extent: Int
    public var inner: Int
    public init(outer: Int, extent: Int, inner: Int) {
        self.outer = outer
        self.extent = extent
        self.inner = inner
    }
}

/// The kernels a device must provide. Ops in `Ops/` record autograd and dispatch
/// here by ``Device``; a new backend (CUDA) implements this protocol and passes the
/// backend conformance test suite, and no layer or optimizer changes.
///
/// Storage arguments are contiguous, row-major, of the dtype the method names.
/// Every method returns freshly allocated storage unless it says otherwise.
public protocol Backend: AnyObject, Sendable {
    /// The device this backend runs on.
    var device: Device { get }
    /// A human-readable name, e.g. "CPU (oneDNN 2.6.3, AVX-512)".
    var name: String { get }

    // MARK: Memory
    /// Uninitialised storage.
    func allocate(byteCount: Int) -> TensorStorage
    /// A copy of the first `byteCount` bytes.
    func copy(_ source: TensorStorage, byteCount: Int) -> TensorStorage
    /// Storage holding a copy of host bytes.
    func upload(_ bytes: UnsafeRawBufferPointer) -> TensorStorage
    /// Copies `bytes.count` bytes of `storage` to host memory.
    func download(_ storage: TensorStorage, into bytes: UnsafeMutableRawBufferPointer)
    /// Sets `count` elements of `dtype` to `value`.
    func fill(_ storage: TensorStorage, count: Int, dtype: DType, value: Double)
    /// Converts `count` elements between dtypes (float→int truncates toward zero;
    /// anything→bool is `!= 0`).
    func cast(_ source: TensorStorage, count: Int, from: DType, to: DType) -> TensorStorage

    // MARK: Elementwise
    func unary(_ op: UnaryOp, _ x: TensorStorage, count: Int) -> TensorStorage
    /// Input gradient of `op` given its input `x`, its output `y` and the upstream gradient.
    func unaryGradient(_ op: UnaryOp, input x: TensorStorage, output y: TensorStorage,
                       upstream: TensorStorage, count: Int) -> TensorStorage
    /// Float32 binary op under a two-operand broadcast layout.
    func binary(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, layout: BroadcastLayout) -> TensorStorage
    /// Comparison of two tensors of `dtype` (float32 or int32); returns bool storage.
    func compare(_ op: ComparisonOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                 layout: BroadcastLayout) -> TensorStorage
    /// `mask ? a : b` under a three-operand layout (mask bool, values of `dtype`).
    func select(_ mask: TensorStorage, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                layout: BroadcastLayout) -> TensorStorage

    // MARK: Reductions
    /// Float32 sum/max/min over the middle axis of `[outer, extent, inner]`; result `[outer, inner]`.
    func reduce(_ op: ReductionOp, _ x: TensorStorage, geometry: ReductionGeometry) -> TensorStorage
    /// Index of the first extremum along the middle axis; int32 result `[outer, inner]`.
    func argReduce(_ op: ArgReductionOp, _ x: TensorStorage, geometry: ReductionGeometry) -> TensorStorage
    /// Softmax (or log-softmax) of each row of a `[rows, columns]` float32 matrix.
    func softmax(_ x: TensorStorage, rows: Int, columns: Int, logarithmic: Bool) -> TensorStorage
    /// Input gradient of ``softmax(_:rows:columns:logarithmic:)`` from its output and the upstream gradient.
    func softmaxGradient(output: TensorStorage, upstream: TensorStorage, rows: Int, columns: Int,
                         logarithmic: Bool) -> TensorStorage

    // MARK: Linear algebra
    /// Batched `C[i] = op(A[i]) · op(B[i]) (+ bias)` in float32: `op(A)` is `m×k`, `op(B)`
    /// is `k×n`, and `bias`, when given, holds `n` values added to every row of every
    /// `C[i]` (fused into the product, as BLAS `beta = 1` over a bias-filled `C`).
    /// A batch stride of 0 reuses one matrix for every batch entry.
    func matmul(_ a: TensorStorage, _ b: TensorStorage, bias: TensorStorage?, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage

    // MARK: Data movement
    /// Reads `shape` elements of `dtype` from `source` at `offset + Σ index·strides`
    /// into contiguous storage (slicing, permutation, broadcasting).
    func stridedRead(_ source: TensorStorage, dtype: DType, offset: Int, strides: [Int], shape: [Int]) -> TensorStorage
    /// Writes (or adds, for float32) the contiguous `values` of `shape` into
    /// `destination` at `offset + Σ index·strides`, in place. The inverse of ``stridedRead(_:dtype:offset:strides:shape:)``.
    func stridedWrite(_ values: TensorStorage, into destination: TensorStorage, dtype: DType, offset: Int,
                      strides: [Int], shape: [Int], accumulate: Bool)
    /// Picks entries along the middle axis of `[outer, extent, inner]` by int32
    /// `indices`; result `[outer, indices.count, inner]`. Stops on an index out of range.
    func indexSelect(_ x: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                     geometry: ReductionGeometry) -> TensorStorage
    /// Adjoint of ``indexSelect(_:dtype:indices:indexCount:geometry:)``: float32 zeros of
    /// `[outer, extent, inner]` with each gradient row added at its index.
    func indexAdd(_ gradient: TensorStorage, indices: TensorStorage, indexCount: Int,
                  geometry: ReductionGeometry) -> TensorStorage

    // MARK: Sliding windows (NHWC)
    /// Patches of an NHWC image batch as rows: `[batch·outH·outW, windowH·windowW·channels]`,
    /// zeros where the window covers padding.
    func im2col(_ x: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Adjoint of ``im2col(_:geometry:)``: sums patch rows back into an NHWC image batch.
    func col2im(_ columns: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Max pooling per channel; also returns, per output, the flat input index of the
    /// maximum (int32), for the backward pass.
    func maxPool2D(_ x: TensorStorage, geometry: WindowGeometry) -> (output: TensorStorage, indices: TensorStorage)
    /// Routes each output gradient to the input position that held the maximum.
    func maxPool2DBackward(_ gradient: TensorStorage, indices: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Average pooling per channel; padded positions are not counted.
    func averagePool2D(_ x: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Spreads each output gradient evenly over its window.
    func averagePool2DBackward(_ gradient: TensorStorage, geometry: WindowGeometry) -> TensorStorage

    // MARK: Recurrent sequences
    /// Runs a recurrent cell over a sequence from its input projection `[batch, time,
    /// gates·units]` (input bias included); returns `[batch, time + states, units]`
    /// (outputs in processing order, then the final states) and what the backward
    /// pass needs. `mask` is bool `[batch, time]`; `recurrentMask` scales `h` before
    /// the recurrent product (recurrent dropout), `[batch, units]`.
    func recurrentForward(_ geometry: RecurrentGeometry, projected: TensorStorage, recurrentKernel: TensorStorage,
                          recurrentBias: TensorStorage?, initialStates: [TensorStorage], mask: TensorStorage?,
                          recurrentMask: TensorStorage?) -> (output: TensorStorage, saved: RecurrentSavedState)
    /// Backpropagation through time: the gradient of the projection, of the recurrent
    /// product's input where it differs (GRU), and of the initial states.
    func recurrentBackward(_ geometry: RecurrentGeometry, saved: RecurrentSavedState, recurrentKernel: TensorStorage,
                           mask: TensorStorage?, recurrentMask: TensorStorage?, upstream: TensorStorage)
        -> (projected: TensorStorage, recurrent: TensorStorage?, initialStates: [TensorStorage])

    // MARK: Optimizer updates
    /// One fused optimizer step over `count` float32 elements, in place: writes
    /// `parameter` and the rule's state `slots`, reads `gradient`.
    func applyUpdate(_ rule: ParameterUpdateRule, parameter: TensorStorage, gradient: TensorStorage,
                     slots: [TensorStorage], count: Int)
}

/// Finds the backend for a device.
public enum Backends {
    /// The CPU backend (always available).
    public static let cpu: any Backend = CPUBackend()

    /// The backend that owns `device`.
    public static func backend(for device: Device) -> any Backend {
        switch device {
        case .cpu: return cpu
        case .cuda: fatalError("\(device): the CUDA backend is not available in this build")
        }
    }

    /// Backends usable in this process.
    public static var available: [any Backend] { [cpu] }
}

extension Backend {
    /// ``matmul(_:_:bias:batch:m:n:k:transposeA:transposeB:batchStrideA:batchStrideB:)`` without a bias.
    func matmul(_ a: TensorStorage, _ b: TensorStorage, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage {
        matmul(a, b, bias: nil, batch: batch, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
               batchStrideA: batchStrideA, batchStrideB: batchStrideB)
    }
}
