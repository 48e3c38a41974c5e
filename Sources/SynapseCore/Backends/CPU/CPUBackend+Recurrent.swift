import CKernels

/// Fused recurrent sequences: the time loop of SimpleRNN, LSTM and GRU cells.
///
/// The input projection of all steps is one GEMM done by the caller. Here each step
/// is one small GEMM for the recurrent projection plus one pass of gate arithmetic.
/// Samples of a batch never interact, so the batch is split into one slice per
/// thread and each thread runs the whole time loop on its slice with
/// single-threaded GEMMs: no synchronisation per step, which on few cores beats a
/// threaded GEMM of 32 rows by far.
///
/// Layouts: `projected` and the saved buffers are `[batch, time, ·]` in input
/// time order; the output is `[batch, time + states, units]` with the sequence in
/// processing order followed by the final states (`h`, then `c` for the LSTM).
extension CPUBackend {
    func recurrentForward(_ geometry: RecurrentGeometry, projected: TensorStorage, recurrentKernel: TensorStorage,
                          recurrentBias: TensorStorage?, initialStates: [TensorStorage], mask: TensorStorage?,
                          recurrentMask: TensorStorage?) -> (output: TensorStorage, saved: RecurrentSavedState) {
        let (batch, time, units) = (geometry.batch, geometry.time, geometry.units)
        let (gateWidth, savedWidth, states) = (geometry.gateWidth, geometry.savedWidth, geometry.cell.stateCount)
        let isLSTM = geometry.cell == .lstm
        let floats = batch * time * units * 4
        let output = allocate(byteCount: batch * (time + states) * units * 4)
        let saved = RecurrentSavedState(
            gates: allocate(byteCount: batch * time * savedWidth * 4),
            previousHidden: allocate(byteCount: floats),
            droppedHidden: recurrentMask == nil ? nil : allocate(byteCount: floats),
            previousCell: isLSTM ? allocate(byteCount: floats) : nil,
            activatedCell: isLSTM ? allocate(byteCount: floats) : nil)
        let scratch = allocate(byteCount: batch * (gateWidth + 2 * units) * 4)
        let pointers = RecurrentPointers(projected: projected, recurrentKernel: recurrentKernel, recurrentBias: recurrentBias,
                                         mask: mask, recurrentMask: recurrentMask, saved: saved)
        let out = output.kernelPointer(as: Float.self)
        let hState = scratch.kernelPointer(as: Float.self)
        let cState = hState + batch * units
        let recurrent = cState + batch * units
        hState.update(from: initialStates[0].kernelPointer(as: Float.self), count: batch * units)
        if isLSTM { cState.update(from: initialStates[1].kernelPointer(as: Float.self), count: batch * units) }
        let slices = Swift.min(Parallel.threadCount, batch)
        Parallel.forChunks(slices, parallel: slices > 1 && batch * time * gateWidth >= 16_384) { slice in
            let rows = (batch * slice / slices)..<(batch * (slice + 1) / slices)
            guard !rows.isEmpty else { return }
            for step in 0..<time {
                let t = geometry.timeIndex(step: step)
                for b in rows {
                    let at = (b * time + t) * units
                    pointers.previousHidden.advanced(by: at).update(from: hState + b * units, count: units)
                    if isLSTM { pointers.previousCell!.advanced(by: at).update(from: cState + b * units, count: units) }
                }
                var source = UnsafePointer(hState + rows.lowerBound * units)
                var sourceStride = units
                if let dropped = pointers.droppedHidden, let keep = pointers.recurrentMask {
                    for b in rows {
                        let (from, to, m) = (hState + b * units, dropped + (b * time + t) * units, keep + b * units)
                        for j in 0..<units { to[j] = from[j] * m[j] }
                    }
                    source = UnsafePointer(dropped + (rows.lowerBound * time + t) * units)
                    sourceStride = time * units
                }
                Self.stepProduct(source, lda: sourceStride, pointers.recurrentKernel, ldb: gateWidth,
                                 recurrent + rows.lowerBound * gateWidth, ldc: gateWidth, m: rows.count, n: gateWidth,
                                 k: units)
                for b in rows {
                    let row = b * time + t
                    let h = hState + b * units
                    let masked = pointers.mask.map { $0[row] == 0 } ?? false
                    let destination = out + (b * (time + states) + step) * units
                    if !masked {
                        let gates = pointers.gates + row * savedWidth
                        let pre = pointers.projected + row * gateWidth
                        let r = recurrent + b * gateWidth
                        switch geometry.cell {
                        case .simple:
                            Self.simpleStep(geometry, pre: pre, recurrent: r, gates: gates, h: h)
                        case .lstm where geometry.hasDefaultLSTMActivations:
                            synapse_lstm_cell_forward(pre, r, gates, cState + b * units,
                                                      pointers.activatedCell! + row * units, h, units)
                        case .lstm:
                            Self.lstmStep(geometry, pre: pre, recurrent: r, gates: gates, h: h, c: cState + b * units,
                                          activatedCell: pointers.activatedCell! + row * units)
                        case .gru:
                            Self.gruStep(geometry, pre: pre, recurrent: r, bias: pointers.recurrentBias, gates: gates, h: h)
                        }
                    }
                    destination.update(from: h, count: units)
                }
            }
        }
        for b in 0..<batch {
            (out + (b * (time + states) + time) * units).update(from: hState + b * units, count: units)
            if isLSTM { (out + (b * (time + states) + time + 1) * units).update(from: cState + b * units, count: units) }
        }
        return (output, saved)
    }

