import CKernels

/// Batch normalization's kernels: per-channel statistics, the per-channel affine
/// map and the training-mode backward, each a pass of a C loop (vectorised, built
/// for AVX2 and for the baseline) over rows split between the threads. Sums are
/// accumulated in double per block of rows and the blocks' sums added in a fixed
/// order, so the result does not depend on the thread count.
extension CPUBackend {
    /// Rows per block of the reductions: the split depends on the size only.
    static let normalizationRowsPerBlock = 2048

    /// Runs `body(firstRow, rowCount, partialSums)` on blocks of rows in parallel,
    /// each block with `sumCount` zeroed double slots of its own, and returns the
    /// slots added up block by block in order.
    private func blockSums(rows: Int, sumCount: Int,
                           _ body: (Int, Int, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let blockRows = Self.normalizationRowsPerBlock
        let blocks = Swift.max(1, (rows + blockRows - 1) / blockRows)
        var partial = [Double](repeating: 0, count: blocks * sumCount)
        partial.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            Parallel.forChunks(blocks, parallel: rows * sumCount >= 32_768) { block in
                let first = block * blockRows
                body(first, Swift.min(blockRows, rows - first), base + block * sumCount)
            }
        }
        var total = [Double](repeating: 0, count: sumCount)
        for block in 0..<blocks {
            for slot in 0..<sumCount { total[slot] += partial[block * sumCount + slot] }
        }
        return total
    }

    /// Runs `body(firstRow, rowCount)` over the rows in parallel (an elementwise pass).
    private func rowPass(rows: Int, channels: Int, _ body: (Int, Int) -> Void) {
        let rowsPerUnit = Swift.max(1, 4096 / Swift.max(channels, 1))
        let units = (rows + rowsPerUnit - 1) / rowsPerUnit
        Parallel.forRanges(units, minimumParallelCount: Swift.max(1, 32_768 / (rowsPerUnit * Swift.max(channels, 1)))) {
            range in
            let first = range.lowerBound * rowsPerUnit
            let last = Swift.min(rows, range.upperBound * rowsPerUnit)
            if first < last { body(first, last - first) }
        }
    }

    func channelMoments(_ x: TensorStorage, rows: Int, channels: Int) -> (mean: TensorStorage, variance: TensorStorage) {
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let sums = blockSums(rows: rows, sumCount: channels) { first, count, sum in
            synapse_channel_sums(input + first * channels, count, channels, sum)
        }
        let meanValues = sums.map { Float($0 / Double(Swift.max(rows, 1))) }
        let deviations = meanValues.withUnsafeBufferPointer { mean in
            blockSums(rows: rows, sumCount: channels) { first, count, sum in
                synapse_channel_squared_deviations(input + first * channels, count, channels, mean.baseAddress!, sum)
            }
        }
        let varianceValues = deviations.map { Float($0 / Double(Swift.max(rows, 1))) }
        return (meanValues.withUnsafeBytes { upload($0) }, varianceValues.withUnsafeBytes { upload($0) })
    }

    func channelAffine(_ x: TensorStorage, scale: TensorStorage, shift: TensorStorage, rows: Int,
                       channels: Int) -> TensorStorage {
        let result = allocate(byteCount: rows * channels * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        let scales = UnsafePointer(scale.kernelPointer(as: Float.self))
        let shifts = UnsafePointer(shift.kernelPointer(as: Float.self))
        rowPass(rows: rows, channels: channels) { first, count in
            synapse_channel_affine(input + first * channels, count, channels, scales, shifts,
                                   output + first * channels)
        }
        return result
    }

    func batchNormalizationBackward(_ x: TensorStorage, gradient: TensorStorage, mean: TensorStorage,
                                    inverseDeviation: TensorStorage, gamma: TensorStorage?, rows: Int,
                                    channels: Int) -> (input: TensorStorage, gamma: TensorStorage, beta: TensorStorage) {
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let upstream = UnsafePointer(gradient.kernelPointer(as: Float.self))
        let means = UnsafePointer(mean.kernelPointer(as: Float.self))
        let inverse = UnsafePointer(inverseDeviation.kernelPointer(as: Float.self))
        let scales = gamma.map { UnsafePointer($0.kernelPointer(as: Float.self)) }
        // Slots 0..<channels: Σ g; channels..<2·channels: Σ g·(x − μ).
        let sums = blockSums(rows: rows, sumCount: 2 * channels) { first, count, sum in
            synapse_batch_norm_gradient_sums(input + first * channels, upstream + first * channels, count, channels,
                                             means, sum, sum + channels)
        }
        let count = Double(Swift.max(rows, 1))
        var betaGradient = [Float](repeating: 0, count: channels)
        var gammaGradient = [Float](repeating: 0, count: channels)
        // dx = p·g + q·(x − μ) + s with k = γσ⁻¹: p = k, q = −k·σ⁻¹·dγ/N, s = −k·dβ/N.
        var p = [Float](repeating: 0, count: channels)
        var q = [Float](repeating: 0, count: channels)
        var s = [Float](repeating: 0, count: channels)
        for c in 0..<channels {
            let sigmaInverse = Double(inverse[c])
            let dBeta = sums[c]
            let dGamma = sums[channels + c] * sigmaInverse
            betaGradient[c] = Float(dBeta)
            gammaGradient[c] = Float(dGamma)
            let k = Double(scales?[c] ?? 1) * sigmaInverse
            p[c] = Float(k)
            q[c] = Float(-k * sigmaInverse * dGamma / count)
            s[c] = Float(-k * dBeta / count)
        }
        let result = allocate(byteCount: rows * channels * 4)
        let output = result.kernelPointer(as: Float.self)
        p.withUnsafeBufferPointer { p in
            q.withUnsafeBufferPointer { q in
                s.withUnsafeBufferPointer { s in
                    rowPass(rows: rows, channels: channels) { first, rowCount in
                        synapse_batch_norm_input_gradient(input + first * channels, upstream + first * channels,
                                                          rowCount, channels, means, p.baseAddress!, q.baseAddress!,
                                                          s.baseAddress!, output + first * channels)
                    }
                }
            }
        }
        return (result, gammaGradient.withUnsafeBytes { upload($0) }, betaGradient.withUnsafeBytes { upload($0) })
    }
}
