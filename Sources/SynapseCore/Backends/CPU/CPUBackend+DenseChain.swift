import CDNNL
import CKernels

/// The fused dense chain: one sample through a stack of dense layers in a single
/// parallel region.
///
/// Each product is split along k between the threads (`denseRows`'s split: each
/// thread streams a contiguous part of the kernel, which stays in its core's cache
/// from one call to the next); after a barrier the threads add the partial results
/// over their share of the columns and apply the bias's sum and the activation;
/// after a second barrier the next layer starts. Against the same chain as tensor
/// ops (a parallel region, a result and an activation pass per layer) it took
/// W5's one-sample pass from 11.3–11.9 to 8.7 µs in `synapse-microbench --only
/// predict`.
extension CPUBackend {
    func denseChain(_ input: TensorStorage, rows: Int, layers: [BackendDenseLayer]) -> TensorStorage? {
        guard rows <= Self.denseRowsMaxRows, Self.denseRowsAvailable, let last = layers.last,
              !layers.dropLast().contains(where: { $0.activation == .softmax }) else { return nil }
        let widest = layers.map(\.outputs).max()!
        let threads = Parallel.threadCount
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
                let count = rows * step.outputs
                let parts = rows * step.inputs * step.outputs >= Self.denseRowsParallelWork
                    ? Swift.min(team, step.inputs) : 1
                let relu: Int32 = step.activation == .relu ? 1 : 0
                if parts == 1 {
                    // Too small to split: thread 0 alone, and a barrier only before a next layer.
                    if thread == 0 {
                        synapse_dense_rows(x, step.inputs, rows, step.inputs, step.kernel, step.outputs, step.bias, y)
                        synapse_dense_combine(y, partials, 0, 0, 0, count, relu)
                    }
                    if team > 1, index < plan.count - 1 { GOMP_barrier() }
                } else {
                    if thread < parts {
                        let length = (step.inputs + parts - 1) / parts
                        let start = Swift.min(step.inputs, thread * length)
                        let end = Swift.min(step.inputs, start + length)
                        synapse_dense_rows(x + start, step.inputs, rows, end - start,
                                           step.kernel + start * step.outputs, step.outputs,
                                           thread == 0 ? step.bias : nil,
                                           thread == 0 ? y : partials + (thread - 1) * rows * widest)
                    }
                    GOMP_barrier()
                    // Each thread adds the partials over its share of the outputs.
                    let share = (count + team - 1) / team
                    let begin = Swift.min(count, thread * share), end = Swift.min(count, begin + share)
                    if begin < end { synapse_dense_combine(y, partials, parts - 1, rows * widest, begin, end, relu) }
                    GOMP_barrier()
                }
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
}

/// One layer of a fused dense chain, as pointers.
private struct DenseChainStep {
    let kernel: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let inputs: Int
    let outputs: Int
    let activation: DenseChainActivation
}
