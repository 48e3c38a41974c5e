import Synchronization

/// Elementwise functions of one float32 tensor.
///
/// Each case has a forward kernel and a gradient kernel that maps the upstream
/// gradient to the input gradient using the saved input and/or output.
public enum UnaryOp: Sendable, Hashable {
    case negate, exp, log, log1p, sqrt, rsqrt, abs, square, sign, reciprocal
    case sin, cos
    /// The error function.
    case erf
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

/// Fused gradient kernels of the elementwise functions whose derivatives are on
/// every training path: `upstream · f′` from a saved input (the piecewise-linear
/// family) or a saved output (sigmoid, tanh), in one pass. The derivative
/// formulas of everything else are tensor ops above the backends.
public enum ElementwiseGradient: Sendable, Hashable {
    /// `g · [x > 0]` from the saved input.
    case relu
    /// `g · (x > 0 ? 1 : alpha)` from the saved input.
    case leakyRelu(alpha: Float)
    /// `g · [lower ≤ x ≤ upper]` from the saved input.
    case clamp(lower: Float, upper: Float)
    /// `g · y · (1 − y)` from the saved output.
    case sigmoid
    /// `g · (1 − y²)` from the saved output.
    case tanh

    /// The op's name in the autograd graph ("reluGradient", ...): literals, so that
    /// naming a node on the hot path costs no string formatting.
    public var nodeName: String {
        switch self {
        case .relu: "reluGradient"
        case .leakyRelu: "leakyReluGradient"
        case .clamp: "clampGradient"
        case .sigmoid: "sigmoidGradient"
        case .tanh: "tanhGradient"
        }
    }
}

/// The distributions the backends' Philox generators draw from.
public enum RandomDistribution: Sendable, Hashable {
    /// Uniform in `[low, high)`.
    case uniform(low: Float, high: Float)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Float, standardDeviation: Float)
    /// Normal redrawn until within two standard deviations of the mean (Keras' `TruncatedNormal`).
    case truncatedNormal(mean: Float, standardDeviation: Float)
}

