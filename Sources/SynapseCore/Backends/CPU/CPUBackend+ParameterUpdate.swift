import CKernels

/// Fused optimizer updates: one parallel pass over parameter, gradient and state.
/// Adam, RMSprop and Adagrad run in C (`Sources/CKernels/optimizer_updates.c`) for
/// packed square roots; SGD and the weight moving average here.
///
/// The SGD loop works on `SIMD16<Float>` lanes with the rule's options resolved
/// before the loop (per-element branches kept the compiler from vectorising). The
/// last partial vector of a range is padded with zeros and only its valid lanes are
/// written back, so vector body and tail share one formula.
extension CPUBackend {
    func applyUpdate(_ rule: ParameterUpdateRule, parameter: TensorStorage, gradient: TensorStorage,
                     slots: [TensorStorage], count: Int) {
        let p = parameter.kernelPointer(as: Float.self)
        let g = UnsafePointer(gradient.kernelPointer(as: Float.self))
        switch rule {
        case .sgd(let learningRate, let momentum, let nesterov, let weightDecay):
            let buffer = momentum != 0 ? slots[0].kernelPointer(as: Float.self) : nil
            Parallel.forRanges(count) { range in
                Self.sgd(p, g, buffer, range, learningRate: learningRate, momentum: momentum,
                         nesterov: nesterov, weightDecay: weightDecay)
            }
        case .adam(let adam):
            let m = slots[0].kernelPointer(as: Float.self)
            let v = slots[1].kernelPointer(as: Float.self)
            let vMax = adam.amsgrad ? slots[2].kernelPointer(as: Float.self) : nil
            // In C (CKernels): Swift's Float.squareRoot() lowers to libm's errno-setting
            // sqrtf and keeps the loop scalar; the C kernel gets packed square roots.
            Parallel.forRanges(count) { range in
                let start = range.lowerBound
                synapse_adam_update(p + start, g + start, m + start, v + start, vMax.map { $0 + start },
                                    range.count, adam.stepSize, adam.beta1, adam.beta2, adam.epsilon,
                                    adam.secondCorrectionRoot, adam.l2, adam.decayFactor)
            }
        case .rmsprop(let learningRate, let rho, let epsilon, let momentum, let centered):
            let squareAverage = slots[0].kernelPointer(as: Float.self)
            let gradientAverage = centered ? slots[1].kernelPointer(as: Float.self) : nil
            let buffer = momentum > 0 ? slots[slots.count - 1].kernelPointer(as: Float.self) : nil
            Parallel.forRanges(count) { range in
                let start = range.lowerBound
                synapse_rmsprop_update(p + start, g + start, squareAverage + start, gradientAverage.map { $0 + start },
                                       buffer.map { $0 + start }, range.count, learningRate, rho, epsilon, momentum)
            }
        case .adagrad(let learningRate, let epsilon):
            let sum = slots[0].kernelPointer(as: Float.self)
            Parallel.forRanges(count) { range in
                let start = range.lowerBound
                synapse_adagrad_update(p + start, g + start, sum + start, range.count, learningRate, epsilon)
            }
        case .movingAverage(let momentum):
            Parallel.forRanges(count) { range in
                Self.movingAverage(p, g, range, momentum: momentum)
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

    /// `p ← momentum · p + (1 − momentum) · g` over `range`.
    private static func movingAverage(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ range: Range<Int>,
                                      momentum: Float) {
        let keep = Lanes(repeating: momentum), take = Lanes(repeating: 1 - momentum)
        var index = range.lowerBound
        while index < range.upperBound {
            let count = Swift.min(16, range.upperBound - index)
            store(keep * load(p, index, count) + take * load(g, index, count), p, index, count)
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
