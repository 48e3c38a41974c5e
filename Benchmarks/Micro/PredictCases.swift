import SynapseCore

/// W5's one-sample forward pass (784-512-256-10, ReLU, softmax) at four levels, samples
/// interleaved: oneDNN's sgemm on preallocated buffers with hand-written bias and
/// ReLU loops, `Tensor.denseChain` (the fused path `predict` takes), and the same
/// chain of `Tensor` ops with the bias fused into the product or added after it
/// (also for a batch of 1024). `synapse-bench predict-latency` adds the layers and
/// `Model.predict` on top.
enum PredictCases {
    static func run(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 1)
        let sizes = [784, 512, 256, 10]
        let weights = (0..<3).map { Tensor.randomUniform([sizes[$0], sizes[$0 + 1]], low: -0.05, high: 0.05, generator: &generator) }
        let biases = (0..<3).map { Tensor.randomUniform([sizes[$0 + 1]], low: -0.1, high: 0.1, generator: &generator) }
        let input = Tensor.randomUniform([1, 784], low: 0, high: 1, generator: &generator)
        let batch = Tensor.randomUniform([1024, 784], low: 0, high: 1, generator: &generator)
        let buffers = (1...3).map { TensorStorage(byteCount: sizes[$0] * 4) }
        // Raw pointers for the floor; the tensors stay alive for the whole case.
        let pointer = { (tensor: Tensor) in tensor.withUnsafePointer(as: Float.self) { $0 } }
        let (weightPointers, biasPointers, inputPointer) = (weights.map(pointer), biases.map(pointer), pointer(input))

        func rawChain() {
            var source = inputPointer
            for layer in 0..<3 {
                let (k, n) = (sizes[layer], sizes[layer + 1])
                let out = buffers[layer].pointer(as: Float.self)
                out.update(from: biasPointers[layer], count: n)
                KernelLibrary.sgemm(transposeA: false, transposeB: false, m: 1, n: n, k: k, alpha: 1,
                                    a: source, lda: k, b: weightPointers[layer], ldb: n,
                                    beta: 1, c: out, ldc: n)
                if layer < 2 { for index in 0..<n { out[index] = max(out[index], 0) } }
                source = UnsafePointer(out)
            }
        }
        let chain = (0..<3).map {
            DenseChainLayer(kernel: weights[$0], bias: biases[$0], activation: $0 < 2 ? .relu : .softmax)
        }
        func fusedChain(_ input: Tensor) -> Tensor { withoutGradient { input.denseChain(chain) } }
        func tensorChain(_ input: Tensor, fused: Bool) -> Tensor {
            withoutGradient {
                var x = input
                for layer in 0..<3 {
                    x = fused ? x.matmul(weights[layer], bias: biases[layer]) : x.matmul(weights[layer]) + biases[layer]
                    x = layer < 2 ? x.relu() : x.softmax()
                }
                return x
            }
        }
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let timings = Harness.measureInterleaved(warmup: settings.warmup, repeats: settings.repeats, innerIterations: 50, [
                (setup: {}, body: { rawChain() }),
                (setup: {}, body: { blackHole(fusedChain(input)) }),
                (setup: {}, body: { blackHole(tensorChain(input, fused: true)) }),
                (setup: {}, body: { blackHole(tensorChain(input, fused: false)) }),
            ])
            let batchTimings = Harness.measureInterleaved(warmup: settings.warmup, repeats: settings.repeats, [
                (setup: {}, body: { blackHole(tensorChain(batch, fused: true)) }),
                (setup: {}, body: { blackHole(tensorChain(batch, fused: false)) }),
            ])
            let suffix = Report.threads(threads)
            report.rows.append(Row(benchmark: "predict", variant: "raw sgemm chain + loops, \(suffix)", timing: timings[0], flops: nil))
            report.rows.append(Row(benchmark: "predict", variant: "Tensor.denseChain, \(suffix)", timing: timings[1], flops: nil))
            report.rows.append(Row(benchmark: "predict", variant: "Tensor ops, matmul(_:bias:), \(suffix)", timing: timings[2], flops: nil))
            report.rows.append(Row(benchmark: "predict", variant: "Tensor ops, matmul + bias, \(suffix)", timing: timings[3], flops: nil))
            report.rows.append(Row(benchmark: "predict", variant: "batch 1024, matmul(_:bias:), \(suffix)", timing: batchTimings[0], flops: nil))
            report.rows.append(Row(benchmark: "predict", variant: "batch 1024, matmul + bias, \(suffix)", timing: batchTimings[1], flops: nil))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }
}
