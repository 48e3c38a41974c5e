/// Fused optimizer updates: one parallel pass over parameter, gradient and state.
///
/// The loops work on `SIMD16<Float>` lanes with the rule's options resolved before
/// the loop: per-element branches (an optional AMSGrad buffer, a decay factor of 1)
/// kept the compiler from vectorising, and Adam ran at scalar `divss`/`sqrtss` speed.
/// The last partial vector of a range is padded with zeros and only its valid
/// lanes are written back, so vector body and tail share one formula.
extension CPUBackend {
    func applyUpdate(_ rule: ParameterUpdateRule, parameter: TensorStorage, gradient: TensorStorage,
                     slots: [TensorStorage], count: Int) {
        let p = parameter.pointer(as: Float.self)
        let g = UnsafePointer(gradient.pointer(as: Float.self))
        switch rule {
        case .sgd(let learningRate, let momentum, let nesterov, let weightDecay):
            let buffer = momentum != 0 ? slots[0].pointer(as: Float.self) : nil
            Parallel.forRanges(count) { range in
                Self.sgd(p, g, buffer, range, learningRate: learningRate, momentum: momentum,
                         nesterov: nesterov, weightDecay: weightDecay)
            }
        case .adam(let adam):
            let m = slots[0].pointer(as: Float.self)
            let v = slots[1].pointer(as: Float.self)
            let vMax = adam.amsgrad ? slots[2].pointer(as: Float.self) : nil
            Parallel.forRanges(count) { range in
                Self.adam(p, g, m, v, vMax, range, adam)
            }
        }
    }

    private typealias Lanes = SIMD16<Float>

    /// Loads up to 16 floats at `pointer + index` (`count` of them; zeros after).
    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ index: Int, _ count: Int) -> Lanes {
        if count == 16 { return UnsafeRawPointer(pointer + index).loadUnaligned(as: Lanes.self) }
        var lanes = Lanes()
        for lane in 0..<count { lanes[lane] = pointer[index + lane] }
        return lanes
    }

    /// Stores the first `count` lanes at `pointer + index`.
    @inline(__always)
    private static func store(_ lanes: Lanes, _ pointer: UnsafeMutablePointer<Float>, _ index: Int, _ count: Int) {
        if count == 16 {
            UnsafeMutableRawPointer(pointer + index).storeBytes(of: lanes, as: Lanes.self)
            return
        }
        for lane in 0..<count { pointer[index + lane] = lanes[lane] }
    }

    /// Adam over `range`, 16 elements at a time.
    private static func adam(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                             _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                             _ vMax: UnsafeMutablePointer<Float>?, _ range: Range<Int>, _ rule: AdamUpdate) {
        let oneMinusBeta1 = Lanes(repeating: 1 - rule.beta1)
        let beta2 = Lanes(repeating: rule.beta2), oneMinusBeta2 = Lanes(repeating: 1 - rule.beta2)
        let stepSize = Lanes(repeating: rule.stepSize), epsilon = Lanes(repeating: rule.epsilon)
        let correction = Lanes(repeating: rule.secondCorrectionRoot)
        let l2 = Lanes(repeating: rule.l2), decay = Lanes(repeating: rule.decayFactor)
        let (hasL2, hasDecay) = (rule.l2 != 0, rule.decayFactor != 1)
        var index = range.lowerBound
        while index < range.upperBound {
            let count = Swift.min(16, range.upperBound - index)
            let old = load(p, index, count)
            var grad = load(g, index, count)
            if hasL2 { grad += l2 * old }
            let m0 = load(m, index, count)
            let first = m0 + oneMinusBeta1 * (grad - m0)
            let second = beta2 * load(v, index, count) + oneMinusBeta2 * (grad * grad)
            var moment = second
            if let vMax {
                moment = pointwiseMax(load(vMax, index, count), second)
                store(moment, vMax, index, count)
            }
            let denominator = moment.squareRoot() / correction + epsilon
            let decayed = hasDecay ? old * decay : old
            store(decayed - stepSize * (first / denominator), p, index, count)
            store(first, m, index, count)
            store(second, v, index, count)
            index += count
        }
    }

    /// SGD with optional weight decay and (Nesterov) momentum over `range`.
    private static func sgd(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                            _ buffer: UnsafeMutablePointer<Float>?, _ range: Range<Int>,
                            learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float) {
        let rate = Lanes(repeating: learningRate), mu = Lanes(repeating: momentum)
        let decay = Lanes(repeating: weightDecay), hasDecay = weightDecay != 0
        var index = range.lowerBound
        while index < range.upperBound {
            let count = Swift.min(16, range.upperBound - index)
            let old = load(p, index, count)
            var grad = load(g, index, count)
            if hasDecay { grad += decay * old }
            if let buffer {
                let b = mu * load(buffer, index, count) + grad
                store(b, buffer, index, count)
                grad = nesterov ? grad + mu * b : b
            }
            store(old - rate * grad, p, index, count)
            index += count
        }
    }
}
