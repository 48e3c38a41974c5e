import CDNNL
import SynapseCore

/// W3's first LSTM layer (batch 32, 200 steps, 64 inputs, 64 units) trained one
/// step two ways, on the same shapes: oneDNN's LSTM primitive (forward training,
/// then backward, with every weight reorder and the zeroing of its accumulated
/// weight gradients counted, as a training step would need them each time) and
/// Synapse's layer as `LSTM` computes it (one input-projection GEMM with the bias,
/// the fused time loop, and the backward of both).
enum OneDNNRecurrentCase {
    static func run(settings: Settings, report: inout Report) {
        let (time, batch, inputs, units) = (200, 32, 64, 64)
        let flops = 3.0 * 2.0 * Double(batch * time * (inputs + units) * 4 * units)
        guard let oneDNN = OneDNNLSTM(time: time, batch: batch, inputs: inputs, units: units) else {
            print("oneDNN refused the LSTM primitive on this machine")
            return
        }
        var generator = RandomGenerator(seed: 15)
        let x = Tensor.randomUniform([batch, time, inputs], low: -1, high: 1, generator: &generator).requiringGrad()
        let kernel = Tensor.randomUniform([inputs, 4 * units], low: -0.2, high: 0.2, generator: &generator)
            .requiringGrad()
        let recurrentKernel = Tensor.randomUniform([units, 4 * units], low: -0.2, high: 0.2, generator: &generator)
            .requiringGrad()
        let bias = Tensor.zeros([4 * units]).requiringGrad()
        let seed = Tensor.ones([batch, time, units])
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let synapse = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                for leaf in [x, kernel, recurrentKernel, bias] { leaf.zeroGrad() }
                let projected = x.matmul(kernel, bias: bias)
                Tensor.recurrentSequence(.lstm, projected: projected, recurrentKernel: recurrentKernel).outputs
                    .backward(seed)
                blackHole(recurrentKernel.grad)
            }
            let library = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) { oneDNN.trainingStep() }
            let suffix = Report.threads(threads)
            report.rows.append(Row(benchmark: "lstm-onednn", variant: "W3 LSTM layer step, Synapse, \(suffix)",
                                   timing: synapse, flops: flops))
            report.rows.append(Row(benchmark: "lstm-onednn",
                                   variant: "W3 LSTM layer step, oneDNN \(oneDNN.implementation), \(suffix)",
                                   timing: library, flops: flops))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
        print("oneDNN LSTM weights: forward \(oneDNN.forwardWeightsLayout), backward \(oneDNN.backwardWeightsLayout)")
    }
}

/// oneDNN's vanilla LSTM forward-training and backward primitives for one layer,
/// on buffers oneDNN allocates: `ntc` sequences and `ldigo` weights on the user
/// side, the primitives' own weight layouts behind reorders.
private final class OneDNNLSTM {
    private var engine: dnnl_engine_t?
    private var stream: dnnl_stream_t?
    private var forward: dnnl_primitive_t?
    private var backward: dnnl_primitive_t?
    private var forwardArguments: [dnnl_exec_arg_t] = []
    private var backwardArguments: [dnnl_exec_arg_t] = []
    private var reorders: [(primitive: dnnl_primitive_t, from: dnnl_memory_t, to: dnnl_memory_t)] = []
    private var clearedGradients: [(memory: dnnl_memory_t, bytes: Int)] = []
    private(set) var implementation = "?"
    private(set) var forwardWeightsLayout = "?"
    private(set) var backwardWeightsLayout = "?"

