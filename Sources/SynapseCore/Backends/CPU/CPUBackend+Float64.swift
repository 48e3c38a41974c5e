#if canImport(Glibc)
import Glibc
#endif

/// Float64 kernels: straightforward loops in double precision, for gradient checks
/// at tight tolerances and numerics that need them (PyTorch's `double`). Speed is
/// not their point; float32 keeps the vectorised kernels of the other files.
extension CPUBackend {
    func float64Unary(_ op: UnaryOp, _ x: TensorStorage, count: Int) -> TensorStorage {
        let result = allocate(byteCount: count * 8)
        let input = UnsafePointer(x.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Double.self)
        let scale = Double(Selu.scale), seluAlpha = Double(Selu.alpha)
        Parallel.forRanges(count) { range in
            @inline(__always) func map(_ f: (Double) -> Double) {
                for index in range { output[index] = f(input[index]) }
            }
            switch op {
            case .negate: map { -$0 }
            case .exp: map { Glibc.exp($0) }
            case .log: map { Glibc.log($0) }
            case .log1p: map { Glibc.log1p($0) }
            case .sqrt: map { $0.squareRoot() }
            case .rsqrt: map { 1 / $0.squareRoot() }
            case .abs: map { Swift.abs($0) }
            case .square: map { $0 * $0 }
            case .sign: map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
            case .reciprocal: map { 1 / $0 }
            case .sin: map { Glibc.sin($0) }
            case .cos: map { Glibc.cos($0) }
            case .erf: map { Glibc.erf($0) }
            case .power(let exponent): map { Glibc.pow($0, Double(exponent)) }
            case .clamp(let lower, let upper): map { Swift.min(Swift.max($0, Double(lower)), Double(upper)) }
            case .relu: map { Swift.max($0, 0) }
            case .leakyRelu(let alpha): map { $0 > 0 ? $0 : Double(alpha) * $0 }
            case .elu(let alpha): map { $0 > 0 ? $0 : Double(alpha) * Glibc.expm1($0) }
            case .selu: map { $0 > 0 ? scale * $0 : scale * seluAlpha * Glibc.expm1($0) }
            case .gelu(let approximate):
                if approximate {
                    map { 0.5 * $0 * (1 + Glibc.tanh(Gelu.sqrt2OverPi64 * ($0 + 0.044715 * $0 * $0 * $0))) }
                } else {
                    map { 0.5 * $0 * (1 + Glibc.erf($0 * Gelu.inverseSqrt2_64)) }
                }
            case .sigmoid: map(Self.sigmoid64)
            case .tanh: map { Glibc.tanh($0) }
            case .softplus: map { Swift.max($0, 0) + Glibc.log1p(Glibc.exp(-Swift.abs($0))) }
            case .softsign: map { $0 / (1 + Swift.abs($0)) }
            case .swish: map { $0 * Self.sigmoid64($0) }
            }
        }
        return result
    }

    func float64ElementwiseGradient(_ op: ElementwiseGradient, saved: TensorStorage, upstream: TensorStorage,
                                    count: Int) -> TensorStorage {
        let result = allocate(byteCount: count * 8)
        let savedValues = UnsafePointer(saved.kernelPointer(as: Double.self))
        let gradient = UnsafePointer(upstream.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Double.self)
        for index in 0..<count {
            let (v, g) = (savedValues[index], gradient[index])
            switch op {
            case .relu: output[index] = v > 0 ? g : 0
            case .leakyRelu(let alpha): output[index] = v > 0 ? g : Double(alpha) * g
            case .clamp(let lower, let upper): output[index] = v >= Double(lower) && v <= Double(upper) ? g : 0
            case .sigmoid: output[index] = g * v * (1 - v)
            case .tanh: output[index] = g * (1 - v * v)
            }
        }
        return result
    }

