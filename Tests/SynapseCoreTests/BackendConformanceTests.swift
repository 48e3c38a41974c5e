import Foundation
import Testing
@testable import SynapseCore

/// The conformance suite every ``Backend`` must pass: each protocol method is
/// called directly on small storages (uploaded and downloaded through the backend,
/// so the suite never reads device memory itself) and compared with plain loops
/// written here. A new backend (CUDA) is done when this suite passes for it.
///
/// The suite is split by method family across `BackendConformanceTests*.swift`.
@Suite("Backend conformance")
struct BackendConformanceTests {
    /// The backends of this process, by device name (`"cpu"`, `"cuda:0"`).
    static let backendNames = Backends.available.map(\.device.description)

    static func backend(_ name: String) -> any Backend {
        Backends.available.first { $0.device.description == name }!
    }

    // MARK: Memory

    @Test("upload, download, copy and allocate", arguments: backendNames)
    func memory(name: String) {
        let backend = Self.backend(name)
        let values: [Float] = [1.5, -2, 3.25, 0, .infinity]
        let storage = backend.store(values)
        #expect(storage.device == backend.device)
        #expect(backend.floats(storage, 5).map(\.bitPattern) == values.map(\.bitPattern))
        let copied = backend.copy(storage, byteCount: 12)
        #expect(copied !== storage && copied.byteCount >= 12)
        #expect(backend.floats(copied, 3) == [1.5, -2, 3.25])
        #expect(backend.allocate(byteCount: 40).byteCount >= 40)
        #expect(backend.allocate(byteCount: 0).byteCount == 0)
        // A large block round-trips too (parallel copies).
        let large = (0..<300_000).map { Float($0) }
        #expect(backend.floats(backend.copy(backend.store(large), byteCount: 1_200_000), 300_000) == large)
    }

    @Test("fill sets every element of every dtype", arguments: backendNames)
    func fill(name: String) {
        let backend = Self.backend(name)
        let floats = backend.allocate(byteCount: 70_000 * 4)
        backend.fill(floats, count: 70_000, dtype: .float32, value: 2.5)
        #expect(backend.floats(floats, 70_000).allSatisfy { $0 == 2.5 })
        let ints = backend.allocate(byteCount: 12)
        backend.fill(ints, count: 3, dtype: .int32, value: -7)
        #expect(backend.ints(ints, 3) == [-7, -7, -7])
        let bools = backend.allocate(byteCount: 3)
        backend.fill(bools, count: 3, dtype: .bool, value: 4)
        #expect(backend.bytes(bools, 3) == [1, 1, 1])
        backend.fill(bools, count: 2, dtype: .bool, value: 0)
        #expect(backend.bytes(bools, 3) == [0, 0, 1])
    }