    /// Whether this CPU runs `synapse_step_product` (it has AVX-512).
    static let stepProductAvailable = synapse_step_product_available() != 0

    /// `c = a · b` ([m, k] · [k, n], row strides `lda`, `ldb`, `ldc`) on the calling
    /// thread: one step's recurrent product for one thread's rows.
    ///
    /// Measured on W3's forward product (16 · 64 · 256, one thread, in a loop): oneDNN's
    /// sgemm 2.6–3.6 µs, `synapse_step_product` 2.25 µs. In the time loop the backward
    /// gained most (`synapse-microbench --only lstm`, 2 threads: forward + backward
    /// 3.70 → 3.22 ms, forward alone unchanged at 1.3 ms), and W3's epoch went from
    /// 3.61 to 3.34 s.
    @inline(__always)
    static func stepProduct(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int) {
        if stepProductAvailable {
            synapse_step_product(a, lda, b, ldb, c, ldc, m, n, k)
        } else {
            OneDNN.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b,
                         ldb: ldb, beta: 0, c: c, ldc: ldc, threads: 1)
        }
    }

    @inline(__always)
    private static func simpleStep(_ geometry: RecurrentGeometry, pre: UnsafePointer<Float>, recurrent: UnsafePointer<Float>,
                                   gates: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let units = geometry.units
        for j in 0..<units { gates[j] = pre[j] + recurrent[j] }
        RecurrentMath.activate(geometry.activation, gates, count: units)
        h.update(from: gates, count: units)
    }

    @inline(__always)
    private static func lstmStep(_ geometry: RecurrentGeometry, pre: UnsafePointer<Float>, recurrent: UnsafePointer<Float>,
                                 gates: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>,
                                 c: UnsafeMutablePointer<Float>, activatedCell: UnsafeMutablePointer<Float>) {
        let units = geometry.units
        for j in 0..<(4 * units) { gates[j] = pre[j] + recurrent[j] }
        RecurrentMath.activate(geometry.recurrentActivation, gates, count: 2 * units)
        RecurrentMath.activate(geometry.activation, gates + 2 * units, count: units)
        RecurrentMath.activate(geometry.recurrentActivation, gates + 3 * units, count: units)
        let (i, f, g) = (gates, gates + units, gates + 2 * units)
        for j in 0..<units {
            let cell = f[j] * c[j] + i[j] * g[j]
            c[j] = cell
            activatedCell[j] = cell
        }
        RecurrentMath.activate(geometry.activation, activatedCell, count: units)
        let o = gates + 3 * units
        for j in 0..<units { h[j] = o[j] * activatedCell[j] }
    }

    /// Saved columns: `z, r, h̃` and the recurrent candidate term `h·R_h + b'_h`.
    @inline(__always)
    private static func gruStep(_ geometry: RecurrentGeometry, pre: UnsafePointer<Float>, recurrent: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, gates: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        let units = geometry.units
        if let bias {
            for j in 0..<(2 * units) { gates[j] = pre[j] + recurrent[j] + bias[j] }
            for j in 0..<units { gates[3 * units + j] = recurrent[2 * units + j] + bias[2 * units + j] }
        } else {
            for j in 0..<(2 * units) { gates[j] = pre[j] + recurrent[j] }
            for j in 0..<units { gates[3 * units + j] = recurrent[2 * units + j] }
        }
        RecurrentMath.activate(geometry.recurrentActivation, gates, count: 2 * units)
        let (z, r, candidate, recurrentCandidate) = (gates, gates + units, gates + 2 * units, gates + 3 * units)
        for j in 0..<units { candidate[j] = pre[2 * units + j] + r[j] * recurrentCandidate[j] }
        RecurrentMath.activate(geometry.activation, candidate, count: units)
        for j in 0..<units { h[j] = z[j] * h[j] + (1 - z[j]) * candidate[j] }
    }
}

