/// Vectorised activations for the fused recurrent kernels.
///
/// A recurrent step applies sigmoid and tanh to `batch · gates · units` values; with
/// libm's scalar `expf`/`tanhf` that was most of an LSTM step. These use eight-lane
/// SIMD with Cephes' `expf` polynomial (relative error about 2·10⁻⁷ over the
/// float range; tanh through `exp(−2|x|)` is within 2·10⁻⁷ absolute).
enum RecurrentMath {
    @inline(__always)
    static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
        // Clamping and rounding by lane masks and the 1.5·2²³ trick: the generic
        // `clamped`, `rounded` and `SIMD8<Int32>(_:rounding:)` ran as unspecialised
        // per-lane stdlib code and took over a third of an LSTM epoch.
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        var x = input.replacing(with: low, where: input .< low)
        x.replace(with: high, where: x .> high)
        // Adding 1.5·2²³ rounds x·log₂e to the nearest integer in the low mantissa
        // bits; that integer is the float's bit pattern minus 0x4B40_0000.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        let z = r * r
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * z + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let bits = (integer &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always)
    static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
        1 / (1 + exp(-x))
    }

    @inline(__always)
    static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let magnitude = x.replacing(with: -x, where: x .< 0)
        let e = exp(-2 * magnitude)
        let t = (1 - e) / (1 + e)
        return t.replacing(with: -t, where: x .< 0)
    }

    /// Applies `kind` in place to `count` floats.
    @inline(__always)
    static func activate(_ kind: RecurrentActivation, _ values: UnsafeMutablePointer<Float>, count: Int) {
        switch kind {
        case .sigmoid: map(values, count, sigmoid)
        case .tanh: map(values, count, tanh)
        case .relu: for i in 0..<count { values[i] = Swift.max(values[i], 0) }
        case .linear: break
        case .hardSigmoid: for i in 0..<count { values[i] = Swift.min(Swift.max(values[i] / 6 + 0.5, 0), 1) }
        }
    }

    /// Multiplies `gradient` by the derivative of `kind` expressed through its output `y`.
    @inline(__always)
    static func multiplyByDerivative(_ kind: RecurrentActivation, _ gradient: UnsafeMutablePointer<Float>,
                                     output y: UnsafePointer<Float>, count: Int) {
        switch kind {
        case .sigmoid: for i in 0..<count { gradient[i] *= y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<count { gradient[i] *= 1 - y[i] * y[i] }
        case .relu: for i in 0..<count where y[i] <= 0 { gradient[i] = 0 }
        case .linear: break
        case .hardSigmoid: for i in 0..<count { gradient[i] *= (y[i] > 0 && y[i] < 1) ? 1.0 / 6 : 0 }
        }
    }

    /// `f` over `count` floats in place, eight at a time (the tail through a padded vector).
    @inline(__always)
    private static func map(_ values: UnsafeMutablePointer<Float>, _ count: Int, _ f: (SIMD8<Float>) -> SIMD8<Float>) {
        let raw = UnsafeMutableRawPointer(values)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(raw + i * 4).loadUnaligned(as: SIMD8<Float>.self)
            raw.storeBytes(of: f(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<(count - i) { v[j] = values[i + j] }
            let result = f(v)
            for j in 0..<(count - i) { values[i + j] = result[j] }
        }
    }
}