    @Test("cast converts between every pair of dtypes", arguments: backendNames)
    func cast(name: String) {
        let backend = Self.backend(name)
        let floats: [Float] = [-2.7, -0.5, 0, 0.9, 3.99, 5e9, -5e9, .nan]
        let ints: [Int32] = [-3, 0, 1, 2_000_000_000]
        let bools: [Bool] = [true, false, true]
        let f = backend.store(floats), i = backend.store(ints), b = backend.store(bools)
        #expect(backend.ints(backend.cast(f, count: 8, from: .float32, to: .int32), 8)
                == [-2, 0, 0, 0, 3, .max, .min, 0])
        #expect(backend.bytes(backend.cast(f, count: 8, from: .float32, to: .bool), 8) == [1, 1, 0, 1, 1, 1, 1, 1])
        #expect(backend.floats(backend.cast(i, count: 4, from: .int32, to: .float32), 4) == [-3, 0, 1, 2e9])
        #expect(backend.bytes(backend.cast(i, count: 4, from: .int32, to: .bool), 4) == [1, 0, 1, 1])
        #expect(backend.floats(backend.cast(b, count: 3, from: .bool, to: .float32), 3) == [1, 0, 1])
        #expect(backend.ints(backend.cast(b, count: 3, from: .bool, to: .int32), 3) == [1, 0, 1])
        let same = backend.cast(i, count: 4, from: .int32, to: .int32)
        #expect(same !== i && backend.ints(same, 4) == ints)
    }

    // MARK: Elementwise

    /// Every unary op, parameterised ones with a few parameters.
    static let unaryOps: [UnaryOp] = [
        .negate, .exp, .log, .log1p, .sqrt, .rsqrt, .abs, .square, .sign, .reciprocal, .sin, .cos, .erf,
        .power(2.5), .power(3), .power(0), .power(-1.5), .clamp(lower: -0.5, upper: 0.7), .relu,
        .leakyRelu(alpha: 0.2), .elu(alpha: 0.7), .selu, .gelu(approximate: false), .gelu(approximate: true),
        .sigmoid, .tanh, .softplus, .softsign, .swish,
    ]

    /// Inputs inside the op's domain, where float32 kernels are well conditioned.
    static func domain(_ op: UnaryOp) -> ClosedRange<Float> {
        switch op {
        case .log, .sqrt, .rsqrt: 0.1...5
        case .log1p: -0.9...5
        case .reciprocal: 0.2...3
        case .power(let exponent): exponent == exponent.rounded() && exponent != 0 ? -2...2 : 0.2...3
        case .exp: -5...5
        case .sin, .cos, .gelu, .erf: -4...4
        case .sigmoid: -10...10
        case .softplus: -20...20
        case .swish: -8...8
        case .tanh, .softsign: -5...5
        case .negate, .abs, .square, .sign, .clamp, .relu, .leakyRelu, .elu, .selu: -3...3
        }
    }

    @Test("unary ops match their definitions", arguments: backendNames, unaryOps)
    func unary(name: String, op: UnaryOp) {
        let backend = Self.backend(name)
        let seed = UInt64(Self.unaryOps.firstIndex(of: op)!)
        for count in [37, 70_001] {   // below and above the parallel threshold
            let x = Self.samples(count, in: Self.domain(op), seed: seed, avoidingZero: true)
            let y = backend.floats(backend.unary(op, backend.store(x), dtype: .float32, count: count), count)
            let expected = x.map { Float(ReferenceMath.value(op, Double($0))) }
            expectClose(y, expected, absolute: 2e-6, relative: 2e-5)
        }
    }

    /// The fused gradient kernels and the unary ops whose derivatives they are.
    static let fusedGradients: [(ElementwiseGradient, UnaryOp)] = [
        (.relu, .relu), (.leakyRelu(alpha: 0.2), .leakyRelu(alpha: 0.2)),
        (.clamp(lower: -0.5, upper: 0.7), .clamp(lower: -0.5, upper: 0.7)), (.sigmoid, .sigmoid), (.tanh, .tanh),
    ]

    @Test("fused elementwise gradients match the derivatives", arguments: backendNames, 0..<5)
    func elementwiseGradient(name: String, index: Int) {
        let backend = Self.backend(name)
        let (gradientOp, op) = Self.fusedGradients[index]
        let readsOutput = gradientOp == .sigmoid || gradientOp == .tanh
        for count in [37, 70_001] {
            let x = Self.samples(count, in: Self.domain(op), seed: UInt64(index), avoidingZero: true)
            let g = Self.samples(count, in: -2...2, seed: 1000 + UInt64(index), avoidingZero: false)
            let xs = backend.store(x)
            let saved = readsOutput ? backend.unary(op, xs, dtype: .float32, count: count) : xs
            let dx = backend.floats(backend.elementwiseGradient(gradientOp, saved: saved, upstream: backend.store(g),
                                                                dtype: .float32, count: count), count)
            let expected = zip(x, g).map { Float(ReferenceMath.derivative(op, Double($0)) * Double($1)) }
            expectClose(dx, expected, absolute: 1e-5, relative: 1e-4)
        }
    }

    @Test("unary ops on the edges of their domains", arguments: backendNames)
    func unaryEdges(name: String) {
        let backend = Self.backend(name)
        func apply(_ op: UnaryOp, _ values: [Float]) -> [Float] {
            backend.floats(backend.unary(op, backend.store(values), dtype: .float32, count: values.count), values.count)
        }
        expectClose(apply(.log, [0, -1]), [-.infinity, .nan])
        expectClose(apply(.sigmoid, [-200, 200]), [0, 1])
        expectClose(apply(.softplus, [200, -200]), [200, 0])
        expectClose(apply(.relu, [0, -0.0]), [0, 0])
        expectClose(apply(.sign, [0, -0.0]), [0, 0])
    }

    static let binaryOps: [BinaryOp] = [.add, .subtract, .multiply, .divide, .power, .minimum, .maximum]

    @Test("binary ops under broadcasting match index arithmetic",
          arguments: backendNames, binaryOps)
    func binary(name: String, op: BinaryOp) {
        let backend = Self.backend(name)
        let cases: [([Int], [Int])] = [([3, 1], [2, 1, 4]), ([2, 3, 4], [2, 3, 4]), ([], [5]), ([6], []),
                                       ([70_000], [70_000]), ([300, 1], [1, 250])]
        for (index, (left, right)) in cases.enumerated() {
            let shape = Shape.broadcast(left, right)!
            let layout = BroadcastLayout(shape: shape, operandShapes: [left, right])
            let a = Self.samples(Shape.elementCount(left), in: 0.2...3, seed: UInt64(10 + index), avoidingZero: true)
            let b = Self.samples(Shape.elementCount(right), in: -2...2, seed: UInt64(20 + index), avoidingZero: true)
            let count = Shape.elementCount(shape)
            let result = backend.floats(backend.binary(op, backend.store(a), backend.store(b), dtype: .float32, layout: layout), count)
            let expected = (0..<count).map { flat -> Float in
                let offsets = Self.offsets(flat, layout: layout)
                return ReferenceMath.binary(op, a[offsets[0]], b[offsets[1]])
            }
            expectClose(result, expected, absolute: 1e-6, relative: 1e-6)
        }
        // NaN operands (minimum and maximum propagate NaN, as in PyTorch).
        let layout = BroadcastLayout(shape: [2], operandShapes: [[2], [2]])
        let withNaN = backend.floats(backend.binary(op, backend.store([Float.nan, 1]), backend.store([1, Float.nan]), dtype: .float32, layout: layout), 2)
        expectClose(withNaN, [ReferenceMath.binary(op, .nan, 1), ReferenceMath.binary(op, 1, .nan)])
    }

    static let comparisonOps: [ComparisonOp] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]

    @Test("comparisons of float32 and int32 under broadcasting", arguments: backendNames, comparisonOps)
    func compare(name: String, op: ComparisonOp) {
        let backend = Self.backend(name)
        let layout = BroadcastLayout(shape: [3, 4], operandShapes: [[3, 1], [4]])
        let a: [Float] = [1, 2, .nan], b: [Float] = [2, 1, 2, .nan]
        let floats = backend.bytes(backend.compare(op, backend.store(a), backend.store(b), dtype: .float32, layout: layout), 12)
        #expect(floats == (0..<12).map { flat in
            let offsets = Self.offsets(flat, layout: layout)
            return ReferenceMath.compare(op, a[offsets[0]], b[offsets[1]]) ? 1 : 0
        })
        let ai: [Int32] = [1, 2, -5], bi: [Int32] = [2, 1, 2, -5]
        let ints = backend.bytes(backend.compare(op, backend.store(ai), backend.store(bi), dtype: .int32, layout: layout), 12)
        #expect(ints == (0..<12).map { flat in
            let offsets = Self.offsets(flat, layout: layout)
            return ReferenceMath.compare(op, ai[offsets[0]], bi[offsets[1]]) ? 1 : 0
        })
        // A large same-shape comparison (parallel path).
        let large = (0..<70_000).map { Float($0 % 7) }, pivot = [Float](repeating: 3, count: 70_000)
        let bigLayout = BroadcastLayout(shape: [70_000], operandShapes: [[70_000], [70_000]])
        let mask = backend.bytes(backend.compare(op, backend.store(large), backend.store(pivot), dtype: .float32, layout: bigLayout), 70_000)
        #expect(mask == large.map { ReferenceMath.compare(op, $0, 3) ? 1 : 0 })
    }

    @Test("select picks by a broadcast mask for every dtype", arguments: backendNames)
    func select(name: String) {
        let backend = Self.backend(name)
        let layout = BroadcastLayout(shape: [2, 3], operandShapes: [[2, 1], [3], []])
        let mask = backend.store([true, false])
        func pick<T>(_ a: [T], _ b: [T]) -> [T] {
            (0..<6).map { flat in
                let offsets = Self.offsets(flat, layout: layout)
                return [true, false][offsets[0]] ? a[offsets[1]] : b[offsets[2]]
            }
        }
        let fa: [Float] = [1, 2, 3], fb: [Float] = [-1]
        #expect(backend.floats(backend.select(mask, backend.store(fa), backend.store(fb), dtype: .float32, layout: layout), 6) == pick(fa, fb))
        let ia: [Int32] = [7, 8, 9], ib: [Int32] = [0]
        #expect(backend.ints(backend.select(mask, backend.store(ia), backend.store(ib), dtype: .int32, layout: layout), 6) == pick(ia, ib))
        let ba = [true, true, false], bb = [false]
        #expect(backend.bytes(backend.select(mask, backend.store(ba), backend.store(bb), dtype: .bool, layout: layout), 6)
                == pick(ba, bb).map { $0 ? 1 : 0 })
    }
}

