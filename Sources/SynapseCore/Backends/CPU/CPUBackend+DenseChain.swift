import CDNNL
import CKernels

/// The fused dense chain: one sample through a stack of dense layers in a single
/// parallel region.
///
/// Each product is split along k between the threads (`denseRows`'s split: each
/// thread streams a contiguous part of the kernel, which stays in its core's cache
/// from one call to the next); after a barrier the threads add the partial results
/// over their share of the columns and apply the bias's sum and the activation;
/// after a second barrier the next layer starts. The pieces and the order of the
/// additions are `denseRows`'s (which `matmul` uses for one row, without the chain's
/// scratch buffers and barriers: a one-row product routed through a one-layer chain
/// measured 0.1–0.5 µs slower), so the result is the same as the layers' products and
/// activations one by one. Against that chain of tensor ops (a parallel region,
/// a result and an activation pass per layer) it took W5's one-sample pass from
/// 11.6–11.8 to 10.2–10.9 µs in `synapse-microbench --only predict`.
extension CPUBackend {
    func denseChain(_ input: TensorStorage, rows: Int, layers: [BackendDenseLayer]) -> TensorStorage? {
        guard rows <= Self.denseRowsMaxRows, Self.denseRowsAvailable, let last = layers.last,
              !layers.dropLast().contains(where: { $0.activation == .softmax }) else { return nil }
        let widest = layers.map(\.outputs).max()!
        // The team is woken only when some product is large enough to split.
        let threads = layers.contains { rows * $0.inputs * $0.outputs >= Self.denseRowsParallelWork }
            ? Parallel.threadCount : 1
        // Two ping-pong buffers for the layers' outputs, then one partial result per extra thread.
        let scratch = allocate(byteCount: (2 + Swift.max(0, threads - 1)) * rows * widest * 4)
        let buffers = scratch.kernelPointer(as: Float.self)
        let partials = buffers + 2 * rows * widest
        let result = allocate(byteCount: rows * last.outputs * 4)
        let plan = layers.map { layer in
            DenseChainStep(kernel: UnsafePointer(layer.kernel.kernelPointer(as: Float.self)),
                           bias: layer.bias.map { UnsafePointer($0.kernelPointer(as: Float.self)) },
                           inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation)
        }
        let source = UnsafePointer(input.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        // The threads read the plan through a raw pointer: no array reference counting
        // from both cores.
        plan.withUnsafeBufferPointer { plan in
            let run = { (thread: Int, team: Int) in
                var x = source
                for index in 0..<plan.count {
                    let step = plan[index]
                    let y = buffers + (index % 2) * rows * widest
                    Self.chainStep(step, x, y, partials: partials, rows: rows, partialStride: rows * widest,
                                   parts: rows * step.inputs * step.outputs >= Self.denseRowsParallelWork
                                       ? Swift.min(threads, step.inputs) : 1,
                                   thread: thread, team: team, isLast: index == plan.count - 1)
                    x = UnsafePointer(y)
                }
                if thread == 0 {
                    if last.activation == .softmax {
                        synapse_softmax_rows(x, output, rows, last.outputs, 0)
                    } else {
                        output.update(from: x, count: rows * last.outputs)
                    }
                }
            }
            if threads > 1 {
                OneDNN.parallel(threads: threads, run)
            } else {
                FloatingPointMode.withFlushedDenormals { run(0, 1) }
            }
        }
        return result
    }

    /// One layer of the chain on one thread of the team: `parts` pieces of the
    /// product along k (the same split as `denseRows`, dealt out over the team), then
    /// the partials added and the activation applied over this thread's share of the
    /// outputs, with a barrier between the two phases and after them. A product too
    /// small to split runs on thread 0 alone, with one barrier before the next layer.
    @inline(__always)
    private static func chainStep(_ step: DenseChainStep, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                                  partials: UnsafeMutablePointer<Float>, rows: Int, partialStride: Int, parts: Int,
                                  thread: Int, team: Int, isLast: Bool) {
        let count = rows * step.outputs
        let relu: Int32 = step.activation == .relu ? 1 : 0
        if parts == 1 {
            if thread == 0 {
                synapse_dense_rows(x, step.inputs, rows, step.inputs, step.kernel, step.outputs, step.bias, y)
                synapse_dense_combine(y, partials, 0, 0, 0, count, relu)
            }
            if team > 1, !isLast { GOMP_barrier() }
            return
        }
        let length = (step.inputs + parts - 1) / parts
        for part in stride(from: thread, to: parts, by: team) {
            let start = Swift.min(step.inputs, part * length)
            let end = Swift.min(step.inputs, start + length)
            synapse_dense_rows(x + start, step.inputs, rows, end - start, step.kernel + start * step.outputs,
                               step.outputs, part == 0 ? step.bias : nil,
                               part == 0 ? y : partials + (part - 1) * partialStride)
        }
        if team > 1 { GOMP_barrier() }
        let share = (count + team - 1) / team
        let begin = Swift.min(count, thread * share), end = Swift.min(count, begin + share)
        if begin < end { synapse_dense_combine(y, partials, parts - 1, partialStride, begin, end, relu) }
        if team > 1 { GOMP_barrier() }
    }
}

/// One layer of a fused dense chain, as pointers.
private struct DenseChainStep {
    let kernel: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let inputs: Int
    let outputs: Int
    let activation: DenseChainActivation
}
