import CDNNL
import Synchronization

/// oneDNN's convolution primitives (forward, backward-data, backward-weights) on
/// Synapse's own layouts: images NHWC (oneDNN's `nhwc`), read and written in place;
/// kernels `[windowH, windowW, inChannels, outChannels]` (oneDNN's `hwio`), reordered
/// into the primitive's blocked layout and back around it.
///
/// A primitive is created once per geometry and direction and kept (with its memory
/// objects, whose data pointers are swapped per call) for the life of the process.
/// Creation can fail for a geometry the library does not serve; then
/// ``forward(_:_:bias:into:geometry:outChannels:)`` and the other two return `false`
/// and the caller takes the im2col path.
enum OneDNNConvolution {
    /// What a primitive computes.
    enum Direction: Hashable { case forward, inputGradient, kernelGradient }

    private struct Key: Hashable {
        var geometry: WindowGeometry
        var outChannels: Int
        var direction: Direction
        /// A forward convolution that adds a bias per output channel.
        var hasBias = false
    }

    /// `y = conv(x, K) + b`: `x` `geometry.inputShape`, `K` `[patchSize, outChannels]`,
    /// `b` `[outChannels]`, `y` `[patchCount, outChannels]` (all float32, dense).
    ///
    /// - Parameters:
    ///   - x: the input batch.
    ///   - kernel: the kernel.
    ///   - bias: the bias per output channel, or `nil`; default `nil`.
    ///   - output: where the output goes.
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    /// - Returns: `false` when oneDNN has no primitive for this geometry (nothing written).
    static func forward(_ x: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>? = nil,
                        into output: UnsafeMutablePointer<Float>, geometry: WindowGeometry, outChannels: Int) -> Bool {
        var arguments = [(DNNL_ARG_SRC, UnsafeMutableRawPointer(mutating: x)),
                         (DNNL_ARG_WEIGHTS, UnsafeMutableRawPointer(mutating: kernel)),
                         (DNNL_ARG_DST, UnsafeMutableRawPointer(output))]
        if let bias { arguments.append((DNNL_ARG_BIAS, UnsafeMutableRawPointer(mutating: bias))) }
        return run(Key(geometry: geometry, outChannels: outChannels, direction: .forward, hasBias: bias != nil),
                   arguments)
    }

    /// `dx = convᵀ(dy, K)`: `dy` `[patchCount, outChannels]` → `dx` `geometry.inputShape`.
    ///
    /// - Parameters:
    ///   - gradient: the output gradient.
    ///   - kernel: the kernel, `[patchSize, outChannels]`.
    ///   - output: where the input gradient goes.
    ///   - geometry: the forward convolution's windows.
    ///   - outChannels: the output channels.
    /// - Returns: `false` when oneDNN has no primitive for this geometry (nothing written).
    static func inputGradient(_ gradient: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
                              into output: UnsafeMutablePointer<Float>, geometry: WindowGeometry,
                              outChannels: Int) -> Bool {
        run(Key(geometry: geometry, outChannels: outChannels, direction: .inputGradient),
            [(DNNL_ARG_DIFF_DST, UnsafeMutableRawPointer(mutating: gradient)),
             (DNNL_ARG_WEIGHTS, UnsafeMutableRawPointer(mutating: kernel)),
             (DNNL_ARG_DIFF_SRC, UnsafeMutableRawPointer(output))])
    }

    /// `dK = Σ x ⊗ dy` over the windows: → `[patchSize, outChannels]`.
    ///
    /// - Parameters:
    ///   - x: the forward input, `geometry.inputShape`.
    ///   - gradient: the output gradient, `[patchCount, outChannels]`.
    ///   - output: where the kernel gradient goes.
    ///   - geometry: the forward convolution's windows.
    ///   - outChannels: the output channels.
    /// - Returns: `false` when oneDNN has no primitive for this geometry (nothing written).
    static func kernelGradient(_ x: UnsafePointer<Float>, _ gradient: UnsafePointer<Float>,
                               into output: UnsafeMutablePointer<Float>, geometry: WindowGeometry,
                               outChannels: Int) -> Bool {
        run(Key(geometry: geometry, outChannels: outChannels, direction: .kernelGradient),
            [(DNNL_ARG_SRC, UnsafeMutableRawPointer(mutating: x)),
             (DNNL_ARG_DIFF_DST, UnsafeMutableRawPointer(mutating: gradient)),
             (DNNL_ARG_DIFF_WEIGHTS, UnsafeMutableRawPointer(output))])
    }

