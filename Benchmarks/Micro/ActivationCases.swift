import SynapseCore

/// Elementwise activations and reductions at the sizes the workloads use: W1's
/// hidden layer (128 × 512, small enough that threads must not pay) and W2's first
/// convolution output (64 × 26 × 26 × 32 = 1.38M elements).
enum ActivationCases {
    static let shapes: [(String, [Int])] = [("128x512", [128, 512]), ("64x26x26x32", [64, 26, 26, 32])]

    static func elementwise(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 12)
        for (label, shape) in shapes {
            let x = Tensor.randomUniform(shape, low: -2, high: 2, generator: &generator)
            let y = Tensor.randomUniform(shape, low: -2, high: 2, generator: &generator)
            let cases: [(String, () -> Tensor)] = [
                ("relu", { x.relu() }), ("sigmoid", { x.sigmoid() }), ("exp", { x.exp() }), ("a * b", { x * y }),
            ]
            for threads in settings.threadCounts {
                Parallel.setThreadCount(threads)
                for (name, body) in cases {
                    let calls = Harness.calibrate { blackHole(body()) }
                    let timing = Harness.measure(warmup: settings.warmup, repeats: settings.repeats,
                                                 innerIterations: calls) { blackHole(body()) }
                    report.rows.append(Row(benchmark: "elementwise", variant: "\(name) \(label), \(Report.threads(threads))",
                                           timing: timing, flops: Double(x.scalarCount)))
                }
            }
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }

    static func reductions(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 13)
        // Bias gradients (sum over the batch rows), per-row max and mean (softmax,
        // losses), and the full sum of a loss.
        let dense = Tensor.randomUniform([128, 512], generator: &generator)
        let conv = Tensor.randomUniform([64 * 26 * 26, 32], generator: &generator)
        let cases: [(String, () -> Tensor)] = [
            ("sum axis 0 of 128x512", { dense.sum(alongAxis: 0) }),
            ("sum axis 0 of 43264x32", { conv.sum(alongAxis: 0) }),
            ("max axis -1 of 128x512", { dense.max(alongAxis: -1) }),
            ("mean axis -1 of 43264x32", { conv.mean(alongAxis: -1) }),
            ("sum of 43264x32", { conv.sum() }),
        ]
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            for (name, body) in cases {
                let calls = Harness.calibrate { blackHole(body()) }
                let timing = Harness.measure(warmup: settings.warmup, repeats: settings.repeats,
                                             innerIterations: calls) { blackHole(body()) }
                report.rows.append(Row(benchmark: "reduce", variant: "\(name), \(Report.threads(threads))",
                                       timing: timing, flops: nil))
            }
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }
}
