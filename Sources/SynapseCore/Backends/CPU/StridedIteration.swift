/// Iteration over an output shape with per-operand strides, the machinery behind
/// every broadcasting kernel.
///
/// The shape is first simplified (size-1 dimensions dropped, dimensions that are
/// contiguous for every operand merged), then walked as rows of the innermost
/// dimension: the kernel's inner loop sees one row with a constant stride per
/// operand, usually 1 or 0, which the compiler vectorises.
struct StridedIteration {
    /// Simplified shape; the last dimension is the row.
    let shape: [Int]
    /// Per operand, strides for `shape`.
    let strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        var mergedShape: [Int] = []
        var mergedStrides: [[Int]] = Array(repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = mergedShape.last,
               strides.indices.allSatisfy({ strides[$0][axis] * shape[axis] == mergedStrides[$0].last! }) {
                // The previous dimension steps exactly over this one for every operand.
                mergedShape[mergedShape.count - 1] = last * shape[axis]
                for operand in strides.indices {
                    mergedStrides[operand][mergedStrides[operand].count - 1] = strides[operand][axis]
                }
            } else {
                mergedShape.append(shape[axis])
                for operand in strides.indices { mergedStrides[operand].append(strides[operand][axis]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            mergedStrides = Array(repeating: [0], count: strides.count)
        }
        self.shape = mergedShape
        self.strides = mergedStrides
    }

    /// Length of one row (the innermost dimension).
    var rowLength: Int { shape[shape.count - 1] }
    /// Number of rows.
    var rowCount: Int { Shape.elementCount(shape) / rowLength }
    /// Stride of the row for each operand.
    func rowStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// Calls `body(row, offsets)` for rows `range`, where `offsets[i]` is operand `i`'s
    /// element offset of the row's first element. Parallel over rows when the total
    /// work is large.
    @inline(__always)
    func forEachRow(_ body: (_ row: Int, _ offsets: UnsafeBufferPointer<Int>) -> Void) {
        let rowCount = rowCount
        let operands = strides.count
        let outerRank = shape.count - 1
        let minimumRows = Swift.max(1, 32_768 / Swift.max(rowLength, 1))
        Parallel.forRanges(rowCount, minimumParallelCount: minimumRows) { range in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + outerRank) { buffer in
                let offsets = buffer.baseAddress!
                let index = offsets + operands
                // Decompose the first row index once, then step like an odometer.
                var remainder = range.lowerBound
                for axis in stride(from: outerRank - 1, through: 0, by: -1) {
                    index[axis] = remainder % shape[axis]
                    remainder /= shape[axis]
                }
                for operand in 0..<operands {
                    var offset = 0
                    for axis in 0..<outerRank { offset += index[axis] * strides[operand][axis] }
                    offsets[operand] = offset
                }
                for row in range {
                    body(row, UnsafeBufferPointer(start: offsets, count: operands))
                    var axis = outerRank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        for operand in 0..<operands { offsets[operand] += strides[operand][axis] }
                        if index[axis] < shape[axis] { break }
                        for operand in 0..<operands { offsets[operand] -= strides[operand][axis] * shape[axis] }
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}
