import CKernels

/// Backpropagation through time for the fused recurrent sequences (see
/// `CPUBackend+Recurrent.swift` for layouts and threading).
///
/// The loop produces the gradient of the pre-activation gates of every step,
/// `[batch, time, gates·units]`; the caller turns it into the kernel, recurrent
/// kernel, bias and input gradients with a few large GEMMs over all steps at once.
/// For the GRU the recurrent side sees a different gradient for the candidate block
/// (scaled by the reset gate), returned separately.
extension CPUBackend {
    func recurrentBackward(_ geometry: RecurrentGeometry, saved: RecurrentSavedState, recurrentKernel: TensorStorage,
                           mask: TensorStorage?, recurrentMask: TensorStorage?, upstream: TensorStorage)
        -> (projected: TensorStorage, recurrent: TensorStorage?, initialStates: [TensorStorage]) {
        let (batch, time, units) = (geometry.batch, geometry.time, geometry.units)
        let (gateWidth, savedWidth, states) = (geometry.gateWidth, geometry.savedWidth, geometry.cell.stateCount)
        let cell = geometry.cell
        let projected = allocate(byteCount: batch * time * gateWidth * 4)
        let recurrentSide = cell == .gru ? allocate(byteCount: batch * time * gateWidth * 4) : nil
        let hiddenA = allocate(byteCount: batch * units * 4)
        let hiddenB = allocate(byteCount: batch * units * 4)
        let cellGradient = allocate(byteCount: batch * units * 4)
        let scratch = allocate(byteCount: batch * units * 4)
        let pointers = RecurrentPointers(projected: projected, recurrentKernel: recurrentKernel, recurrentBias: nil,
                                         mask: mask, recurrentMask: recurrentMask, saved: saved)
        let dPre = projected.kernelPointer(as: Float.self)
        let dPreRecurrent = recurrentSide?.kernelPointer(as: Float.self) ?? dPre
        let up = UnsafePointer(upstream.kernelPointer(as: Float.self))
        let (firstHidden, secondHidden) = (hiddenA.kernelPointer(as: Float.self), hiddenB.kernelPointer(as: Float.self))
        let dc = cellGradient.kernelPointer(as: Float.self)
        let direct = scratch.kernelPointer(as: Float.self)
        for b in 0..<batch {
            (firstHidden + b * units).update(from: up + (b * (time + states) + time) * units, count: units)
            if cell == .lstm { (dc + b * units).update(from: up + (b * (time + states) + time + 1) * units, count: units) }
        }
        // The step product reads the recurrent kernel transposed, [gates·units, units].
        let transposed = allocate(byteCount: gateWidth * units * 4)
        let transposedValues = transposed.kernelPointer(as: Float.self)
        for j in 0..<units {
            for p in 0..<gateWidth { transposedValues[p * units + j] = pointers.recurrentKernel[j * gateWidth + p] }
        }
        let transposedKernel = UnsafePointer(transposedValues)
        let slices = Swift.min(Parallel.threadCount, batch)
        Parallel.forChunks(slices, parallel: slices > 1 && batch * time * gateWidth >= 16_384) { slice in
            let rows = (batch * slice / slices)..<(batch * (slice + 1) / slices)
            guard !rows.isEmpty else { return }
            var (dh, dhNext) = (firstHidden, secondHidden)
            for step in (0..<time).reversed() {
                let t = geometry.timeIndex(step: step)
                for b in rows {
                    let row = b * time + t
                    let dhRow = dh + b * units
                    let incoming = up + (b * (time + states) + step) * units
                    for j in 0..<units { dhRow[j] += incoming[j] }
                    let dp = dPre + row * gateWidth
                    if let mask = pointers.mask, mask[row] == 0 {
                        dp.update(repeating: 0, count: gateWidth)
                        if cell == .gru { (dPreRecurrent + row * gateWidth).update(repeating: 0, count: gateWidth) }
                        continue
                    }
                    let gates = UnsafePointer(pointers.gates + row * savedWidth)
                    switch cell {
                    case .simple:
                        dp.update(from: dhRow, count: units)
                        RecurrentMath.multiplyByDerivative(geometry.activation, dp, output: gates, count: units)
                    case .lstm where geometry.hasDefaultLSTMActivations:
                        synapse_lstm_cell_backward(gates, pointers.activatedCell! + row * units,
                                                   pointers.previousCell! + row * units, dhRow, dc + b * units, dp,
                                                   units)
                    case .lstm:
                        Self.lstmStepBackward(geometry, gates: gates, activatedCell: pointers.activatedCell! + row * units,
                                              previousCell: pointers.previousCell! + row * units, dh: dhRow,
                                              dc: dc + b * units, dPre: dp)
                    case .gru:
                        Self.gruStepBackward(geometry, gates: gates, previousHidden: pointers.previousHidden + row * units,
                                             dh: dhRow, direct: direct + b * units, dPre: dp,
                                             dPreRecurrent: dPreRecurrent + row * gateWidth)
                    }
                }
                Self.stepProduct(dPreRecurrent + (rows.lowerBound * time + t) * gateWidth, lda: time * gateWidth,
                                 transposedKernel, ldb: units, dhNext + rows.lowerBound * units, ldc: units,
                                 m: rows.count, n: units, k: gateWidth)
                for b in rows {
                    let next = dhNext + b * units
                    if let mask = pointers.mask, mask[b * time + t] == 0 {
                        next.update(from: dh + b * units, count: units)
                        continue
                    }
                    if let keep = pointers.recurrentMask {
                        for j in 0..<units { next[j] *= keep[b * units + j] }
                    }
                    if cell == .gru {
                        let d = direct + b * units
                        for j in 0..<units { next[j] += d[j] }
                    }
                }
                swap(&dh, &dhNext)
            }
        }
        let initialHidden = time % 2 == 0 ? hiddenA : hiddenB
        return (projected, recurrentSide, cell == .lstm ? [initialHidden, cellGradient] : [initialHidden])
    }

