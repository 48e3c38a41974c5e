import Testing
@testable import SynapseCore

/// Denormals are flushed inside kernels and `withFlushedDenormals`, and nowhere else.
@Suite("Floating-point mode: denormals flushed in kernels only")
struct FloatingPointModeTests {
    /// Half the smallest normal float: a denormal under IEEE rules, 0 when flushed.
    /// Not inlined, so the compiler cannot fold it into a constant.
    @inline(never)
    static func halfOfSmallestNormal(_ divisor: Float = 2) -> Float {
        Float.leastNormalMagnitude / divisor
    }

    @Test("withFlushedDenormals flushes inside and restores the thread's IEEE mode after")
    func scoped() {
        #expect(FloatingPointMode.flushesDenormals, "on by default (SYNAPSE_FLUSH_DENORMALS unset)")
        #expect(!FloatingPointMode.isFlushingOnCurrentThread)
        #expect(Self.halfOfSmallestNormal() > 0)
        let inside = FloatingPointMode.withFlushedDenormals { Self.halfOfSmallestNormal() }
        #expect(inside == 0)
        #expect(!FloatingPointMode.isFlushingOnCurrentThread)
        #expect(Self.halfOfSmallestNormal() > 0)
        // Nested scopes restore the outer mode, not IEEE.
        FloatingPointMode.withFlushedDenormals {
            FloatingPointMode.withFlushedDenormals {}
            #expect(FloatingPointMode.isFlushingOnCurrentThread)
        }
    }

    @Test("parallel kernels and matrix products flush on every thread; the caller keeps IEEE")
    func kernels() {
        // Large enough to run on the whole team (Parallel's threshold is 32,768).
        let count = 1 << 17
        let tiny = Tensor([Float](repeating: .leastNormalMagnitude, count: count), shape: [count])
        let halved = tiny * 0.5
        #expect(halved.scalars.allSatisfy { $0 == 0 }, "denormal results are flushed")
        let product = Tensor([Float](repeating: 0x1p-70, count: 64 * 64), shape: [64, 64])
            .matmul(Tensor([Float](repeating: 0x1p-70, count: 64 * 64), shape: [64, 64]))
        #expect(product.scalars.allSatisfy { $0 == 0 }, "64 · 2⁻¹⁴⁰ is denormal: flushed")
        #expect(!FloatingPointMode.isFlushingOnCurrentThread)
        #expect(Self.halfOfSmallestNormal() > 0)
        #expect(Float("1e-40")! > 0, "parsing outside kernels keeps denormals")
    }
}