extension RecurrentGeometry {
    /// Sigmoid gates and a tanh cell (the Keras and PyTorch default): the LSTM time
    /// loops run these through the C cell (`synapse_lstm_cell_forward`/`_backward`).
    var hasDefaultLSTMActivations: Bool { recurrentActivation == .sigmoid && activation == .tanh }
}

/// Typed views of the buffers one recurrent call works on (sendable into the
/// per-thread slices; each slice writes only its own rows).
struct RecurrentPointers: @unchecked Sendable {
    let projected: UnsafePointer<Float>
    let recurrentKernel: UnsafePointer<Float>
    let recurrentBias: UnsafePointer<Float>?
    let mask: UnsafePointer<UInt8>?
    let recurrentMask: UnsafePointer<Float>?
    let gates: UnsafeMutablePointer<Float>
    let previousHidden: UnsafeMutablePointer<Float>
    let droppedHidden: UnsafeMutablePointer<Float>?
    let previousCell: UnsafeMutablePointer<Float>?
    let activatedCell: UnsafeMutablePointer<Float>?

    init(projected: TensorStorage, recurrentKernel: TensorStorage, recurrentBias: TensorStorage?, mask: TensorStorage?,
         recurrentMask: TensorStorage?, saved: RecurrentSavedState) {
        self.projected = UnsafePointer(projected.kernelPointer(as: Float.self))
        self.recurrentKernel = UnsafePointer(recurrentKernel.kernelPointer(as: Float.self))
        self.recurrentBias = recurrentBias.map { UnsafePointer($0.kernelPointer(as: Float.self)) }
        self.mask = mask.map { UnsafePointer($0.kernelPointer(as: UInt8.self)) }
        self.recurrentMask = recurrentMask.map { UnsafePointer($0.kernelPointer(as: Float.self)) }
        self.gates = saved.gates.kernelPointer(as: Float.self)
        self.previousHidden = saved.previousHidden.kernelPointer(as: Float.self)
        self.droppedHidden = saved.droppedHidden?.kernelPointer(as: Float.self)
        self.previousCell = saved.previousCell?.kernelPointer(as: Float.self)
        self.activatedCell = saved.activatedCell?.kernelPointer(as: Float.self)
    }
}
