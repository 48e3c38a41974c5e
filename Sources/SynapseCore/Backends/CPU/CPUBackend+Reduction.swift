import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Reductions and row softmax.
///
/// Sums of long rows are computed in fixed 16,384-element chunks whose partial
/// sums are combined in chunk order, so the result is the same bit for bit
/// whatever the thread count and timing.
extension CPUBackend {
    static let reductionChunk = 16_384

    func reduce(_ op: ReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage {
        if dtype == .float64 { return float64Reduce(op, x, geometry: geometry) }
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        precondition(extent > 0, "reduce: empty reduction")
        let result = allocate(byteCount: outer * inner * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        if inner == 1 {
            if outer == 1 {
                output[0] = Self.reduceLongRow(op, input, extent)
            } else {
                Parallel.forRanges(outer, minimumParallelCount: max(2, 32_768 / extent)) { range in
                    for row in range { output[row] = Self.reduceRow(op, input + row * extent, extent) }
                }
            }
            return result
        }
        // Reduce across rows of `inner` contiguous values: vectorised over `inner`.
        let blockLength = 2048
        let blocksPerOuter = (inner + blockLength - 1) / blockLength
        Parallel.forRanges(outer * blocksPerOuter, minimumParallelCount: max(2, 32_768 / max(extent * min(inner, blockLength), 1))) { range in
            for item in range {
                let o = item / blocksPerOuter
                let start = (item % blocksPerOuter) * blockLength
                let length = min(blockLength, inner - start)
                let out = output + o * inner + start
                let base = input + o * extent * inner + start
                out.update(from: base, count: length)
                for r in 1..<max(extent, 1) {
                    let rowPointer = base + r * inner
                    switch op {
                    case .sum: for i in 0..<length { out[i] += rowPointer[i] }
                    case .max: for i in 0..<length { out[i] = Swift.max(out[i], rowPointer[i]) }
                    case .min: for i in 0..<length { out[i] = Swift.min(out[i], rowPointer[i]) }
                    }
                }
            }
        }
        return result
    }

    /// Full reduction of one long contiguous run, in fixed chunks (deterministic).
    private static func reduceLongRow(_ op: ReductionOp, _ input: UnsafePointer<Float>, _ count: Int) -> Float {
        let chunkCount = (count + reductionChunk - 1) / reductionChunk
        if chunkCount == 1 { return reduceRow(op, input, count) }
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: chunkCount) { partials in
            let partial = partials.baseAddress!
            Parallel.forChunks(chunkCount, parallel: count >= 65_536) { chunk in
                let start = chunk * reductionChunk
                partial[chunk] = reduceRow(op, input + start, min(reductionChunk, count - start))
            }
            return reduceRow(op, UnsafePointer(partial), chunkCount)
        }
    }

    /// Reduction of a contiguous run with four 16-lane accumulators.
    @inline(__always)
    static func reduceRow(_ op: ReductionOp, _ input: UnsafePointer<Float>, _ count: Int) -> Float {
        switch op {
        case .sum:
            return simdReduce(input, count, initial: 0, combine: { $0 + $1 }, finish: { $0.sum() }, scalar: +)
        case .max:
            return simdReduce(input, count, initial: -.infinity, combine: { pointwiseMax($0, $1) },
                              finish: { $0.max() }, scalar: { Swift.max($0, $1) })
        case .min:
            return simdReduce(input, count, initial: .infinity, combine: { pointwiseMin($0, $1) },
                              finish: { $0.min() }, scalar: { Swift.min($0, $1) })
        }
    }

    @inline(__always)
    private static func simdReduce(_ input: UnsafePointer<Float>, _ count: Int, initial: Float,
                                   combine: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>,
                                   finish: (SIMD16<Float>) -> Float,
                                   scalar: (Float, Float) -> Float) -> Float {
        let raw = UnsafeRawPointer(input)
        var acc0 = SIMD16<Float>(repeating: initial), acc1 = acc0, acc2 = acc0, acc3 = acc0
        var index = 0
        while index + 64 <= count {
            acc0 = combine(acc0, raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self))
            acc1 = combine(acc1, raw.loadUnaligned(fromByteOffset: (index + 16) * 4, as: SIMD16<Float>.self))
            acc2 = combine(acc2, raw.loadUnaligned(fromByteOffset: (index + 32) * 4, as: SIMD16<Float>.self))
            acc3 = combine(acc3, raw.loadUnaligned(fromByteOffset: (index + 48) * 4, as: SIMD16<Float>.self))
            index += 64
        }
        while index + 16 <= count {
            acc0 = combine(acc0, raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self))
            index += 16
        }
        var total = finish(combine(combine(acc0, acc1), combine(acc2, acc3)))
        while index < count {
            total = scalar(total, input[index])
            index += 1
        }
        return total
    }

    func argReduce(_ op: ArgReductionOp, _ x: TensorStorage, dtype: DType, geometry: ReductionGeometry) -> TensorStorage {
        if dtype == .float64 { return float64ArgReduce(op, x, geometry: geometry) }
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        precondition(extent > 0, "argReduce: empty reduction")
        let result = allocate(byteCount: outer * inner * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Int32.self)
        let wantsMax = op == .argmax
        Parallel.forRanges(outer * inner, minimumParallelCount: max(2, 32_768 / extent)) { range in
            for item in range {
                let (o, i) = (item / inner, item % inner)
                let base = input + o * extent * inner + i
                var best = base[0]
                var bestIndex = 0
                for r in 1..<max(extent, 1) {
                    let value = base[r * inner]
                    // The first extremum wins; NaN counts as the extremum, as in PyTorch.
                    if best.isNaN { break }
                    if value.isNaN || (wantsMax ? value > best : value < best) {
                        best = value
                        bestIndex = r
                    }
                }
                output[item] = Int32(bestIndex)
            }
        }
        return result
    }

    func softmax(_ x: TensorStorage, dtype: DType, rows: Int, columns: Int, logarithmic: Bool) -> TensorStorage {
        if dtype == .float64 { return float64Softmax(x, rows: rows, columns: columns, logarithmic: logarithmic) }
        let result = allocate(byteCount: rows * columns * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        // synapse_softmax_rows: vectorised, with an exponential of its own (a libm
        // expf call per element was a third of the Transformer epoch).
        Parallel.forRanges(rows, minimumParallelCount: max(2, 8_192 / max(columns, 1))) { range in
            synapse_softmax_rows(input + range.lowerBound * columns, output + range.lowerBound * columns,
                                 range.count, columns, logarithmic ? 1 : 0)
        }
        return result
    }

    func softmaxBackward(_ output: TensorStorage, gradient: TensorStorage, dtype: DType, rows: Int, columns: Int,
                         logarithmic: Bool) -> TensorStorage {
        let result = allocate(byteCount: rows * columns * dtype.byteSize)
        if dtype == .float64 {
            let y = UnsafePointer(output.kernelPointer(as: Double.self))
            let g = UnsafePointer(gradient.kernelPointer(as: Double.self))
            let dx = result.kernelPointer(as: Double.self)
            for row in 0..<rows {
                let base = row * columns
                var sum = 0.0
                for c in 0..<columns { sum += logarithmic ? g[base + c] : g[base + c] * y[base + c] }
                for c in 0..<columns {
                    dx[base + c] = logarithmic ? g[base + c] - exp(y[base + c]) * sum
                        : y[base + c] * (g[base + c] - sum)
                }
            }
            return result
        }
        let y = UnsafePointer(output.kernelPointer(as: Float.self))
        let g = UnsafePointer(gradient.kernelPointer(as: Float.self))
        let dx = result.kernelPointer(as: Float.self)
        Parallel.forRanges(rows, minimumParallelCount: max(2, 8_192 / max(columns, 1))) { range in
            synapse_softmax_backward_rows(y + range.lowerBound * columns, g + range.lowerBound * columns,
                                          dx + range.lowerBound * columns, range.count, columns, logarithmic ? 1 : 0)
        }
        return result
    }
}
