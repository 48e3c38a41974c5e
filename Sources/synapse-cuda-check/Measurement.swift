import Glibc

/// Seconds on the monotonic clock, for host-side timing (copies).
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// How far a GPU result is from the CPU's.
struct Discrepancy {
    /// `max |gpu − cpu|`.
    var maxAbsolute: Double = 0
    /// `max |gpu − cpu| / |cpu|` over elements with `cpu ≠ 0`.
    var maxRelative: Double = 0
    /// `max |gpu − cpu| / max |cpu|`: the error relative to the result's scale, the
    /// right measure for sums whose individual elements can cancel to near zero.
    var relativeToScale: Double = 0
    /// Elements where either side is NaN or infinite but not both the same.
    var nonFinite = 0

    /// Compares two results of equal length.
    ///
    /// - Parameters:
    ///   - gpu: the device's values.
    ///   - cpu: the reference values.
    init(gpu: [Float], cpu: [Float]) {
        var scale: Double = 0
        for index in 0..<min(gpu.count, cpu.count) {
            let device = Double(gpu[index])
            let host = Double(cpu[index])
            guard device.isFinite && host.isFinite else {
                if !(device.isNaN && host.isNaN) && device != host { nonFinite += 1 }
                continue
            }
            let difference = abs(device - host)
            maxAbsolute = max(maxAbsolute, difference)
            if host != 0 { maxRelative = max(maxRelative, difference / abs(host)) }
            scale = max(scale, abs(host))
        }
        if gpu.count != cpu.count { nonFinite += abs(gpu.count - cpu.count) }
        relativeToScale = scale > 0 ? maxAbsolute / scale : maxAbsolute
    }
}

/// A fixed-seed generator (SplitMix64), so every run checks the same inputs.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// - Parameter seed: the seed.
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }

    /// `count` floats uniform in `[low, high)`.
    mutating func floats(_ count: Int, in range: Range<Float>) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}
