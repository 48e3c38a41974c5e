import SynapseCore

/// Convolution forward, forward + kernel gradient (a first layer, whose input needs
/// no gradient) and forward + both gradients on the convolutions of W2 (NHWC, 3×3,
/// valid, batch 64), `fashion-cnn` ("same", batch 64) and W7's ResNet (batch 128),
/// so a regression in the conv kernels shows here before it shows in an epoch.
/// `SYNAPSE_CONVOLUTION=im2col|onednn` pins the kernels to compare the two.
enum ConvolutionCases {
    /// A convolution layer: name, input shape, kernel shape, stride and padding.
    struct Layer {
        var name: String
        var input: [Int]
        var kernel: [Int]
        var stride = 1
        var padding = WindowGeometry.Padding.valid
    }

    static let layers: [Layer] = [
        Layer(name: "W2 conv1 64x28x28x1 * 3x3x1x32", input: [64, 28, 28, 1], kernel: [3, 3, 1, 32]),
        Layer(name: "W2 conv2 64x13x13x32 * 3x3x32x64", input: [64, 13, 13, 32], kernel: [3, 3, 32, 64]),
        Layer(name: "W2 conv3 64x5x5x64 * 3x3x64x64", input: [64, 5, 5, 64], kernel: [3, 3, 64, 64]),
        Layer(name: "fashion conv2 64x14x14x32 * 3x3x32x64 same", input: [64, 14, 14, 32], kernel: [3, 3, 32, 64],
              padding: .same),
        Layer(name: "W7 stem 128x28x28x1 * 3x3x1x32 same", input: [128, 28, 28, 1], kernel: [3, 3, 1, 32],
              padding: .same),
        Layer(name: "W7 s1 128x28x28x32 * 3x3x32x32 /2 same", input: [128, 28, 28, 32], kernel: [3, 3, 32, 32],
              stride: 2, padding: .same),
        Layer(name: "W7 s1 128x14x14x32 * 3x3x32x32 same", input: [128, 14, 14, 32], kernel: [3, 3, 32, 32],
              padding: .same),
        Layer(name: "W7 s1 128x28x28x32 * 1x1x32x32 /2", input: [128, 28, 28, 32], kernel: [1, 1, 32, 32], stride: 2),
        Layer(name: "W7 s2 128x7x7x64 * 3x3x64x64 same", input: [128, 7, 7, 64], kernel: [3, 3, 64, 64],
              padding: .same),
        Layer(name: "W7 s3 128x4x4x128 * 3x3x128x128 same", input: [128, 4, 4, 128], kernel: [3, 3, 128, 128],
              padding: .same),
    ]

    /// Multiply-adds ×2 of one forward pass.
    static func flops(_ layer: Layer) -> Double {
        let geometry = WindowGeometry(inputShape: layer.input, window: (layer.kernel[0], layer.kernel[1]),
                                      strides: (layer.stride, layer.stride), padding: layer.padding)!
        return 2.0 * Double(geometry.patchCount * geometry.patchSize * layer.kernel[3])
    }

    static func run(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 11)
        for layer in layers {
            let name = layer.name
            let x = Tensor.randomUniform(layer.input, generator: &generator)
            let kernel = Tensor.randomUniform(layer.kernel, low: -0.1, high: 0.1, generator: &generator)
            let forwardFlops = flops(layer)
            let strides = (layer.stride, layer.stride)
            for threads in settings.threadCounts {
                Parallel.setThreadCount(threads)
                let forward = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                    blackHole(withoutGradient { x.conv2D(kernel, strides: strides, padding: layer.padding) })
                }
                report.rows.append(Row(benchmark: "conv", variant: "\(name) forward, \(Report.threads(threads))",
                                       timing: forward, flops: forwardFlops))
                let xLeaf = x.requiringGrad(), kernelLeaf = kernel.requiringGrad()
                let seed = Tensor.ones(like: withoutGradient { x.conv2D(kernel, strides: strides, padding: layer.padding) })
                let kernelOnly = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                    kernelLeaf.zeroGrad()
                    x.conv2D(kernelLeaf, strides: strides, padding: layer.padding).backward(seed)
                    blackHole(kernelLeaf.grad)
                }
                report.rows.append(Row(benchmark: "conv", variant: "\(name) forward + kernel gradient, \(Report.threads(threads))",
                                       timing: kernelOnly, flops: 2 * forwardFlops))
                let both = Harness.measure(warmup: settings.warmup, repeats: settings.repeats) {
                    xLeaf.zeroGrad()
                    kernelLeaf.zeroGrad()
                    xLeaf.conv2D(kernelLeaf, strides: strides, padding: layer.padding).backward(seed)
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
