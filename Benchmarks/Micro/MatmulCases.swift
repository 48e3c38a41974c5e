import SynapseCore

/// Matrix-product cases: `Tensor.matmul` against oneDNN's sgemm called directly on
/// the same input buffers, and the tiny-product crossover behind
/// `CPUBackend.directLoopMaxWork`.
enum MatmulCases {
    /// `[m, k] · [k, n]` through `Tensor.matmul` and through `KernelLibrary.sgemm`
    /// (into a preallocated output), samples interleaved.
    ///
    /// The ratio quoted is raw time / Tensor time, i.e. the share of the raw
    /// library's throughput that the op keeps after its own overhead (shape checks,
    /// output allocation, autograd bookkeeping).
    static func tensorVersusRaw(_ benchmark: String, m: Int, k: Int, n: Int,
                                settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 1)
        let a = Tensor.randomUniform([m, k], low: -1, high: 1, generator: &generator)
        let b = Tensor.randomUniform([k, n], low: -1, high: 1, generator: &generator)
        let output = TensorStorage(byteCount: m * n * 4)
        let c = output.pointer(as: Float.self)
        let flops = 2 * Double(m) * Double(n) * Double(k)
        let shape = "\(m)×\(k)·\(k)×\(n)"
        for threads in settings.threadCounts {
            Parallel.setThreadCount(threads)
            let timings = a.withUnsafePointer(as: Float.self) { pa in
                b.withUnsafePointer(as: Float.self) { pb in
                    Harness.measureInterleaved(warmup: settings.warmup, repeats: settings.repeats, [
                        (setup: {}, body: {
                            KernelLibrary.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                                alpha: 1, a: pa, lda: k, b: pb, ldb: n, beta: 0, c: c, ldc: n)
                        }),
                        (setup: {}, body: { blackHole(a.matmul(b)) }),
                    ])
                }
            }
            let suffix = Report.threads(threads)
            report.rows.append(Row(benchmark: benchmark, variant: "\(shape) KernelLibrary.sgemm, \(suffix)",
                                   timing: timings[0], flops: flops))
            report.rows.append(Row(benchmark: benchmark, variant: "\(shape) Tensor.matmul, \(suffix)",
                                   timing: timings[1], flops: flops))
            let ratio = timings[0].median / timings[1].median
            report.ratios.append(Ratio(name: "\(benchmark) \(shape), \(suffix): Tensor.matmul throughput / raw sgemm",
                                       value: ratio, target: ">= 0.90", met: ratio >= 0.90))
        }
        Parallel.setThreadCount(settings.threadCounts[0])
    }

    /// A shape of the tiny-product scan.
    struct SmallShape {
        var m: Int, k: Int, n: Int
        var work: Int { m * n * k }
    }

    /// Products around the direct-loop threshold: the XOR network's shapes, then
    /// growing squares, each timed as the backend's direct loop and as sgemm.
    static let smallShapes: [SmallShape] = [
        SmallShape(m: 4, k: 4, n: 1), SmallShape(m: 4, k: 2, n: 4), SmallShape(m: 4, k: 8, n: 4),
        SmallShape(m: 4, k: 12, n: 4), SmallShape(m: 8, k: 4, n: 8), SmallShape(m: 4, k: 16, n: 4),
        SmallShape(m: 6, k: 8, n: 6), SmallShape(m: 8, k: 6, n: 8), SmallShape(m: 8, k: 8, n: 8),
        SmallShape(m: 12, k: 12, n: 12), SmallShape(m: 16, k: 16, n: 16), SmallShape(m: 32, k: 32, n: 32),
        SmallShape(m: 64, k: 64, n: 64),
    ]

    /// Direct loop vs sgemm over ``smallShapes``; reports where sgemm starts to win
    /// and `Tensor.matmul` end to end on the XOR shape.
    static func smallProducts(settings: Settings, report: inout Report) {
        var generator = RandomGenerator(seed: 2)
        var largestLoopWin = 0
        var firstSgemmWin: Int?
        for shape in smallShapes {
            let (m, k, n) = (shape.m, shape.k, shape.n)
            let a = (0..<(m * k)).map { _ in generator.nextUniform() }
            let b = (0..<(k * n)).map { _ in generator.nextUniform() }
            var c = [Float](repeating: 0, count: m * n)
            // The flags come from the settings so the compiler cannot specialise the
            // loop on constants the real kernel only knows at run time.
            let (transposeA, transposeB) = (settings.repeats < 0, settings.repeats < 0)
            let timings = a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        let (aBase, bBase, cBase) = (pa.baseAddress!, pb.baseAddress!, pc.baseAddress!)
                        let loop = {
                            directLoopProduct(aBase, k, transposeA, bBase, n, transposeB, cBase, m: m, n: n, k: k)
                        }
                        let sgemm = {
                            KernelLibrary.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                alpha: 1, a: aBase, lda: k, b: bBase, ldb: n, beta: 0, c: cBase, ldc: n)
                        }
                        let iterations = Harness.calibrate(sgemm)
                        return Harness.measureInterleaved(warmup: settings.warmup, repeats: settings.repeats,
                                                          innerIterations: iterations,
                                                          [(setup: {}, body: loop), (setup: {}, body: sgemm)])
                    }
                }
            }
            let flops = 2 * Double(shape.work)
            let label = "\(m)×\(k)·\(k)×\(n) (work \(shape.work))"
            report.rows.append(Row(benchmark: "small-matmul", variant: "\(label) direct loop", timing: timings[0], flops: flops))
            report.rows.append(Row(benchmark: "small-matmul", variant: "\(label) sgemm", timing: timings[1], flops: flops))
            if timings[0].median <= timings[1].median {
                if firstSgemmWin == nil { largestLoopWin = shape.work }
            } else if firstSgemmWin == nil {
                firstSgemmWin = shape.work
            }
            report.ratios.append(Ratio(name: "small-matmul \(label): sgemm time / direct loop time",
                                       value: timings[1].median / timings[0].median, target: nil, met: nil))
        }
        report.ratios.append(Ratio(name: "small-matmul: largest work where the direct loop still wins (directLoopMaxWork should be near)",
                                   value: Double(largestLoopWin), target: nil, met: nil))

        // The whole op on the XOR shape: what a training step of the XOR example pays.
        let x = Tensor.randomUniform([4, 2], generator: &generator)
        let w = Tensor.randomUniform([2, 4], generator: &generator)
        let iterations = Harness.calibrate { blackHole(x.matmul(w)) }
        let op = Harness.measure(warmup: settings.warmup, repeats: settings.repeats, innerIterations: iterations) {
            blackHole(x.matmul(w))
        }
        report.rows.append(Row(benchmark: "small-matmul", variant: "4×2·2×4 Tensor.matmul (whole op)", timing: op, flops: 64))
    }
}

/// A copy of `CPUBackend.smallProduct` (Sources/SynapseCore/Backends/CPU/
/// CPUBackend+Matmul.swift), which is internal to SynapseCore. Keep the two alike.
@inline(never)
func directLoopProduct(_ a: UnsafePointer<Float>, _ lda: Int, _ transposeA: Bool,
                       _ b: UnsafePointer<Float>, _ ldb: Int, _ transposeB: Bool,
                       _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int) {
    for row in 0..<m {
        for column in 0..<n {
            var sum: Float = 0
            for inner in 0..<k {
                let left = transposeA ? a[inner * lda + row] : a[row * lda + inner]
                let right = transposeB ? b[column * ldb + inner] : b[inner * ldb + column]
                sum += left * right
            }
            c[row * n + column] = sum
        }
    }
}
