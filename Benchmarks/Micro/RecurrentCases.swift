import SynapseCore

/// The LSTM time loop of W3's layers (batch 32, 200 steps, 64 units) through the
/// fused recurrent op, forward and forward + backward, timed per sequence.
enum RecurrentCases {
    static func lstm(settings: Settings, report: inout Report) {
        let (batch, time, units) = (32, 200, 64)
        var generator = RandomGenerator(seed: 14)
        let projected = Tensor.randomUniform([batch, time, 4 * units], low: -1, high: 1, generator: &generator)
        let kernel = Tensor.randomUniform([units, 4 * units], low: -0.2, high: 0.2, generator: &generator)
        // Recurrent multiply-adds ×2 per sequence; the gate math is on top of it.
        let flops = 2.0 * Double(batch * time * units * 4 * units)
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let forward = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                blackHole(withoutGradient { Tensor.recurrentSequence(.lstm, projected: projected, recurrentKernel: kernel).outputs })
            }
            report.rows.append(Row(benchmark: "lstm", variant: "LSTM 32x200x64 sequence forward, \(Report.threads(threads))",
                                   timing: forward, flops: flops))
            let projectedLeaf = projected.requiringGrad(), kernelLeaf = kernel.requiringGrad()
            let seed = Tensor.ones([batch, time, units])
            let both = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                projectedLeaf.zeroGrad()
                kernelLeaf.zeroGrad()
                Tensor.recurrentSequence(.lstm, projected: projectedLeaf, recurrentKernel: kernelLeaf).outputs.backward(seed)
                blackHole(kernelLeaf.grad)
            }
            report.rows.append(Row(benchmark: "lstm", variant: "LSTM 32x200x64 sequence forward + backward, \(Report.threads(threads))",
                                   timing: both, flops: 3 * flops))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }
}
