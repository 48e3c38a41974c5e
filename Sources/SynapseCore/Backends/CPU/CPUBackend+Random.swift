#if canImport(Glibc)
import Glibc
#endif

/// Random tensors from the Philox stream, one counter block per group of elements
/// (see ``Backend/random(_:count:dtype:seed:offset:)`` for the layout every backend
/// follows), in parallel: the values do not depend on the thread count.
extension CPUBackend {
    func random(_ distribution: RandomDistribution, count: Int, dtype: DType, seed: UInt64, offset: UInt64) -> TensorStorage {
        precondition(dtype.isFloatingPoint, "random: float32 or float64 only")
        let result = allocate(byteCount: count * dtype.byteSize)
        let floats = result.kernelPointer(as: Float.self)
        let doubles = result.kernelPointer(as: Double.self)
        let isDouble = dtype == .float64
        Parallel.forRanges(count, minimumParallelCount: 8_192) { range in
            for index in range {
                let value = Self.sample(distribution, index: index, seed: seed, offset: offset)
                if isDouble { doubles[index] = value } else { floats[index] = Float(value) }
            }
        }
        return result
    }

    /// Element `index` of a draw from `distribution` (in double precision; float32
    /// draws round it).
    @inline(__always)
    static func sample(_ distribution: RandomDistribution, index: Int, seed: UInt64, offset: UInt64) -> Double {
        switch distribution {
        case .uniform(let low, let high):
            let block = RandomGenerator.philox(counter: offset &+ UInt64(index / 4), key: seed)
            let unit = Float(block[index % 4] >> 8) * 0x1p-24
            return Double(low + (high - low) * unit)
        case .normal(let mean, let standardDeviation):
            let block = RandomGenerator.philox(counter: offset &+ UInt64(index / 2), key: seed)
            let lane = (index % 2) * 2
            let z = boxMuller(block[lane], block[lane + 1])
            return Double(mean) + Double(standardDeviation) * z
        case .truncatedNormal(let mean, let standardDeviation):
            var round: UInt32 = 0
            while true {
                let block = RandomGenerator.philox(counter: offset &+ UInt64(index), key: seed, high: round)
                for lane in [0, 2] {
                    let z = boxMuller(block[lane], block[lane + 1])
                    if Swift.abs(z) <= 2 { return Double(mean) + Double(standardDeviation) * z }
                }
                round &+= 1
            }
        }
    }

    /// A standard normal sample from two 32-bit words (Box–Muller in double precision).
    @inline(__always)
    static func boxMuller(_ first: UInt32, _ second: UInt32) -> Double {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - Double(first) * 0x1p-32
        let u2 = Double(second) * 0x1p-32
        return (-2 * Glibc.log(u1)).squareRoot() * Glibc.cos(2 * Double.pi * u2)
    }
}

extension RandomDistribution {
    /// Counter blocks a draw of `count` elements uses.
    func blockCount(_ count: Int) -> UInt64 {
        switch self {
        case .uniform: UInt64((count + 3) / 4)
        case .normal: UInt64((count + 1) / 2)
        case .truncatedNormal: UInt64(count)
        }
    }
}
