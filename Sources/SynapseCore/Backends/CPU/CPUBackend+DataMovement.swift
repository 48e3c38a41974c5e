/// Strided copies (slicing, permutation, broadcasting, concatenation) and
/// index selection.
extension CPUBackend {
    func stridedRead(_ source: TensorStorage, dtype: DType, offset: Int, strides: [Int], shape: [Int]) -> TensorStorage {
        let count = Shape.elementCount(shape)
        let result = allocate(byteCount: count * dtype.byteSize)
        func run<T>(_: T.Type) {
            let input = UnsafePointer(source.kernelPointer(as: T.self)) + offset
            let output = result.kernelPointer(as: T.self)
            let iteration = StridedIteration(shape: shape, strides: [strides])
            let rowLength = iteration.rowLength
            let step = iteration.rowStride(0)
            iteration.forEachRow { row, offsets in
                let from = input + offsets[0]
                let to = output + row * rowLength
                if step == 1 {
                    to.update(from: from, count: rowLength)
                } else {
                    for index in 0..<rowLength { to[index] = from[index * step] }
                }
            }
        }
        if count > 0 {
            switch dtype {
            case .float32: run(Float.self)
            case .float64: run(Double.self)
            case .int32: run(Int32.self)
            case .bool: run(UInt8.self)
            }
        }
        return result
    }

    func stridedWrite(_ values: TensorStorage, into destination: TensorStorage, dtype: DType, offset: Int,
                      strides: [Int], shape: [Int], accumulate: Bool) {
        precondition(!accumulate || dtype == .float32, "stridedWrite: accumulation needs float32")
        func run<T>(_: T.Type) {
            let input = UnsafePointer(values.kernelPointer(as: T.self))
            let output = destination.kernelPointer(as: T.self) + offset
            let iteration = StridedIteration(shape: shape, strides: [strides])
            let rowLength = iteration.rowLength
            let step = iteration.rowStride(0)
            // Accumulating writes may overlap (stride-0 targets); run them serially.
            if accumulate && strides.contains(0) {
                let output = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Float.self)
                let input = UnsafeRawPointer(input).assumingMemoryBound(to: Float.self)
                var index = [Int](repeating: 0, count: shape.count)
                for element in 0..<Shape.elementCount(shape) {
                    var target = 0
                    for axis in 0..<shape.count { target += index[axis] * strides[axis] }
                    output[target] += input[element]
                    var axis = shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        if index[axis] < shape[axis] { break }
                        index[axis] = 0
                        axis -= 1
                    }
                }
                return
            }
            iteration.forEachRow { row, offsets in
                let to = output + offsets[0]
                let from = input + row * rowLength
                if accumulate {
                    let to = UnsafeMutableRawPointer(to).assumingMemoryBound(to: Float.self)
                    let from = UnsafeRawPointer(from).assumingMemoryBound(to: Float.self)
                    for index in 0..<rowLength { to[index * step] += from[index] }
                } else if step == 1 {
                    to.update(from: from, count: rowLength)
                } else {
                    for index in 0..<rowLength { to[index * step] = from[index] }
                }
            }
        }
        if Shape.elementCount(shape) > 0 {
            switch dtype {
            case .float32: run(Float.self)
            case .float64: run(Double.self)
            case .int32: run(Int32.self)
            case .bool: run(UInt8.self)
            }
        }
    }

    func indexSelect(_ x: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                     geometry: ReductionGeometry) -> TensorStorage {
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        let result = allocate(byteCount: outer * indexCount * inner * dtype.byteSize)
        let index = UnsafePointer(indices.kernelPointer(as: Int32.self))
        for position in 0..<indexCount {
            let value = Int(index[position])
            if value < 0 || value >= extent {
                fatalError("gather: index \(value) at position \(position) is out of range for an axis of size \(extent)")
            }
        }
        func run<T>(_: T.Type) {
            let input = UnsafePointer(x.kernelPointer(as: T.self))
            let output = result.kernelPointer(as: T.self)
            Parallel.forRanges(outer * indexCount, minimumParallelCount: max(2, 32_768 / max(inner, 1))) { range in
                for item in range {
                    let (o, position) = (item / indexCount, item % indexCount)
                    (output + item * inner).update(from: input + (o * extent + Int(index[position])) * inner, count: inner)
                }
            }
        }
        switch dtype {
        case .float32: run(Float.self)
        case .float64: run(Double.self)
        case .int32: run(Int32.self)
        case .bool: run(UInt8.self)
        }
        return result
    }

    func indexAdd(_ gradient: TensorStorage, dtype: DType, indices: TensorStorage, indexCount: Int,
                  geometry: ReductionGeometry) -> TensorStorage {
        if dtype == .float64 {
            return float64IndexAdd(gradient, indices: indices, indexCount: indexCount, geometry: geometry)
        }
        let (outer, extent, inner) = (geometry.outer, geometry.extent, geometry.inner)
        let result = allocate(byteCount: outer * extent * inner * 4)
        let output = result.kernelPointer(as: Float.self)
        output.initialize(repeating: 0, count: outer * extent * inner)
        let input = UnsafePointer(gradient.kernelPointer(as: Float.self))
        let index = UnsafePointer(indices.kernelPointer(as: Int32.self))
        // Repeated indices add into the same row: parallel over `outer` only, and
        // each thread walks the indices in order (deterministic).
        Parallel.forRanges(outer, minimumParallelCount: max(2, 32_768 / max(indexCount * inner, 1))) { range in
            for o in range {
                for position in 0..<indexCount {
                    let to = output + (o * extent + Int(index[position])) * inner
                    let from = input + (o * indexCount + position) * inner
                    for i in 0..<inner { to[i] += from[i] }
                }
            }
        }
        return result
    }
}