    /// The implementation oneDNN picked for a geometry and direction (e.g.
    /// `"jit:avx512_core"`, `"gemm:jit"`), or `nil` when it has none.
    ///
    /// - Parameters:
    ///   - geometry: the windows.
    ///   - outChannels: the output channels.
    ///   - direction: which of the three primitives.
    /// - Returns: oneDNN's implementation name.
    static func implementation(geometry: WindowGeometry, outChannels: Int, direction: Direction) -> String? {
        primitive(for: Key(geometry: geometry, outChannels: outChannels, direction: direction))?.implementation
    }

    // MARK: - Primitive cache

    private static let cache = Mutex<[Key: CachedPrimitive?]>([:])

    private static func primitive(for key: Key) -> CachedPrimitive? {
        cache.withLock { cache in
            if let known = cache[key] { return known }
            let made = CachedPrimitive(key)
            cache[key] = made
            return made
        }
    }

    private static func run(_ key: Key, _ arguments: [(Int32, UnsafeMutableRawPointer)]) -> Bool {
        guard let primitive = primitive(for: key) else { return false }
        primitive.execute(arguments)
        return true
    }

    /// One execution argument: the memory on Synapse's pointer, and, when the
    /// primitive wants another layout, a library-owned copy in that layout with the
    /// reorder between them.
    private struct Argument {
        let argument: Int32
        let user: dnnl_memory_t
        let staged: dnnl_memory_t?
        let reorder: dnnl_primitive_t?
        let isOutput: Bool
    }

    /// A primitive with its arguments (data pointers set per call).
    private final class CachedPrimitive: @unchecked Sendable {
        let primitive: dnnl_primitive_t
        let implementation: String
        private let arguments: [Argument]
        /// A primitive's memory objects hold one call's pointers at a time.
        private let lock = Mutex<Void>(())

        init?(_ key: Key) {
            guard let engine = OneDNNEngine.shared else { return nil }
            let g = key.geometry
            let plainSource = memoryDescriptor([g.batch, g.channels, g.inputHeight, g.inputWidth], dnnl_nhwc)
            let plainWeights = memoryDescriptor([key.outChannels, g.channels, g.windowHeight, g.windowWidth], dnnl_hwio)
            let plainDestination = memoryDescriptor([g.batch, key.outChannels, g.outputHeight, g.outputWidth],
                                                    dnnl_nhwc)
            // Images stay NHWC; the kernel takes the blocked layout the JIT kernels want
            // (reordered per call: a few thousand floats). Measured on W2's and W7's
            // shapes, blocked images (nChw16c) lost more to their reorders than they
            // gained, and plain `hwio` weights make oneDNN fall back to its own im2col
            // GEMM (`gemm:jit`), 1.5-4× slower than ours.
            var source = plainSource
            var weights = memoryDescriptor([key.outChannels, g.channels, g.windowHeight, g.windowWidth],
                                           dnnl_format_tag_any)
            var destination = plainDestination
            let strides = dimensionArray([g.strideHeight, g.strideWidth])
            let dilations = dimensionArray([g.dilationHeight - 1, g.dilationWidth - 1])
            let paddingBefore = dimensionArray([g.padTop, g.padLeft])
            // The padding after is whatever makes the last window end where the output says.
            let padBottom = (g.outputHeight - 1) * g.strideHeight + (g.windowHeight - 1) * g.dilationHeight + 1
                - g.inputHeight - g.padTop
            let padRight = (g.outputWidth - 1) * g.strideWidth + (g.windowWidth - 1) * g.dilationWidth + 1
                - g.inputWidth - g.padLeft
            let paddingAfter = dimensionArray([padBottom, padRight])

            var plainBias = memoryDescriptor([key.outChannels], dnnl_a)
            var forwardDescriptor = dnnl_convolution_desc_t()
            let described = withUnsafePointer(to: &plainBias) { bias in
                dnnl_dilated_convolution_forward_desc_init(
                    &forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct, &source, &weights,
                    key.hasBias ? bias : nil, &destination, strides, dilations, paddingBefore, paddingAfter)
            }
            guard described == dnnl_success else { return nil }
            var forward: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&forward, &forwardDescriptor, nil, engine.engine, nil) == dnnl_success,
                  let forward else { return nil }
            defer { dnnl_primitive_desc_destroy(forward) }

