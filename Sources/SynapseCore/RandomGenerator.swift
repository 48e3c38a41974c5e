#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A seedable, counter-based random number generator (Philox 4×32-10, the
/// generator behind PyTorch's and JAX's accelerator streams).
///
/// The stream depends only on the seed and the position in it, never on the
/// machine, the thread count or timing, so a run with the same seed repeats
/// exactly. Its whole state is two integers (``seed`` and ``offset``), which
/// checkpoints store to resume a run bit for bit.
///
/// ```swift
/// var generator = RandomGenerator(seed: 42)
/// let noise = Tensor.randomNormal([3, 4], generator: &generator)
/// ```
public struct RandomGenerator: Sendable, Hashable, Codable {
    /// The key of the stream.
    public private(set) var seed: UInt64
    /// How many 128-bit blocks were consumed.
    public private(set) var offset: UInt64
    private var buffered: SIMD4<UInt32> = .zero
    private var bufferedCount = 0

    /// A generator at the start of the stream for `seed`.
    ///
    /// - Parameter seed: the key of the stream.
    public init(seed: UInt64) {
        self.seed = seed
        self.offset = 0
    }

    /// A generator positioned at `offset` blocks into the stream for `seed`.
    ///
    /// - Parameters:
    ///   - seed: the key of the stream.
    ///   - offset: how many 128-bit blocks to skip (a saved ``offset`` resumes a stream).
    public init(seed: UInt64, offset: UInt64) {
        self.seed = seed
        self.offset = offset
    }

    /// The next uniformly distributed 32-bit value.
    public mutating func nextUInt32() -> UInt32 {
        if bufferedCount == 0 {
            buffered = Self.philox(counter: offset, key: seed)
            offset &+= 1
            bufferedCount = 4
        }
        bufferedCount -= 1
        return buffered[3 - bufferedCount]
    }

    /// A uniform sample in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float {
        Float(nextUInt32() >> 8) * 0x1p-24
    }

    /// A standard normal sample (Box–Muller in double precision).
    public mutating func nextNormal() -> Float {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let u1 = 1 - Double(nextUInt32()) * 0x1p-32
        let u2 = Double(nextUInt32()) * 0x1p-32
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A uniform integer in `0..<upperBound`.
    ///
    /// - Parameter upperBound: the exclusive upper bound; must be positive.
    /// - Returns: an integer in `0..<upperBound`, exactly uniform (rejection sampling).
    public mutating func nextInt(below upperBound: Int) -> Int {
        require(upperBound > 0, "nextInt: upper bound must be positive, got \(upperBound)")
        // Rejection sampling keeps the distribution exactly uniform.
        let bound = UInt64(upperBound)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let value = UInt64(nextUInt32()) << 32 | UInt64(nextUInt32())
            if value < limit { return Int(value % bound) }
        }
    }

    /// A random permutation of `0..<count` (Fisher–Yates).
    ///
    /// - Parameter count: the number of elements to shuffle.
    /// - Returns: each of `0..<count` once, in random order.
    public mutating func permutation(_ count: Int) -> [Int] {
        var result = Array(0..<count)
        if count < 2 { return result }
        for index in stride(from: count - 1, to: 0, by: -1) {
            result.swapAt(index, nextInt(below: index + 1))
        }
        return result
    }

    /// Takes `blocks` whole counter blocks for a tensor drawn by a backend and
    /// returns the first; words buffered for ``nextUInt32()`` are dropped, so the
    /// stream position stays a pure function of what was drawn.
    ///
    /// - Parameter blocks: how many 128-bit blocks the draw uses.
    /// - Returns: the counter of the first block.
    public mutating func reserveBlocks(_ blocks: UInt64) -> UInt64 {
        bufferedCount = 0
        let start = offset
        offset &+= blocks
        return start
    }

    /// Philox 4×32 with 10 rounds (Salmon et al., SC'11) of the 128-bit counter
    /// `(counter, high)` under `key`.
    @inline(__always)
    static func philox(counter: UInt64, key: UInt64, high: UInt32 = 0) -> SIMD4<UInt32> {
        var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2: UInt32 = high, c3: UInt32 = 0
        var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
        for round in 0..<10 {
            if round > 0 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
            let product0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let product1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let (hi0, lo0) = (UInt32(truncatingIfNeeded: product0 >> 32), UInt32(truncatingIfNeeded: product0))
            let (hi1, lo1) = (UInt32(truncatingIfNeeded: product1 >> 32), UInt32(truncatingIfNeeded: product1))
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return SIMD4(c0, c1, c2, c3)
    }
}

/// The process-wide default generator, used when an API is not handed one.
///
/// ```swift
/// Random.seed(42)   // as torch.manual_seed / keras.utils.set_random_seed
/// ```
public enum Random {
    private static let shared = Mutex(RandomGenerator(seed: 0x5EED))

    /// Restarts the default generator's stream at `seed`.
    ///
    /// - Parameter seed: the key of the new stream (its offset starts at 0).
    public static func seed(_ seed: UInt64) {
        shared.withLock { $0 = RandomGenerator(seed: seed) }
    }

    /// The default generator's state (to save in a checkpoint).
    public static var state: RandomGenerator {
        get { shared.withLock { $0 } }
        set { shared.withLock { $0 = newValue } }
    }

    /// Runs `body` with exclusive access to the default generator.
    ///
    /// - Parameter body: receives the generator and may draw from it; other threads
    ///   wait until it returns.
    /// - Returns: what `body` returns.
    /// - Throws: rethrows what `body` throws.
    public static func withGenerator<R>(_ body: (inout RandomGenerator) throws -> R) rethrows -> R {
        try shared.withLock { try body(&$0) }
    }
}