    func float64Binary(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, layout: BroadcastLayout) -> TensorStorage {
        let result = allocate(byteCount: Shape.elementCount(layout.shape) * 8)
        let left = UnsafePointer(a.kernelPointer(as: Double.self))
        let right = UnsafePointer(b.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Double.self)
        Self.broadcastMap(left, right, output, layout: layout) { run in
            switch op {
            case .add: run.apply { $0 + $1 }
            case .subtract: run.apply { $0 - $1 }
            case .multiply: run.apply { $0 * $1 }
            case .divide: run.apply { $0 / $1 }
            case .power: run.apply { Glibc.pow($0, $1) }
            case .minimum: run.apply { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            case .maximum: run.apply { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            }
        }
        return result
    }

    func float64Reduce(_ op: ReductionOp, _ x: TensorStorage, geometry: ReductionGeometry) -> TensorStorage {
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        let result = allocate(byteCount: outer * inner * 8)
        let input = UnsafePointer(x.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Double.self)
        for o in 0..<outer {
            for i in 0..<inner {
                var accumulator = input[o * extent * inner + i]
                for r in 1..<Swift.max(extent, 1) {
                    let value = input[(o * extent + r) * inner + i]
                    switch op {
                    case .sum: accumulator += value
                    case .max: accumulator = value.isNaN || accumulator.isNaN ? .nan : Swift.max(accumulator, value)
                    case .min: accumulator = value.isNaN || accumulator.isNaN ? .nan : Swift.min(accumulator, value)
                    }
                }
                output[o * inner + i] = accumulator
            }
        }
        return result
    }

    func float64ArgReduce(_ op: ArgReductionOp, _ x: TensorStorage, geometry: ReductionGeometry) -> TensorStorage {
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        let result = allocate(byteCount: outer * inner * 4)
        let input = UnsafePointer(x.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Int32.self)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = input[o * extent * inner + i]
                var bestIndex = 0
                for r in 1..<Swift.max(extent, 1) {
                    let value = input[(o * extent + r) * inner + i]
                    let better = op == .argmax ? value > best : value < best
                    if better || (value.isNaN && !best.isNaN) { best = value; bestIndex = r }
                }
                output[o * inner + i] = Int32(bestIndex)
            }
        }
        return result
    }

    func float64Softmax(_ x: TensorStorage, rows: Int, columns: Int, logarithmic: Bool) -> TensorStorage {
        let result = allocate(byteCount: rows * columns * 8)
        let input = UnsafePointer(x.kernelPointer(as: Double.self))
        let output = result.kernelPointer(as: Double.self)
        for row in 0..<rows {
            let (from, to) = (input + row * columns, output + row * columns)
            var maximum = -Double.infinity
            for column in 0..<columns { maximum = Swift.max(maximum, from[column]) }
            if !maximum.isFinite { maximum = 0 }
            var total = 0.0
            for column in 0..<columns { total += Glibc.exp(from[column] - maximum) }
            let logTotal = Glibc.log(total)
            for column in 0..<columns {
                to[column] = logarithmic ? from[column] - maximum - logTotal : Glibc.exp(from[column] - maximum) / total
            }
        }
        return result
    }

    func float64Matmul(_ a: TensorStorage, _ b: TensorStorage, bias: TensorStorage?, batch: Int, m: Int, n: Int, k: Int,
                       transposeA: Bool, transposeB: Bool, batchStrideA: Int, batchStrideB: Int) -> TensorStorage {
        let result = allocate(byteCount: batch * m * n * 8)
        let left = UnsafePointer(a.kernelPointer(as: Double.self))
        let right = UnsafePointer(b.kernelPointer(as: Double.self))
        let biasValues = bias.map { UnsafePointer($0.kernelPointer(as: Double.self)) }
        let output = result.kernelPointer(as: Double.self)
        Parallel.forRanges(batch * m, minimumParallelCount: Swift.max(2, 32_768 / Swift.max(n * k, 1))) { range in
            for item in range {
                let (entry, row) = (item / m, item % m)
                let (matrixA, matrixB) = (left + entry * batchStrideA, right + entry * batchStrideB)
                let out = output + (entry * m + row) * n
                for column in 0..<n {
                    var sum = biasValues?[column] ?? 0
                    for inner in 0..<k {
                        let x = transposeA ? matrixA[inner * m + row] : matrixA[row * k + inner]
                        let y = transposeB ? matrixB[column * k + inner] : matrixB[inner * n + column]
                        sum += x * y
                    }
                    out[column] = sum
                }
            }
        }
        return result
    }

    func float64IndexAdd(_ gradient: TensorStorage, indices: TensorStorage, indexCount: Int,
                         geometry: ReductionGeometry) -> TensorStorage {
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        let result = allocate(byteCount: outer * extent * inner * 8)
        let output = result.kernelPointer(as: Double.self)
        output.initialize(repeating: 0, count: outer * extent * inner)
        let input = UnsafePointer(gradient.kernelPointer(as: Double.self))
        let index = UnsafePointer(indices.kernelPointer(as: Int32.self))
        for o in 0..<outer {
            for position in 0..<indexCount {
                let to = output + (o * extent + Int(index[position])) * inner
                let from = input + (o * indexCount + position) * inner
                for i in 0..<inner { to[i] += from[i] }
            }
        }
        return result
    }

    /// Logistic function in double precision, stable for large |x|.
    @inline(__always)
    static func sigmoid64(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + Glibc.exp(-x)) }
        let e = Glibc.exp(x)
        return e / (1 + e)
    }
}