    init?(time: Int, batch: Int, inputs: Int, units: Int) {
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success,
              dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success
        else { return nil }
        func descriptor(_ dimensions: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
            var result = dnnl_memory_desc_t()
            _ = dnnl_memory_desc_init_by_tag(&result, Int32(dimensions.count), dimensions.map { dnnl_dim_t($0) },
                                             dnnl_f32, tag)
            return result
        }
        var source = descriptor([time, batch, inputs], dnnl_ntc)
        var destination = descriptor([time, batch, units], dnnl_ntc)
        var layerWeights = descriptor([1, 1, inputs, 4, units], dnnl_format_tag_any)
        var iterationWeights = descriptor([1, 1, units, 4, units], dnnl_format_tag_any)
        var bias = descriptor([1, 1, 4, units], dnnl_ldgo)
        var forwardDescriptor = dnnl_rnn_desc_t()
        guard dnnl_lstm_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_unidirectional_left2right,
                                          &source, nil, nil, &layerWeights, &iterationWeights, &bias, &destination,
                                          nil, nil, 0) == dnnl_success else { return nil }
        var forwardPrimitive: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&forwardPrimitive, &forwardDescriptor, nil, engine, nil) == dnnl_success,
              let forwardPrimitive else { return nil }
        var backwardDescriptor = dnnl_rnn_desc_t()
        var (sourceGradient, destinationGradient, biasGradient) = (source, destination, bias)
        var layerWeightsGradient = layerWeights, iterationWeightsGradient = iterationWeights
        guard dnnl_lstm_backward_desc_init(&backwardDescriptor, dnnl_backward, dnnl_unidirectional_left2right,
                                           &source, nil, nil, &layerWeights, &iterationWeights, &bias, &destination,
                                           nil, nil, &sourceGradient, nil, nil, &layerWeightsGradient,
                                           &iterationWeightsGradient, &biasGradient, &destinationGradient, nil, nil,
                                           0) == dnnl_success else { return nil }
        var backwardPrimitive: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&backwardPrimitive, &backwardDescriptor, nil, engine,
                                         forwardPrimitive) == dnnl_success, let backwardPrimitive else { return nil }
        var name: UnsafePointer<CChar>?
        dnnl_primitive_desc_query(forwardPrimitive, dnnl_query_impl_info_str, 0, &name)
        implementation = name.map { String(cString: $0) } ?? "?"

        func query(_ primitive: dnnl_primitive_desc_t, _ argument: Int32) -> dnnl_memory_desc_t {
            dnnl_primitive_desc_query_md(primitive, dnnl_query_exec_arg_md, argument).pointee
        }
        func memory(_ descriptor: dnnl_memory_desc_t) -> dnnl_memory_t {
            var descriptor = descriptor
            var result: dnnl_memory_t?
            _ = dnnl_memory_create(&result, &descriptor, engine, UnsafeMutableRawPointer(bitPattern: -1))
            return result!
        }
        func reorder(_ from: dnnl_memory_t, _ fromDescriptor: dnnl_memory_desc_t, _ to: dnnl_memory_t,
                     _ toDescriptor: dnnl_memory_desc_t) {
            var (source, destination) = (fromDescriptor, toDescriptor)
            var descriptor: dnnl_primitive_desc_t?
            var primitive: dnnl_primitive_t?
            _ = dnnl_reorder_primitive_desc_create(&descriptor, &source, engine, &destination, engine, nil)
            _ = dnnl_primitive_create(&primitive, descriptor)
            dnnl_primitive_desc_destroy(descriptor)
            reorders.append((primitive!, from, to))
        }
        func describe(_ descriptor: dnnl_memory_desc_t) -> String {
            descriptor.format_kind == dnnl_blocked ? "blocked strides \(descriptor.format_desc.blocking.strides.0)…"
                                                   : "format kind \(descriptor.format_kind.rawValue)"
        }
        // User side: ntc sequences, ldigo weights (Synapse's [in, 4·units] kernels), ldgo bias.
        let userLayer = descriptor([1, 1, inputs, 4, units], dnnl_ldigo)
        let userIteration = descriptor([1, 1, units, 4, units], dnnl_ldigo)
        let (userLayerMemory, userIterationMemory) = (memory(userLayer), memory(userIteration))
        let forwardLayer = query(forwardPrimitive, DNNL_ARG_WEIGHTS_LAYER)
        let forwardIteration = query(forwardPrimitive, DNNL_ARG_WEIGHTS_ITER)
        let backwardLayer = query(backwardPrimitive, DNNL_ARG_WEIGHTS_LAYER)
        let backwardIteration = query(backwardPrimitive, DNNL_ARG_WEIGHTS_ITER)
        forwardWeightsLayout = describe(forwardIteration)
        backwardWeightsLayout = describe(backwardIteration)
        let forwardLayerMemory = memory(forwardLayer), forwardIterationMemory = memory(forwardIteration)
        let backwardLayerMemory = memory(backwardLayer), backwardIterationMemory = memory(backwardIteration)
        reorder(userLayerMemory, userLayer, forwardLayerMemory, forwardLayer)
        reorder(userIterationMemory, userIteration, forwardIterationMemory, forwardIteration)
        reorder(userLayerMemory, userLayer, backwardLayerMemory, backwardLayer)
        reorder(userIterationMemory, userIteration, backwardIterationMemory, backwardIteration)
        let sourceMemory = memory(source), biasMemory = memory(bias), destinationMemory = memory(destination)
        let workspace = memory(query(forwardPrimitive, DNNL_ARG_WORKSPACE))
        forwardArguments = [
            dnnl_exec_arg_t(arg: DNNL_ARG_SRC_LAYER, memory: sourceMemory),
            dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_LAYER, memory: forwardLayerMemory),
            dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_ITER, memory: forwardIterationMemory),
            dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: biasMemory),
            dnnl_exec_arg_t(arg: DNNL_ARG_DST_LAYER, memory: destinationMemory),
            dnnl_exec_arg_t(arg: DNNL_ARG_WORKSPACE, memory: workspace),
        ]
        let layerGradientDescriptor = query(backwardPrimitive, DNNL_ARG_DIFF_WEIGHTS_LAYER)
        let iterationGradientDescriptor = query(backwardPrimitive, DNNL_ARG_DIFF_WEIGHTS_ITER)
        let layerGradient = memory(layerGradientDescriptor), iterationGradient = memory(iterationGradientDescriptor)
        let biasGradientMemory = memory(bias)
        let userLayerGradient = memory(userLayer), userIterationGradient = memory(userIteration)
        reorder(layerGradient, layerGradientDescriptor, userLayerGradient, userLayer)
        reorder(iterationGradient, iterationGradientDescriptor, userIterationGradient, userIteration)
        func size(_ descriptor: dnnl_memory_desc_t) -> Int { withUnsafePointer(to: descriptor) { dnnl_memory_desc_get_size($0) } }
        clearedGradients = [(layerGradient, size(layerGradientDescriptor)),
                            (iterationGradient, size(iterationGradientDescriptor)), (biasGradientMemory, 4 * 4 * units)]
        backwardArguments = forwardArguments.filter { $0.arg != DNNL_ARG_WEIGHTS_LAYER && $0.arg != DNNL_ARG_WEIGHTS_ITER }
            + [dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_LAYER, memory: backwardLayerMemory),
               dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_ITER, memory: backwardIterationMemory),
               dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_DST_LAYER, memory: memory(destination)),
               dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_SRC_LAYER, memory: memory(source)),
               dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_WEIGHTS_LAYER, memory: layerGradient),
               dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_WEIGHTS_ITER, memory: iterationGradient),
               dnnl_exec_arg_t(arg: DNNL_ARG_DIFF_BIAS, memory: biasGradientMemory)]
        var made: dnnl_primitive_t?
        guard dnnl_primitive_create(&made, forwardPrimitive) == dnnl_success else { return nil }
        forward = made
        guard dnnl_primitive_create(&made, backwardPrimitive) == dnnl_success else { return nil }
        backward = made
        dnnl_primitive_desc_destroy(forwardPrimitive)
        dnnl_primitive_desc_destroy(backwardPrimitive)
    }

    /// Weights into both primitives' layouts, forward, cleared gradients, backward,
    /// weight gradients back to `ldigo`.
    func trainingStep() {
        omp_set_num_threads(Int32(Parallel.threadCount))
        func execute(_ primitive: dnnl_primitive_t?, _ arguments: [dnnl_exec_arg_t]) {
            arguments.withUnsafeBufferPointer { buffer in
                _ = dnnl_primitive_execute(primitive, stream, Int32(buffer.count), buffer.baseAddress)
            }
        }
        for (primitive, from, to) in reorders.prefix(4) {
            execute(primitive, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)])
        }
        execute(forward, forwardArguments)
        for (memory, bytes) in clearedGradients {
            var pointer: UnsafeMutableRawPointer?
            dnnl_memory_get_data_handle(memory, &pointer)
            pointer?.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        }
        execute(backward, backwardArguments)
        for (primitive, from, to) in reorders.dropFirst(4) {
            execute(primitive, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: from), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: to)])
        }
        dnnl_stream_wait(stream)
    }
}