    /// `c = f⊙c₋ + i⊙g`, `h = o⊙act(c)`: writes the gates' pre-activation gradient
    /// and replaces `dc` by the gradient of `c₋`.
    @inline(__always)
    private static func lstmStepBackward(_ geometry: RecurrentGeometry, gates: UnsafePointer<Float>,
                                         activatedCell: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
                                         dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                                         dPre: UnsafeMutablePointer<Float>) {
        let units = geometry.units
        let (i, f, g, o) = (gates, gates + units, gates + 2 * units, gates + 3 * units)
        let dOut = dPre + 3 * units
        for j in 0..<units { dOut[j] = dh[j] * o[j] }
        RecurrentMath.multiplyByDerivative(geometry.activation, dOut, output: activatedCell, count: units)
        for j in 0..<units {
            let total = dc[j] + dOut[j]
            dPre[j] = total * g[j]
            dPre[units + j] = total * previousCell[j]
            dPre[2 * units + j] = total * i[j]
            dc[j] = total * f[j]
            dOut[j] = dh[j] * activatedCell[j]
        }
        RecurrentMath.multiplyByDerivative(geometry.recurrentActivation, dPre, output: gates, count: 2 * units)
        RecurrentMath.multiplyByDerivative(geometry.activation, dPre + 2 * units, output: g, count: units)
        RecurrentMath.multiplyByDerivative(geometry.recurrentActivation, dOut, output: o, count: units)
    }

    /// `h = z⊙h₋ + (1−z)⊙h̃`, `h̃ = act(x_h + r⊙rh)`: the input side gets `[dz, dr, dh̃]`
    /// (pre-activation), the recurrent side `[dz, dr, r⊙dh̃]`; `direct` is `z⊙dh`.
    @inline(__always)
    private static func gruStepBackward(_ geometry: RecurrentGeometry, gates: UnsafePointer<Float>,
                                        previousHidden: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                                        direct: UnsafeMutablePointer<Float>, dPre: UnsafeMutablePointer<Float>,
                                        dPreRecurrent: UnsafeMutablePointer<Float>) {
        let units = geometry.units
        let (z, r, candidate, recurrentCandidate) = (gates, gates + units, gates + 2 * units, gates + 3 * units)
        for j in 0..<units {
            dPre[j] = dh[j] * (previousHidden[j] - candidate[j])
            dPre[2 * units + j] = dh[j] * (1 - z[j])
            direct[j] = dh[j] * z[j]
        }
        RecurrentMath.multiplyByDerivative(geometry.activation, dPre + 2 * units, output: candidate, count: units)
        for j in 0..<units {
            dPreRecurrent[2 * units + j] = dPre[2 * units + j] * r[j]
            dPre[units + j] = dPre[2 * units + j] * recurrentCandidate[j]
        }
        RecurrentMath.multiplyByDerivative(geometry.recurrentActivation, dPre, output: gates, count: 2 * units)
        dPreRecurrent.update(from: dPre, count: 2 * units)
    }
}
