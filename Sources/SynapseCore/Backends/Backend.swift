import Synchronization

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
    ///
    /// - Parameter byteCount: the size in bytes.
    /// - Returns: storage of `byteCount` bytes on this backend's device, contents undefined.
    func allocate(byteCount: Int) -> TensorStorage
    /// A copy of the first `byteCount` bytes.
    ///
    /// - Parameters:
    ///   - source: storage on this backend's device.
    ///   - byteCount: how many bytes to copy from the start of `source`.
    /// - Returns: new storage of `byteCount` bytes.
    func copy(_ source: TensorStorage, byteCount: Int) -> TensorStorage
    /// Storage holding a copy of host bytes.
    ///
    /// - Parameter bytes: host memory to copy to the device.
    /// - Returns: new storage of `bytes.count` bytes.
    func upload(_ bytes: UnsafeRawBufferPointer) -> TensorStorage
    /// Copies `bytes.count` bytes of `storage` to host memory.
    ///
    /// - Parameters:
    ///   - storage: storage on this backend's device, holding at least `bytes.count` bytes.
    ///   - bytes: the host buffer to fill.
    func download(_ storage: TensorStorage, into bytes: UnsafeMutableRawBufferPointer)
    /// Sets `count` elements of `dtype` to `value`.
    ///
    /// - Parameters:
    ///   - storage: the storage to write, in place.
    ///   - count: number of elements to set, from the start.
    ///   - dtype: the element type of the storage.
    ///   - value: the value, converted to `dtype`.
    func fill(_ storage: TensorStorage, count: Int, dtype: DType, value: Double)
    /// Converts `count` elements between dtypes (float→int truncates toward zero;
    /// anything→bool is `!= 0`).
    ///
    /// - Parameters:
    ///   - source: `count` elements of `from`.
    ///   - count: number of elements.
    ///   - from: the source element type.
    ///   - to: the result element type.
    /// - Returns: new storage of `count` elements of `to`.
    func cast(_ source: TensorStorage, count: Int, from: DType, to: DType) -> TensorStorage

    // MARK: Random numbers
    /// `count` samples of `distribution` in float32 or float64 from the Philox 4×32-10
    /// stream of `seed`: element `i` takes the 32-bit words of counter block
    /// `offset + i / 4` (uniform: word `i % 4`; normal: two words per sample, block
    /// `offset + i / 2`; truncated normal: round `r` of element `i` uses the block of
    /// counter `offset + i` with its high word set to `r`). Every backend gives the
    /// same numbers for the same seed and offset.
    ///
    /// - Parameters:
    ///   - distribution: what to sample.
    ///   - count: number of samples.
    ///   - dtype: float32 or float64.
    ///   - seed: the Philox key.
    ///   - offset: the first counter block to use (see above).
    /// - Returns: new storage of `count` samples of `dtype`.
    func random(_ distribution: RandomDistribution, count: Int, dtype: DType, seed: UInt64, offset: UInt64) -> TensorStorage

    // MARK: Elementwise
    /// `op` of each of `count` elements of a float32 or float64 tensor.
    ///
    /// - Parameters:
    ///   - op: the function to apply.
    ///   - x: the input elements.
    ///   - dtype: float32 or float64.
    ///   - count: number of elements.
    /// - Returns: new storage of `count` elements of `dtype`.
    func unary(_ op: UnaryOp, _ x: TensorStorage, dtype: DType, count: Int) -> TensorStorage
    /// A fused gradient kernel (see ``ElementwiseGradient``): `upstream · f′` from the
    /// saved input or output, `count` elements of `dtype`.
    ///
    /// - Parameters:
    ///   - op: the function whose derivative to apply.
    ///   - saved: the forward input (relu, leakyRelu, clamp) or output (sigmoid, tanh).
    ///   - upstream: the gradient of the forward output.
    ///   - dtype: float32 or float64.
    ///   - count: number of elements of each operand.
    /// - Returns: the gradient of the forward input, `count` elements of `dtype`.
    func elementwiseGradient(_ op: ElementwiseGradient, saved: TensorStorage, upstream: TensorStorage,
                             dtype: DType, count: Int) -> TensorStorage
    /// Float32 or float64 binary op under a two-operand broadcast layout.
    ///
    /// - Parameters:
    ///   - op: the function to apply.
    ///   - a: the first operand, of `layout.operandShapes[0]`.
    ///   - b: the second operand, of `layout.operandShapes[1]`.
    ///   - dtype: float32 or float64, both operands' and the result's.
    ///   - layout: how the operands broadcast to the output shape.
    /// - Returns: new storage of `layout.shape`.
    func binary(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType, layout: BroadcastLayout) -> TensorStorage
    /// Comparison of two tensors of `dtype` (float32 or int32); returns bool storage.
    ///
    /// - Parameters:
    ///   - op: the comparison.
    ///   - a: the left operand, of `layout.operandShapes[0]`.
    ///   - b: the right operand, of `layout.operandShapes[1]`.
    ///   - dtype: the operands' element type.
    ///   - layout: how the operands broadcast to the output shape.
    /// - Returns: new bool storage of `layout.shape`.
    func compare(_ op: ComparisonOp, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                 layout: BroadcastLayout) -> TensorStorage
    /// `mask ? a : b` under a three-operand layout (mask bool, values of `dtype`).
    ///
    /// - Parameters:
    ///   - mask: bool, of `layout.operandShapes[0]`.
    ///   - a: values taken where `mask` is true, of `layout.operandShapes[1]`.
    ///   - b: values taken where `mask` is false, of `layout.operandShapes[2]`.
    ///   - dtype: the element type of `a`, `b` and the result.
    ///   - layout: how the three operands broadcast to the output shape.
    /// - Returns: new storage of `layout.shape`.
    func select(_ mask: TensorStorage, _ a: TensorStorage, _ b: TensorStorage, dtype: DType,
                layout: BroadcastLayout) -> TensorStorage

    // MARK: Reductions
    /// Sum/max/min of float32 or float64 values over the middle axis of `[outer, extent, inner]`; result `[outer, inner]`.
    ///
    /// - Parameters:
    ///   - op: the reduction.
    ///   - x: `[outer, extent, inner]` elements.
    ///   - dtype: float32 or float64.
    ///   - geometry: the `outer`, `extent` and `inner` sizes.
    /// - Returns: new storage of `[outer, inner]` elements of `dtype`.
    func reduce(_ op: ReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage
    /// Index of the first extremum along the middle axis; int32 result `[outer, inner]`.
    ///
    /// - Parameters:
    ///   - op: argmax or argmin.
    ///   - x: `[outer, extent, inner]` elements.
    ///   - dtype: the element type of `x`.
    ///   - geometry: the `outer`, `extent` and `inner` sizes.
    /// - Returns: new int32 storage of `[outer, inner]` indices in `0..<extent`.
    func argReduce(_ op: ArgReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage
    /// Softmax (or log-softmax) of each row of a `[rows, columns]` float32 or float64 matrix.
    ///
    /// - Parameters:
    ///   - x: `[rows, columns]` elements.
    ///   - dtype: float32 or float64.
    ///   - rows: number of rows.
    ///   - columns: length of each row, the axis normalised over.
    ///   - logarithmic: return log-softmax instead of softmax.
    /// - Returns: new storage of `[rows, columns]` elements of `dtype`.
    func softmax(_ x: TensorStorage, dtype: DType, rows: Int, columns: Int, logarithmic: Bool) -> TensorStorage
    /// The gradient of ``softmax(_:dtype:rows:columns:logarithmic:)`` from its output
    /// `y` and the output's gradient `g`, row by row: softmax `dx = y · (g − Σ g·y)`,
    /// log-softmax `dx = g − eʸ · Σ g`.
    ///
    /// - Parameters:
    ///   - output: `[rows, columns]`, the forward's output `y`.
    ///   - gradient: `[rows, columns]`, `g`.
    ///   - dtype: float32 or float64.
    ///   - rows: number of rows.
    ///   - columns: length of each row.
    ///   - logarithmic: the forward was log-softmax.
    /// - Returns: new storage of `[rows, columns]` elements of `dtype`.
    func softmaxBackward(_ output: TensorStorage, gradient: TensorStorage, dtype: DType, rows: Int, columns: Int,
                         logarithmic: Bool) -> TensorStorage

    // MARK: Normalization
    /// The mean and the biased variance of each channel (column) of a float32
    /// `[rows, channels]` matrix, over its rows: batch normalization's statistics
    /// (two passes, so a large mean does not cancel the variance's digits).
    ///
    /// - Parameters:
    ///   - x: `[rows, channels]` elements.
    ///   - rows: rows (every axis but the channels, flattened).
    ///   - channels: channels.
    /// - Returns: new storages of `[channels]` means and variances.
    func channelMoments(_ x: TensorStorage, rows: Int, channels: Int) -> (mean: TensorStorage, variance: TensorStorage)
    /// `y[r, c] = x[r, c] · scale[c] + shift[c]` over a float32 `[rows, channels]` matrix
    /// in one pass: batch normalization's output with its statistics folded in.
    ///
    /// - Parameters:
    ///   - x: `[rows, channels]` elements.
    ///   - scale: `[channels]`.
    ///   - shift: `[channels]`.
    ///   - rows: rows.
    ///   - channels: channels.
    /// - Returns: new storage of `[rows, channels]` elements.
    func channelAffine(_ x: TensorStorage, scale: TensorStorage, shift: TensorStorage, rows: Int,
                       channels: Int) -> TensorStorage
    /// The gradients of training-mode batch normalization `y = γ·(x − μ)·σ⁻¹ + β`
    /// (μ, σ² the batch's mean and biased variance per channel, σ⁻¹ = 1/√(σ² + ε)):
    /// `dβ = Σ g`, `dγ = Σ g·(x − μ)·σ⁻¹`, and
    /// `dx = γσ⁻¹·(g − dβ/N − (x − μ)σ⁻¹·dγ/N)`, in one reduction pass and one
    /// output pass.
    ///
    /// - Parameters:
    ///   - x: the forward input, float32 `[rows, channels]`.
    ///   - gradient: `[rows, channels]`, the output's gradient.
    ///   - mean: `[channels]`, μ.
    ///   - inverseDeviation: `[channels]`, σ⁻¹.
    ///   - gamma: `[channels]`, γ, or `nil` for 1.
    ///   - rows: rows (N).
    ///   - channels: channels.
    /// - Returns: new storages of the input's gradient `[rows, channels]` and of
    ///   `dγ` and `dβ`, `[channels]` each.
    func batchNormalizationBackward(_ x: TensorStorage, gradient: TensorStorage, mean: TensorStorage,
                                    inverseDeviation: TensorStorage, gamma: TensorStorage?, rows: Int,
                                    channels: Int) -> (input: TensorStorage, gamma: TensorStorage, beta: TensorStorage)

    // MARK: Linear algebra
    /// Batched `C[i] = op(A[i]) · op(B[i]) (+ bias)` in float32 or float64: `op(A)` is `m×k`, `op(B)`
    /// is `k×n`, and `bias`, when given, holds `n` values added to every row of every
    /// `C[i]` (fused into the product, as BLAS `beta = 1` over a bias-filled `C`).
    /// A batch stride of 0 reuses one matrix for every batch entry.
    ///
    /// - Parameters:
    ///   - a: the left matrices, `k×m` each when `transposeA`, else `m×k`.
    ///   - b: the right matrices, `n×k` each when `transposeB`, else `k×n`.
    ///   - bias: `n` values added to every row of the result, or `nil`.
    ///   - dtype: float32 or float64.
    ///   - batch: number of products.
    ///   - m: rows of each result.
    ///   - n: columns of each result.
    ///   - k: the contracted dimension.
    ///   - transposeA: read each `A[i]` transposed.
    ///   - transposeB: read each `B[i]` transposed.
    ///   - batchStrideA: elements between consecutive `A[i]` (0: one shared matrix).
    ///   - batchStrideB: elements between consecutive `B[i]` (0: one shared matrix).
    /// - Returns: new storage of `[batch, m, n]` elements of `dtype`.
    func matmul(_ a: TensorStorage, _ b: TensorStorage, bias: TensorStorage?, dtype: DType, batch: Int, m: Int, n: Int, k: Int,
                transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage

    /// `rows` of float32 `input` through a chain of dense layers in one fused pass
    /// (``Tensor/denseChain(_:)``), or `nil` where this backend has no fused path
    /// for the shape (the caller then composes the products and activations).
    ///
    /// - Parameters:
    ///   - input: `[rows, layers[0].inputs]`.
    ///   - rows: the samples.
    ///   - layers: the layers, first to last.
    /// - Returns: new storage of `[rows, layers.last.outputs]`, or `nil`.
    func denseChain(_ input: TensorStorage, rows: Int, layers: [BackendDenseLayer]) -> TensorStorage?

    // MARK: Data movement
    /// Reads `shape` elements of `dtype` from `source` at `offset + Σ index·strides`
    /// into contiguous storage (slicing, permutation, broadcasting).
    ///
    /// - Parameters:
    ///   - source: the storage to read.
    ///   - dtype: the element type.
    ///   - offset: the element index of the first element read.
    ///   - strides: per dimension of `shape`, the step in elements in `source` (0 repeats).
    ///   - shape: the shape of the result.
    /// - Returns: new contiguous storage of `shape`.
    func stridedRead(_ source: TensorStorage, dtype: DType, offset: Int, strides: [Int], shape: [Int]) -> TensorStorage
    /// Writes (or adds, for float32) the contiguous `values` of `shape` into
    /// `destination` at `offset + Σ index·strides`, in place. The inverse of ``stridedRead(_:dtype:offset:strides:shape:)``.
    ///
    /// - Parameters:
    ///   - values: contiguous elements of `shape`.
    ///   - destination: the storage written in place.
    ///   - dtype: the element type (float32 when `accumulate`).
    ///   - offset: the element index in `destination` of the first element written.
    ///   - strides: per dimension of `shape`, the step in elements in `destination`.
    ///   - shape: the shape of `values`.
    ///   - accumulate: add to the destination's elements instead of replacing them
    ///     (targets repeated by a 0 stride then receive every value).
    func stridedWrite(_ values: TensorStorage, into destination: TensorStorage, dtype: DType, offset: Int,
                      strides: [Int], shape: [Int], accumulate: Bool)
    /// Picks entries along the middle axis of `[outer, extent, inner]` by int32
    /// `indices`; result `[outer, indices.count, inner]`. Stops on an index out of range.
    ///
    /// - Parameters:
    ///   - x: `[outer, extent, inner]` elements of `dtype`.
    ///   - dtype: the element type.
    ///   - indices: int32 indices in `0..<extent`.
    ///   - indexCount: number of indices.
    ///   - geometry: the `outer`, `extent` and `inner` sizes of `x`.
    /// - Returns: new storage of `[outer, indexCount, inner]`.
    func indexSelect(_ x: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                     geometry: ReductionGeometry) -> TensorStorage
    /// Adjoint of ``indexSelect(_:dtype:indices:indexCount:geometry:)``: zeros of
    /// `[outer, extent, inner]` (float32 or float64) with each gradient row added at its index.
    ///
    /// - Parameters:
    ///   - gradient: `[outer, indexCount, inner]` elements of `dtype`.
    ///   - dtype: float32 or float64.
    ///   - indices: the int32 indices the forward selection used, in `0..<extent`.
    ///   - indexCount: number of indices.
    ///   - geometry: the `outer`, `extent` and `inner` sizes of the result.
    /// - Returns: new storage of `[outer, extent, inner]`; repeated indices add up.
    func indexAdd(_ gradient: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                  geometry: ReductionGeometry) -> TensorStorage

    // MARK: Sliding windows (NHWC)
    /// Patches of an NHWC image batch as rows: `[batch·outH·outW, windowH·windowW·channels]`,
    /// zeros where the window covers padding.
    ///
    /// - Parameters:
    ///   - x: the image batch, `geometry.inputShape`.
    ///   - geometry: the window, strides, dilation and padding.
    /// - Returns: new storage of `[patchCount, patchSize]`.
    func im2col(_ x: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Adjoint of ``im2col(_:geometry:)``: sums patch rows back into an NHWC image batch.
    ///
    /// - Parameters:
    ///   - columns: `[patchCount, patchSize]` patch rows.
    ///   - geometry: the window, strides, dilation and padding.
    /// - Returns: new storage of `geometry.inputShape`.
    func col2im(_ columns: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// 2-D convolution (cross-correlation) of a float32 NHWC batch `geometry.inputShape`
    /// with a kernel `[windowH·windowW·channels, outChannels]`, plus a bias per output
    /// channel when given; result `[batch·outH·outW, outChannels]`. Also returns what
    /// the backend wants to keep for ``conv2DKernelGradient(_:_:geometry:outChannels:saved:)``
    /// (the default's im2col matrix), or `nil`. A default composes im2col and the
    /// GEMM (which accumulates onto the bias).
    ///
    /// - Parameters:
    ///   - x: the float32 input batch, `geometry.inputShape`.
    ///   - kernel: `[windowH·windowW·channels, outChannels]`.
    ///   - bias: `[outChannels]`, added to every output pixel, or `nil`.
    ///   - geometry: the window, strides, dilation and padding.
    ///   - outChannels: number of output channels.
    /// - Returns: the output `[batch·outH·outW, outChannels]` and what to keep for the
    ///   kernel gradient, or `nil`.
    func conv2D(_ x: TensorStorage, _ kernel: TensorStorage, bias: TensorStorage?, geometry: WindowGeometry,
                outChannels: Int) -> (output: TensorStorage, saved: TensorStorage?)
    /// The gradient of ``conv2D(_:_:bias:geometry:outChannels:)`` with respect to its input
    /// (the transposed convolution): `gradient` `[batch·outH·outW, outChannels]` and
    /// the kernel → `geometry.inputShape`.
    ///
    /// - Parameters:
    ///   - gradient: the output gradient, `[batch·outH·outW, outChannels]`.
    ///   - kernel: `[windowH·windowW·channels, outChannels]`.
    ///   - geometry: the forward convolution's geometry.
    ///   - outChannels: number of output channels.
    /// - Returns: new storage of `geometry.inputShape`.
    func conv2DInputGradient(_ gradient: TensorStorage, _ kernel: TensorStorage, geometry: WindowGeometry,
                             outChannels: Int) -> TensorStorage
    /// The gradient of ``conv2D(_:_:bias:geometry:outChannels:)`` with respect to its kernel:
    /// input and `gradient` → `[windowH·windowW·channels, outChannels]`. `saved` is what
    /// the forward returned for this input, or `nil`.
    ///
    /// - Parameters:
    ///   - x: the forward input, `geometry.inputShape`.
    ///   - gradient: the output gradient, `[batch·outH·outW, outChannels]`.
    ///   - geometry: the forward convolution's geometry.
    ///   - outChannels: number of output channels.
    ///   - saved: what ``conv2D(_:_:bias:geometry:outChannels:)`` returned as `saved`, or `nil`.
    /// - Returns: new storage of `[windowH·windowW·channels, outChannels]`.
    func conv2DKernelGradient(_ x: TensorStorage, _ gradient: TensorStorage, geometry: WindowGeometry,
                              outChannels: Int, saved: TensorStorage?) -> TensorStorage
    /// Max pooling per channel; also returns, per output, the flat input index of the
    /// maximum (int32), for the backward pass.
    ///
    /// - Parameters:
    ///   - x: the float32 input batch, `geometry.inputShape`.
    ///   - geometry: the window, strides and padding.
    /// - Returns: the output, `geometry.outputShape`, and per output element the
    ///   flat index of its maximum in `x` (`-1` for a window that covers only padding).
    func maxPool2D(_ x: TensorStorage, geometry: WindowGeometry) -> (output: TensorStorage, indices: TensorStorage)
    /// Routes each output gradient to the input position that held the maximum.
    ///
    /// - Parameters:
    ///   - gradient: the output gradient, `geometry.outputShape`.
    ///   - indices: the indices ``maxPool2D(_:geometry:)`` returned.
    ///   - geometry: the forward pooling's geometry.
    /// - Returns: new storage of `geometry.inputShape`.
    func maxPool2DBackward(_ gradient: TensorStorage, indices: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Average pooling per channel; padded positions are not counted.
    ///
    /// - Parameters:
    ///   - x: the float32 input batch, `geometry.inputShape`.
    ///   - geometry: the window, strides and padding.
    /// - Returns: new storage of `geometry.outputShape`.
    func averagePool2D(_ x: TensorStorage, geometry: WindowGeometry) -> TensorStorage
    /// Spreads each output gradient evenly over its window.
    ///
    /// - Parameters:
    ///   - gradient: the output gradient, `geometry.outputShape`.
    ///   - geometry: the forward pooling's geometry.
    /// - Returns: new storage of `geometry.inputShape`.
    func averagePool2DBackward(_ gradient: TensorStorage, geometry: WindowGeometry) -> TensorStorage

    // MARK: Recurrent sequences
    /// Runs a recurrent cell over a sequence from its input projection `[batch, time,
    /// gates·units]` (input bias included); returns `[batch, time + states, units]`
    /// (outputs in processing order, then the final states) and what the backward
    /// pass needs. `mask` is bool `[batch, time]`; `recurrentMask` scales `h` before
    /// the recurrent product (recurrent dropout), `[batch, units]`.
    ///
    /// - Parameters:
    ///   - geometry: the cell, sizes, activations and direction.
    ///   - projected: `[batch, time, gates·units]`, the input projection with its bias.
    ///   - recurrentKernel: `[units, gates·units]`.
    ///   - recurrentBias: the GRU's recurrent bias `[gates·units]`, or `nil`.
    ///   - initialStates: `[batch, units]` each: `h`, and `c` for the LSTM.
    ///   - mask: bool `[batch, time]`; at a `false` step the states are kept, or `nil`.
    ///   - recurrentMask: `[batch, units]` multiplying `h` before the recurrent product, or `nil`.
    /// - Returns: `[batch, time + states, units]` and the state saved for
    ///   ``recurrentBackward(_:saved:recurrentKernel:mask:recurrentMask:upstream:)``.
    func recurrentForward(_ geometry: RecurrentGeometry, projected: TensorStorage, recurrentKernel: TensorStorage,
                          recurrentBias: TensorStorage?, initialStates: [TensorStorage], mask: TensorStorage?,
                          recurrentMask: TensorStorage?) -> (output: TensorStorage, saved: RecurrentSavedState)
    /// Backpropagation through time: the gradient of the projection, of the recurrent
    /// product's input where it differs (GRU), and of the initial states.
    ///
    /// - Parameters:
    ///   - geometry: the forward pass's geometry.
    ///   - saved: what ``recurrentForward(_:projected:recurrentKernel:recurrentBias:initialStates:mask:recurrentMask:)`` saved.
    ///   - recurrentKernel: `[units, gates·units]`.
    ///   - mask: the forward pass's bool `[batch, time]` mask, or `nil`.
    ///   - recurrentMask: the forward pass's `[batch, units]` recurrent dropout mask, or `nil`.
    ///   - upstream: the gradient of the forward output, `[batch, time + states, units]`.
    /// - Returns: the gradient of `projected` (`[batch, time, gates·units]`), that of the
    ///   recurrent product's input for the GRU (same shape; `nil` for other cells), and
    ///   one `[batch, units]` gradient per initial state.
    func recurrentBackward(_ geometry: RecurrentGeometry, saved: RecurrentSavedState, recurrentKernel: TensorStorage,
                           mask: TensorStorage?, recurrentMask: TensorStorage?, upstream: TensorStorage)
        -> (projected: TensorStorage, recurrent: TensorStorage?, initialStates: [TensorStorage])

    // MARK: Optimizer updates
    /// One fused optimizer step over `count` float32 elements, in place: writes
    /// `parameter` and the rule's state `slots`, reads `gradient`.
    ///
    /// - Parameters:
    ///   - rule: the update rule and its constants for this step.
    ///   - parameter: `count` float32 elements, updated in place.
    ///   - gradient: `count` float32 elements.
    ///   - slots: ``ParameterUpdateRule/slotCount`` state buffers of `count` float32 elements, updated in place.
    ///   - count: number of elements.
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