/// Elementwise functions of two floating-point tensors, with broadcasting.
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
    /// Product of the dimensions before the reduced ones.
    public var outer: Int
    /// Product of the reduced dimensions.
    public var extent: Int
    /// Product of the dimensions after the reduced ones.
    public var inner: Int
    /// - Parameters:
    ///   - outer: product of the leading kept dimensions.
    ///   - extent: product of the reduced dimensions.
    ///   - inner: product of the trailing kept dimensions.
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

    /// Runs a stretch of work (a training loop, a batch of predictions) in this
    /// backend's execution context on the calling thread, then restores the thread.
    /// The CPU's flushes denormal floats to zero (``FloatingPointMode``); a GPU
    /// backend makes its context current. The default runs `body` as it is.
    ///
    /// - Parameter body: the work.
    /// - Returns: what `body` returns.
    func withExecutionContext<R>(_ body: () throws -> R) rethrows -> R

    // MARK: Memory
    /// Makes and takes back this device's memory (with its block cache).
    var allocator: any DeviceAllocator { get }
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

    // MARK: Random numbers
    /// `count` samples of `distribution` in float32 or float64 from the Philox 4×32-10
    /// stream of `seed`: element `i` takes the 32-bit words of counter block
    /// `offset + i / 4` (uniform: word `i % 4`; normal: two words per sample, block
    /// `offset + i / 2`; truncated normal: round `r` of element `i` uses the block of
    /// counter `offset + i` with its high word set to `r`). Every backend gives the
    /// same numbers for the same seed and offset.
    func random(_ distribution: RandomDistribution, count: Int, dtype: DType, seed: UInt64, offset: UInt64) -> TensorStorage

    // MARK: Elementwise
    /// `op` of each of `count` elements of a float32 or float64 tensor.
    func unary(_ op: UnaryOp, _ x: TensorStorage, dtype: DType, count: Int) -> TensorStorage
    /// A fused gradient kernel (see ``ElementwiseGradient``): `upstream · f′` from the
    /// saved input or output, `count` elements of `dtype`.
    func elementwiseGradient(_ op: ElementwiseGradient, saved: TensorStorage, upstream: TensorStorage,
                             dtype: DType, count: Int) -> TensorStorage
    /// Float32 or float64 binary op under a two-operand broadcast layout.
    func binary(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType, layout: BroadcastLayout) -> TensorStorage
    /// Comparison of two tensors of `dtype` (float32 or int32); returns bool storage.
    func compare(_ op: ComparisonOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                 layout: BroadcastLayout) -> TensorStorage
    /// `mask ? a : b` under a three-operand layout (mask bool, values of `dtype`).
    func select(_ mask: TensorStorage, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                layout: BroadcastLayout) -> TensorStorage

    // MARK: Reductions
    /// Sum/max/min of float32 or float64 values over the middle axis of `[outer, extent, inner]`; result `[outer, inner]`.
    func reduce(_ op: ReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage
    /// Index of the first extremum along the middle axis; int32 result `[outer, inner]`.
    func argReduce(_ op: ArgReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage
    /// Softmax (or log-softmax) of each row of a `[rows, columns]` float32 or float64 matrix.
    func softmax(_ x: TensorStorage, dtype: DType, rows: Int, columns: Int, logarithmic: Bool) -> TensorStorage

    // MARK: Linear algebra
    /// Batched `C[i] = op(A[i]) · op(B[i]) (+ bias)` in float32 or float64: `op(A)` is `m×k`, `op(B)`
    /// is `k×n`, and `bias`, when given, holds `n` values added to every row of every
    /// `C[i]` (fused into the product, as BLAS `beta = 1` over a bias-filled `C`).
    /// A batch stride of 0 reuses one matrix for every batch entry.
    func matmul(_ a: TensorStorage, _ b: TensorStorage, bias: TensorStorage?, dtype: DType, batch: Int, m: Int, n: Int, k: Int,
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
    /// Adjoint of ``indexSelect(_:dtype:indices:indexCount:geometry:)``: zeros of
    /// `[outer, extent, inner]` (float32 or float64) with each gradient row added at its index.
    func indexAdd(_ gradient: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                  geometry: ReductionGeometry) -> TensorStorage

    // MARK: Sliding windows (NHWC)
    /// Patches of an NHWC image batch as rows: `[batch·outH·outW, windowH·windowW·channels]`,
    /// zeros where the window covers padding.
    func im2col(_ x: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Adjoint of ``im2col(_:geometry:)``: sums patch rows back into an NHWC image batch.
    func col2im(_ columns: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// 2-D convolution (cross-correlation) of a float32 NHWC batch `geometry.inputShape`
    /// with a kernel `[windowH·windowW·channels, outChannels]`; result
    /// `[batch·outH·outW, outChannels]`. Also returns what the backend wants to keep
    /// for ``conv2DKernelGradient(_:_:geometry:outChannels:saved:)`` (the default's
    /// im2col matrix), or `nil`. A default composes im2col and the GEMM.
    func conv2D(_ x: TensorStorage, _ kernel: TensorStorage, geometry: WindowGeometry,
                outChannels: Int) -> (output: TensorStorage, saved: TensorStorage?)
    /// The gradient of ``conv2D(_:_:geometry:outChannels:)`` with respect to its input
    /// (the transposed convolution): `gradient` `[batch·outH·outW, outChannels]` and
    /// the kernel → `geometry.inputShape`.
    func conv2DInputGradient(_ gradient: TensorStorage, _ kernel: TensorStorage, geometry: WindowGeometry,
                             outChannels: Int) -> TensorStorage
    /// The gradient of ``conv2D(_:_:geometry:outChannels:)`` with respect to its kernel:
    /// input and `gradient` → `[windowH·windowW·channels, outChannels]`. `saved` is what
    /// the forward returned for this input, or `nil`.
    func conv2DKernelGradient(_ x: TensorStorage, _ gradient: TensorStorage, geometry: WindowGeometry,
                              outChannels: Int, saved: TensorStorage?) -> TensorStorage
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
///
/// The CPU backend is always present, and so is the isolated test device (made at
/// first use). Other backends register a factory for their device kind
/// (``register(_:for:)``); the CUDA backend does so when its libraries load.
public enum Backends {
    /// The CPU backend (always available).
    public static let cpu: any Backend = CPUBackend()

    /// The isolated test device's backend, made at first use.
    static let isolated: any Backend = {
        let backend = CPUBackend(device: .isolated)
        registry.withLock { $0.loaded.append(backend) }
        return backend
    }()

    /// Makes the backend of one device, or says in one line why it cannot.
    public typealias Factory = @Sendable (Device) -> Result<any Backend, BackendUnavailable>

    private struct Registry: ~Copyable {
        var loaded: [any Backend] = [Backends.cpu]
        var factories: [String: Factory] = [:]
        var byDevice: [Device: any Backend] = [:]
    }
    private static let registry = Mutex(Registry())

    /// Registers how to make the backends of a kind of device (`"cuda"`).
    ///
    /// - Parameters:
    ///   - factory: makes the backend for one device of the kind, or says why not.
    ///   - kind: the device kind, as ``Device/kind`` names it.
    public static func register(_ factory: @escaping Factory, for kind: String) {
        registry.withLock { $0.factories[kind] = factory }
    }

    /// The backend that owns `device`, or why there is none.
    ///
    /// - Parameter device: the device to look up.
    public static func lookup(_ device: Device) -> Result<any Backend, BackendUnavailable> {
        switch device {
        case .cpu: return .success(cpu)
        case .isolated: return .success(isolated)
        default: break
        }
        if let known = registry.withLock({ $0.byDevice[device] }) { return .success(known) }
        guard let factory = registry.withLock({ $0.factories[device.kind] }) else {
            if case .cuda = device {
                // The libraries load at run time; say what is missing, or that kernels are not there yet.
                let reason = switch CUDAAvailability.current {
                case .unavailable(let error): "CUDA is unavailable — \(error)"
                case .available: "CUDA loads on this machine, but this build has no CUDA tensor backend yet (synapse-cuda-check exercises the driver, NVRTC and cuBLAS)"
                }
                return .failure(BackendUnavailable(device: device, reason: reason))
            }
            return .failure(BackendUnavailable(device: device, reason: "no \(device.kind) backend is loaded in this process"))
        }
        let made = factory(device)
        if case .success(let backend) = made {
            registry.withLock { registry in
                registry.byDevice[device] = backend
                registry.loaded.append(backend)
            }
        }
        return made
    }

    /// The backend that owns `device`; stops with the reason when it is unavailable.
    ///
    /// - Parameter device: the device to look up.
    public static func backend(for device: Device) -> any Backend {
        switch device {
        case .cpu: return cpu
        case .isolated: return isolated
        default:
            switch lookup(device) {
            case .success(let backend): return backend
            case .failure(let error): fatalError(error.description)
            }
        }
    }

    /// Backends made so far in this process (the CPU's always).
    static var loaded: [any Backend] { registry.withLock { $0.loaded } }

    /// Backends usable in this process: the CPU, the isolated test device, and one
    /// per device of each registered kind that can be made.
    public static var available: [any Backend] {
        var result: [any Backend] = [cpu, isolated]
        let kinds = registry.withLock { Array($0.factories.keys) }.sorted()
        for kind in kinds where kind == "cuda" {
            var ordinal = 0
            while case .success(let backend) = lookup(.cuda(ordinal)) {
                result.append(backend)
                ordinal += 1
            }
        }
        return result
    }
}

/// Why a device has no backend in this process: a readable, one-line reason.
public struct BackendUnavailable: Error, Sendable, CustomStringConvertible {
    /// The device asked for.
    public var device: Device
    /// Why it cannot be used (for CUDA: no driver, no device, a library not found).
    public var reason: String

    /// - Parameters:
    ///   - device: the device asked for.
    ///   - reason: one line saying why it is unavailable.
    public init(device: Device, reason: String) {
        self.device = device
        self.reason = reason
    }

    public var description: String { "\(device) is unavailable: \(reason)" }
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

extension Backend {
    /// The default execution context: runs `body` on the calling thread as it is.
    ///
    /// - Parameter body: the work.
    /// - Returns: what `body` returns.
    public func withExecutionContext<R>(_ body: () throws -> R) rethrows -> R { try body() }

    /// A float32 ``matmul(_:_:bias:dtype:batch:m:n:k:transposeA:transposeB:batchStrideA:batchStrideB:)`` without a bias.
    func matmul(_ a: TensorStorage, _ b: TensorStorage, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage {
        matmul(a, b, bias: nil, dtype: .float32, batch: batch, m: m, n: n, k: k, transposeA: transposeA,
               transposeB: transposeB, batchStrideA: batchStrideA, batchStrideB: batchStrideB)
    }
}
