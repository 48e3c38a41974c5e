/// Fused optimizer updates: one parallel pass over parameter, gradient and state.
///
/// Each variant is its own branch-free loop: per-element branches (an optional
/// AMSGrad buffer, a decay factor of 1) kept the compiler from vectorising, and
/// Adam ran at scalar `divss`/`sqrtss` speed.
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

    /// Adam over `range`. Plain loops without branches in the body, one per
    /// variant, so the compiler vectorises them (`sqrtps`, `divps`): a SIMD16 version
    /// took its square roots one lane at a time. With `l2` = 0 and `decayFactor` = 1
    /// the extra terms are exact no-ops for finite parameters.
    private static func adam(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                             _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                             _ vMax: UnsafeMutablePointer<Float>?, _ range: Range<Int>, _ rule: AdamUpdate) {
        let oneMinusBeta1 = 1 - rule.beta1, beta2 = rule.beta2, oneMinusBeta2 = 1 - rule.beta2
        let (stepSize, epsilon, correction, l2, decay) =
            (rule.stepSize, rule.epsilon, rule.secondCorrectionRoot, rule.l2, rule.decayFactor)
        if let vMax {
            for i in range {
                let old = p[i]
                let grad = g[i] + l2 * old
                let first = m[i] + oneMinusBeta1 * (grad - m[i])
                let second = beta2 * v[i] + oneMinusBeta2 * (grad * grad)
                let moment = Swift.max(vMax[i], second)
                m[i] = first
                v[i] = second
                vMax[i] = moment
                p[i] = old * decay - stepSize * (first / (moment.squareRoot() / correction + epsilon))
            }
        } else {
            for i in range {
                let old = p[i]
                let grad = g[i] + l2 * old
                let first = m[i] + oneMinusBeta1 * (grad - m[i])
                let second = beta2 * v[i] + oneMinusBeta2 * (grad * grad)
                m[i] = first
                v[i] = second
                p[i] = old * decay - stepSize * (first / (second.squareRoot() / correction + epsilon))
            }
        }
    }

    /// SGD with optional weight decay and (Nesterov) momentum over `range`.
    private static func sgd(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                            _ buffer: UnsafeMutablePointer<Float>?, _ range: Range<Int>,
                            learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float) {
        guard let buffer else {
            for i in range { p[i] -= learningRate * (g[i] + weightDecay * p[i]) }
            return
        }
        if nesterov {
            for i in range {
                let grad = g[i] + weightDecay * p[i]
                let b = momentum * buffer[i] + grad
                buffer[i] = b
                p[i] -= learningRate * (grad + momentum * b)
            }
        } else {
            for i in range {
                let b = momentum * buffer[i] + (g[i] + weightDecay * p[i])
                buffer[i] = b
                p[i] -= learningRate * b
            }
        }
    }
}
