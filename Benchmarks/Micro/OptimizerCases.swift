import SynapseCore

/// The fused optimizer updates on W1's 535,818 parameters (784·512 + 512 + 512·256 +
/// 256 + 256·10 + 10), one tensor per layer as the optimizers see them: the memory-bound
/// work every training step pays once, after backward.
enum OptimizerCases {
    static let shapes: [[Int]] = [[784, 512], [512], [512, 256], [256], [256, 10], [10]]

    static func run(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 15)
        var parameters = shapes.map { Tensor.randomUniform($0, low: -0.1, high: 0.1, generator: &generator) }
        let gradients = shapes.map { Tensor.randomUniform($0, low: -0.01, high: 0.01, generator: &generator) }
        var adamSlots = shapes.map { [Tensor.zeros($0), Tensor.zeros($0)] }
        var sgdSlots = shapes.map { _ in [Tensor]() }
        let count = Double(shapes.reduce(0) { $0 + $1.reduce(1, *) })
        let adam = ParameterUpdateRule.adam(AdamUpdate(stepSize: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7,
                                                       secondCorrectionRoot: 0.5))
        let sgd = ParameterUpdateRule.sgd(learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0)
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let adamTiming = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                for index in parameters.indices {
                    parameters[index].applyUpdate(adam, gradient: gradients[index], slots: &adamSlots[index])
                }
            }
            report.rows.append(Row(benchmark: "optimizer", variant: "Adam step, W1's 535,818 parameters, \(Report.threads(threads))",
                                   timing: adamTiming, flops: count))
            let sgdTiming = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                for index in parameters.indices {
                    parameters[index].applyUpdate(sgd, gradient: gradients[index], slots: &sgdSlots[index])
                }
            }
            report.rows.append(Row(benchmark: "optimizer", variant: "SGD step, W1's 535,818 parameters, \(Report.threads(threads))",
                                   timing: sgdTiming, flops: count))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }
}
