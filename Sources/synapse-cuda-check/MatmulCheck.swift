import SynapseCore

/// One matrix product: `batch × ([m, k] · [k, n])`, operands possibly transposed.
struct MatmulShape {
    var name: String
    var m: Int
    var n: Int
    var k: Int
    var batch = 1
    var transposeA = false
    var transposeB = false

    /// Floating-point operations of the product (`2·m·n·k` per batch entry).
    var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(batch) }

    /// The shapes checked: square products, the MNIST MLP's layer, its weight
    /// gradient (`xᵀ·g`), a non-square `A·Bᵀ`, and attention-like batched `Q·Kᵀ`.
    static func standard(quick: Bool) -> [MatmulShape] {
        if quick {
            return [MatmulShape(name: "square 256", m: 256, n: 256, k: 256),
                    MatmulShape(name: "mlp x·W", m: 512, n: 128, k: 784),
                    MatmulShape(name: "xT·g", m: 784, n: 128, k: 512, transposeA: true),
                    MatmulShape(name: "A·BT", m: 100, n: 200, k: 150, transposeB: true),
                    MatmulShape(name: "batched Q·KT", m: 64, n: 64, k: 32, batch: 4, transposeB: true)]
        }
        return [MatmulShape(name: "square 1024", m: 1024, n: 1024, k: 1024),
                MatmulShape(name: "square 4096", m: 4096, n: 4096, k: 4096),
                MatmulShape(name: "mlp x·W", m: 512, n: 128, k: 784),
                MatmulShape(name: "xT·g", m: 784, n: 128, k: 512, transposeA: true),
                MatmulShape(name: "A·BT", m: 1000, n: 2000, k: 1536, transposeB: true),
                MatmulShape(name: "batched Q·KT", m: 256, n: 256, k: 64, batch: 32, transposeB: true)]
    }

    /// The stored shapes of the operands: `[batch,] rows, columns` as laid out in memory.
    var storedShapeA: [Int] { (batch > 1 ? [batch] : []) + (transposeA ? [k, m] : [m, k]) }
    var storedShapeB: [Int] { (batch > 1 ? [batch] : []) + (transposeB ? [n, k] : [k, n]) }

    /// "1024x1024x1024" (m×n×k), with "ᵀ" marks and a batch prefix.
    var dimensions: String {
        (batch > 1 ? "\(batch)×" : "") + "\(m)x\(n)x\(k)" + (transposeA ? " Aᵀ" : "") + (transposeB ? " Bᵀ" : "")
    }
}

/// cuBLAS sgemm against Synapse's CPU matmul (oneDNN) on each shape, then timed with
/// CUDA events: the median of `repeats` runs after three warm-up runs.
struct MatmulCheck {
    let context: CUDAContext
    let stream: CUDAStream
    let options: ProbeOptions

    /// Error relative to the result's scale that float32 products pass with a wide
    /// margin. Summation order alone gives ~1e-7 at k = 4096; TF32 tensor cores
    /// (10-bit mantissas) give ~1e-4, so this also proves TF32 is off.
    static let tolerance = 1e-5

    /// Runs every shape.
    func run() -> [CheckOutcome] {
        let handle: CUBLASHandle
        do {
            handle = try CUBLASHandle(context: context, stream: stream)
            printLine("cublas: \(handle.version?.description ?? "version unknown"), math mode CUBLAS_DEFAULT_MATH (float32, no TF32)")
        } catch {
            let outcome = CheckOutcome.failed("cublas handle", error)
            printLine(outcome.line)
            return [outcome]
        }
        return MatmulShape.standard(quick: options.quick).map { shape in
            let outcome = check(shape, handle: handle)
            printLine(outcome.line)
            return outcome
        }
    }

    private func check(_ shape: MatmulShape, handle: CUBLASHandle) -> CheckOutcome {
        let name = "sgemm \(shape.name)"
        do {
            var generator = SeededGenerator(seed: UInt64(shape.m * 1_000_003 + shape.n * 1009 + shape.k))
            let countA = shape.batch * shape.m * shape.k
            let countB = shape.batch * shape.k * shape.n
            let countC = shape.batch * shape.m * shape.n
            let a = generator.floats(countA, in: -1..<1)
            let b = generator.floats(countB, in: -1..<1)

            let cpuStart = monotonicSeconds()
            let expected = Tensor(a, shape: shape.storedShapeA)
                .matmul(Tensor(b, shape: shape.storedShapeB), transposeA: shape.transposeA, transposeB: shape.transposeB)
                .scalars
            let cpuMilliseconds = (monotonicSeconds() - cpuStart) * 1000

            let deviceA = try context.allocate(byteCount: countA * 4)
            let deviceB = try context.allocate(byteCount: countB * 4)
            let deviceC = try context.allocate(byteCount: countC * 4)
            try deviceA.upload(a)
            try deviceB.upload(b)
            func multiply() throws {
                try handle.sgemmStridedBatched(m: shape.m, n: shape.n, k: shape.k, batchCount: shape.batch,
                                               a: deviceA, transposeA: shape.transposeA,
                                               b: deviceB, transposeB: shape.transposeB, c: deviceC)
            }
            try multiply()
            try stream.synchronize()
            let result = try deviceC.download(count: countC)
            let discrepancy = Discrepancy(gpu: result, cpu: expected)

            for _ in 0..<3 { try multiply() }
            let start = try CUDAEvent(context: context)
            let end = try CUDAEvent(context: context)
            var times: [Double] = []
            for _ in 0..<options.repeats {
                try start.record(on: stream)
                try multiply()
                try end.record(on: stream)
                times.append(try end.elapsedMilliseconds(since: start))
            }
            let milliseconds = median(times)
            let gflops = shape.flops / (milliseconds * 1e6)
            let passed = discrepancy.nonFinite == 0 && discrepancy.relativeToScale <= Self.tolerance
            let line = padded(name, 22) + padded(shape.dimensions, 24)
                + formatted("err/scale %.2e (tol %.0e)  %8.3f ms  %9.1f GFLOP/s   (CPU %.1f ms)  ",
                            discrepancy.relativeToScale, Self.tolerance, milliseconds, gflops, cpuMilliseconds)
                + (passed ? "ok" : "FAILED")
            return CheckOutcome(name: name, passed: passed, line: line, json: .object([
                ("name", .string(name)), ("m", .int(shape.m)), ("n", .int(shape.n)), ("k", .int(shape.k)),
                ("batch", .int(shape.batch)), ("transposeA", .bool(shape.transposeA)), ("transposeB", .bool(shape.transposeB)),
                ("maxAbsoluteError", .number(discrepancy.maxAbsolute)),
                ("errorRelativeToScale", .number(discrepancy.relativeToScale)),
                ("nonFiniteMismatches", .int(discrepancy.nonFinite)), ("tolerance", .number(Self.tolerance)),
                ("medianMilliseconds", .number(milliseconds)), ("gflops", .number(gflops)),
                ("repeats", .int(times.count)), ("cpuMilliseconds", .number(cpuMilliseconds)), ("passed", .bool(passed)),
            ]))
        } catch {
            return .failed(name, error)
        }
    }
}