extension BackendConformanceTests {
    /// `count` seeded values in `domain`, optionally kept 0.05 away from zero.
    static func samples(_ count: Int, in domain: ClosedRange<Float>, seed: UInt64, avoidingZero: Bool) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        return (0..<count).map { _ in
            var value = domain.lowerBound + (domain.upperBound - domain.lowerBound) * generator.nextUniform()
            if avoidingZero && Swift.abs(value) < 0.05 { value = value < 0 ? value - 0.05 : value + 0.05 }
            return value
        }
    }

    /// Per-operand element offsets of output element `flat` under `layout`.
    static func offsets(_ flat: Int, layout: BroadcastLayout) -> [Int] {
        let index = multiIndex(flat, in: layout.shape)
        return layout.strides.map { strides in zip(index, strides).reduce(0) { $0 + $1.0 * $1.1 } }
    }
}

extension Backend {
    func store(_ values: [Float]) -> TensorStorage { values.withUnsafeBytes { upload($0) } }
    func store(_ values: [Int32]) -> TensorStorage { values.withUnsafeBytes { upload($0) } }
    func store(_ values: [Bool]) -> TensorStorage { values.map { UInt8($0 ? 1 : 0) }.withUnsafeBytes { upload($0) } }

    func floats(_ storage: TensorStorage, _ count: Int) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBytes { download(storage, into: $0) }
        return result
    }

    func ints(_ storage: TensorStorage, _ count: Int) -> [Int32] {
        var result = [Int32](repeating: 0, count: count)
        result.withUnsafeMutableBytes { download(storage, into: $0) }
        return result
    }

    func bytes(_ storage: TensorStorage, _ count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { download(storage, into: $0) }
        return result
    }
}