            var descriptor: dnnl_primitive_desc_t?
            let plain: [(argument: Int32, descriptor: dnnl_memory_desc_t, isOutput: Bool)]
            switch key.direction {
            case .forward:
                guard dnnl_primitive_desc_clone(&descriptor, forward) == dnnl_success else { return nil }
                plain = [(DNNL_ARG_SRC, plainSource, false), (DNNL_ARG_WEIGHTS, plainWeights, false),
                         (DNNL_ARG_DST, plainDestination, true)]
                    + (key.hasBias ? [(DNNL_ARG_BIAS, plainBias, false)] : [])
            case .inputGradient:
                var data = dnnl_convolution_desc_t()
                guard dnnl_dilated_convolution_backward_data_desc_init(
                    &data, dnnl_convolution_direct, &source, &weights, &destination,
                    strides, dilations, paddingBefore, paddingAfter) == dnnl_success,
                      dnnl_primitive_desc_create(&descriptor, &data, nil, engine.engine, forward) == dnnl_success
                else { return nil }
                plain = [(DNNL_ARG_DIFF_DST, plainDestination, false), (DNNL_ARG_WEIGHTS, plainWeights, false),
                         (DNNL_ARG_DIFF_SRC, plainSource, true)]
            case .kernelGradient:
                var weightsGradient = dnnl_convolution_desc_t()
                guard dnnl_dilated_convolution_backward_weights_desc_init(
                    &weightsGradient, dnnl_convolution_direct, &source, &weights, nil, &destination,
                    strides, dilations, paddingBefore, paddingAfter) == dnnl_success,
                      dnnl_primitive_desc_create(&descriptor, &weightsGradient, nil, engine.engine,
                                                 forward) == dnnl_success
                else { return nil }
                plain = [(DNNL_ARG_SRC, plainSource, false), (DNNL_ARG_DIFF_DST, plainDestination, false),
                         (DNNL_ARG_DIFF_WEIGHTS, plainWeights, true)]
            }
            guard let descriptor else { return nil }
            defer { dnnl_primitive_desc_destroy(descriptor) }
            var name: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &name)
            implementation = name.map { String(cString: $0) } ?? "unknown"
            var made: dnnl_primitive_t?
            guard dnnl_primitive_create(&made, descriptor) == dnnl_success, let made else { return nil }
            var arguments: [Argument] = []
            for (argument, var user, isOutput) in plain {
                guard let wanted = dnnl_primitive_desc_query_md(descriptor, dnnl_query_exec_arg_md, argument),
                      let userMemory = engine.memory(&user, handle: nil) else { return nil }
                if dnnl_memory_desc_equal(wanted, &user) != 0 {
                    arguments.append(Argument(argument: argument, user: userMemory, staged: nil, reorder: nil,
                                              isOutput: isOutput))
                    continue
                }
                var layout = wanted.pointee
                guard let staged = engine.memory(&layout, handle: UnsafeMutableRawPointer(bitPattern: -1)),
                      let reorder = isOutput ? engine.reorder(from: &layout, to: &user)
                                             : engine.reorder(from: &user, to: &layout) else { return nil }
                arguments.append(Argument(argument: argument, user: userMemory, staged: staged, reorder: reorder,
                                          isOutput: isOutput))
            }
            primitive = made
            self.arguments = arguments
        }

        func execute(_ pointers: [(Int32, UnsafeMutableRawPointer)]) {
            guard let engine = OneDNNEngine.shared else { return }
            lock.withLock { _ in
                var primitiveArguments: [dnnl_exec_arg_t] = []
                primitiveArguments.reserveCapacity(arguments.count)
                for argument in arguments {
                    guard let pointer = pointers.first(where: { $0.0 == argument.argument })?.1 else { continue }
                    dnnl_memory_set_data_handle(argument.user, pointer)
                    if let staged = argument.staged, let reorder = argument.reorder, !argument.isOutput {
                        engine.execute(reorder, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: argument.user),
                                                 dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: staged)])
                    }
                    primitiveArguments.append(dnnl_exec_arg_t(arg: argument.argument,
                                                              memory: argument.staged ?? argument.user))
                }
                engine.execute(primitive, primitiveArguments)
                for argument in arguments where argument.isOutput {
                    if let staged = argument.staged, let reorder = argument.reorder {
                        engine.execute(reorder, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: staged),
                                                 dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: argument.user)])
                    }
                }
            }
        }
    }
}

