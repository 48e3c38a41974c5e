/// Fused optimizer updates: one parallel pass over parameter, gradient and state.
extension CPUBackend {
    func applyUpdate(_ rule: ParameterUpdateRule, parameter: TensorStorage, gradient: TensorStorage,
                     slots: [TensorStorage], count: Int) {
        let p = parameter.pointer(as: Float.self)
        let g = UnsafePointer(gradient.pointer(as: Float.self))
        switch rule {
        case .sgd(let learningRate, let momentum, let nesterov, let weightDecay):
            if momentum == 0 {
                Parallel.forRanges(count) { range in
                    for i in range {
                        let grad = weightDecay == 0 ? g[i] : g[i] + weightDecay * p[i]
                        p[i] -= learningRate * grad
                    }
                }
                return
            }
            let buffer = slots[0].pointer(as: Float.self)
            Parallel.forRanges(count) { range in
                for i in range {
                    let grad = weightDecay == 0 ? g[i] : g[i] + weightDecay * p[i]
                    let b = momentum * buffer[i] + grad
                    buffer[i] = b
                    p[i] -= learningRate * (nesterov ? grad + momentum * b : b)
                }
            }
        case .adam(let adam):
            let m = slots[0].pointer(as: Float.self)
            let v = slots[1].pointer(as: Float.self)
            let vMax = adam.amsgrad ? slots[2].pointer(as: Float.self) : nil
            let (beta2, oneMinusBeta1, oneMinusBeta2) = (adam.beta2, 1 - adam.beta1, 1 - adam.beta2)
            let (stepSize, epsilon, correction, l2, decay) =
                (adam.stepSize, adam.epsilon, adam.secondCorrectionRoot, adam.l2, adam.decayFactor)
            Parallel.forRanges(count) { range in
                for i in range {
                    let old = p[i]
                    let grad = l2 == 0 ? g[i] : g[i] + l2 * old
                    let first = m[i] + oneMinusBeta1 * (grad - m[i])
                    let second = beta2 * v[i] + oneMinusBeta2 * (grad * grad)
                    m[i] = first
                    v[i] = second
                    var denominatorMoment = second
                    if let vMax {
                        denominatorMoment = Swift.max(vMax[i], second)
                        vMax[i] = denominatorMoment
                    }
                    let denominator = denominatorMoment.squareRoot() / correction + epsilon
                    p[i] = (decay == 1 ? old : old * decay) - stepSize * (first / denominator)
                }
            }
        }
    }
}
