import SynapseCore

/// Convolution forward and forward + backward on the three layers of the W2 CNN
/// (NHWC, 3×3, valid, batch 64), so a regression in the conv kernels shows here
/// before it shows in the end-to-end epoch.
enum ConvolutionCases {
    /// (name, input shape, kernel shape) of W2's convolutions.
    static let layers: [(String, [Int], [Int])] = [
        ("conv1 64x28x28x1 * 3x3x1x32", [64, 28, 28, 1], [3, 3, 1, 32]),
        ("conv2 64x13x13x32 * 3x3x32x64", [64, 13, 13, 32], [3, 3, 32, 64]),
        ("conv3 64x5x5x64 * 3x3x64x64", [64, 5, 5, 64], [3, 3, 64, 64]),
    ]

    /// Multiply-adds ×2 of one forward pass.
    static func flops(_ input: [Int], _ kernel: [Int]) -> Double {
        let outH = input[1] - kernel[0] + 1, outW = input[2] - kernel[1] + 1
        return 2.0 * Double(input[0] * outH * outW * kernel[0] * kernel[1] * kernel[2] * kernel[3])
    }

    static func run(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 11)
        for (name, inputShape, kernelShape) in layers {
            let x = Tensor.randomUniform(inputShape, generator: &generator)
            let kernel = Tensor.randomUniform(kernelShape, low: -0.1, high: 0.1, generator: &generator)
            let forwardFlops = flops(inputShape, kernelShape)
            for threads in settings.threadCounts {
                Parallel.setThreadCount(threads)
                let forward = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                    blackHole(withoutGradient { x.conv2D(kernel) })
                }
                report.rows.append(Row(benchmark: "conv", variant: "\(name) forward, \(Report.threads(threads))",
                                       timing: forward, flops: forwardFlops))
                let xLeaf = x.requiringGrad(), kernelLeaf = kernel.requiringGrad()
                let seed = Tensor.ones(like: withoutGradient { x.conv2D(kernel) })
                let both = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                    xLeaf.zeroGrad()
                    kernelLeaf.zeroGrad()
                    xLeaf.conv2D(kernelLeaf).backward(seed)
                    blackHole(kernelLeaf.grad)
                }
                // Backward computes the input and the kernel gradient: twice the forward work.
                report.rows.append(Row(benchmark: "conv", variant: "\(name) forward + backward, \(Report.threads(threads))",
                                       timing: both, flops: 3 * forwardFlops))
            }
            Parallel.setThreadCount(settings.threadCounts[0])
        }
    }
}