/// Dense float32 descriptor of `dimensions` in oneDNN's logical order, laid out as `tag`.
func memoryDescriptor(_ dimensions: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
    var descriptor = dnnl_memory_desc_t()
    let status = dnnl_memory_desc_init_by_tag(&descriptor, Int32(dimensions.count), dimensionArray(dimensions),
                                              dnnl_f32, tag)
    precondition(status == dnnl_success, "oneDNN memory descriptor \(dimensions): status \(status.rawValue)")
    return descriptor
}

/// `values` as oneDNN dimensions, for the arguments declared `const dnnl_dims_t`.
func dimensionArray(_ values: [Int]) -> [dnnl_dim_t] { values.map { dnnl_dim_t($0) } }

/// The process's oneDNN CPU engine and a stream to execute on.
final class OneDNNEngine: @unchecked Sendable {
    let engine: dnnl_engine_t
    private let stream: dnnl_stream_t
    private let streamLock = Mutex<Void>(())

    /// The engine, or `nil` when oneDNN cannot make one (the callers fall back to
    /// their own kernels).
    static let shared: OneDNNEngine? = OneDNNEngine()

    private init?() {
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, let engine else { return nil }
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success, let stream else {
            dnnl_engine_destroy(engine)
            return nil
        }
        self.engine = engine
        self.stream = stream
    }

    /// A memory object of `descriptor` on `handle` (`nil`: set later; all ones:
    /// allocated and owned by oneDNN).
    ///
    /// - Parameters:
    ///   - descriptor: the memory's layout.
    ///   - handle: the data pointer.
    /// - Returns: the memory object, or `nil` when oneDNN refuses.
    func memory(_ descriptor: inout dnnl_memory_desc_t, handle: UnsafeMutableRawPointer?) -> dnnl_memory_t? {
        var memory: dnnl_memory_t?
        guard dnnl_memory_create(&memory, &descriptor, engine, handle) == dnnl_success else { return nil }
        return memory
    }

    /// A reorder primitive between two layouts of the same tensor.
    ///
    /// - Parameters:
    ///   - source: the layout read.
    ///   - destination: the layout written.
    /// - Returns: the primitive, or `nil` when oneDNN has none.
    func reorder(from source: inout dnnl_memory_desc_t, to destination: inout dnnl_memory_desc_t) -> dnnl_primitive_t? {
        var descriptor: dnnl_primitive_desc_t?
        guard dnnl_reorder_primitive_desc_create(&descriptor, &source, engine, &destination, engine, nil)
                == dnnl_success, let descriptor else { return nil }
        defer { dnnl_primitive_desc_destroy(descriptor) }
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, descriptor) == dnnl_success else { return nil }
        return primitive
    }

    /// Runs `primitive` with `arguments` on the configured thread count and waits for it.
    ///
    /// - Parameters:
    ///   - primitive: the primitive.
    ///   - arguments: its memory arguments.
    func execute(_ primitive: dnnl_primitive_t, _ arguments: [dnnl_exec_arg_t]) {
        omp_set_num_threads(Int32(Parallel.threadCount))
        streamLock.withLock { _ in
            let status = FloatingPointMode.withFlushedDenormals {
                arguments.withUnsafeBufferPointer { buffer in
                    dnnl_primitive_execute(primitive, stream, Int32(buffer.count), buffer.baseAddress)
                }
            }
            precondition(status == dnnl_success, "oneDNN primitive failed with status \(status.rawValue)")
            dnnl_stream_wait(stream)
        }
    }
}
