import CKernels

/// Sliding-window kernels over NHWC images: im2col / col2im for convolution
/// through GEMM, and max / average pooling. Every kernel is parallel over output
/// rows or images, and channels are the innermost, contiguous loop.
extension CPUBackend {
    func im2col(_ x: TensorStorage, geometry g: WindowGeometry) -> TensorStorage {
        let result = allocate(byteCount: g.patchCount * g.patchSize * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let columns = result.kernelPointer(as: Float.self)
        let rowsPerImage = g.outputHeight
        Parallel.forRanges(g.batch * rowsPerImage, minimumParallelCount: 2) { range in
            for item in range {
                let (n, oh) = (item / rowsPerImage, item % rowsPerImage)
                for ow in 0..<g.outputWidth {
                    let row = columns + ((n * g.outputHeight + oh) * g.outputWidth + ow) * g.patchSize
                    for kh in 0..<g.windowHeight {
                        let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                        for kw in 0..<g.windowWidth {
                            let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                            let destination = row + (kh * g.windowWidth + kw) * g.channels
                            if ih >= 0 && ih < g.inputHeight && iw >= 0 && iw < g.inputWidth {
                                let source = input + ((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels
                                // A plain loop beats a memmove call for the few channels of early layers.
                                if g.channels <= 16 {
                                    for c in 0..<g.channels { destination[c] = source[c] }
                                } else {
                                    destination.update(from: source, count: g.channels)
                                }
                            } else {
                                for c in 0..<g.channels { destination[c] = 0 }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    func col2im(_ columns: TensorStorage, geometry g: WindowGeometry) -> TensorStorage {
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        let result = allocate(byteCount: g.batch * imageSize * 4)
        let output = result.kernelPointer(as: Float.self)
        let source = UnsafePointer(columns.kernelPointer(as: Float.self))
        // One image per task: patches of different images never overlap.
        Parallel.forRanges(g.batch, minimumParallelCount: 2) { range in
            for n in range {
                let image = output + n * imageSize
                image.update(repeating: 0, count: imageSize)
                for oh in 0..<g.outputHeight {
                    for ow in 0..<g.outputWidth {
                        let row = source + ((n * g.outputHeight + oh) * g.outputWidth + ow) * g.patchSize
                        for kh in 0..<g.windowHeight {
                            let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                            guard ih >= 0 && ih < g.inputHeight else { continue }
                            for kw in 0..<g.windowWidth {
                                let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                                guard iw >= 0 && iw < g.inputWidth else { continue }
                                let target = image + (ih * g.inputWidth + iw) * g.channels
                                let values = row + (kh * g.windowWidth + kw) * g.channels
                                for c in 0..<g.channels { target[c] += values[c] }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    func maxPool2D(_ x: TensorStorage, geometry g: WindowGeometry) -> (output: TensorStorage, indices: TensorStorage) {
        let count = g.batch * g.outputHeight * g.outputWidth * g.channels
        let result = allocate(byteCount: count * 4)
        let argmax = allocate(byteCount: count * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        let indices = argmax.kernelPointer(as: Int32.self)
        Parallel.forRanges(g.batch * g.outputHeight, minimumParallelCount: 2) { range in
            synapse_max_pool_rows(input, output, indices, range.lowerBound, range.upperBound, g.inputHeight,
                                  g.inputWidth, g.channels, g.outputHeight, g.outputWidth, g.windowHeight,
                                  g.windowWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
                                  g.padTop, g.padLeft)
        }
        return (result, argmax)
    }

    func maxPool2DBackward(_ gradient: TensorStorage, indices: TensorStorage, geometry g: WindowGeometry) -> TensorStorage {
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        let result = allocate(byteCount: g.batch * imageSize * 4)
        let output = result.kernelPointer(as: Float.self)
        let upstream = UnsafePointer(gradient.kernelPointer(as: Float.self))
        let index = UnsafePointer(indices.kernelPointer(as: Int32.self))
        let perImage = g.outputHeight * g.outputWidth * g.channels
        Parallel.forRanges(g.batch, minimumParallelCount: 2) { range in
            for n in range {
                (output + n * imageSize).update(repeating: 0, count: imageSize)
                for position in (n * perImage)..<((n + 1) * perImage) where index[position] >= 0 {
                    output[Int(index[position])] += upstream[position]
                }
            }
        }
        return result
    }

    func averagePool2D(_ x: TensorStorage, geometry g: WindowGeometry) -> TensorStorage {
        let count = g.batch * g.outputHeight * g.outputWidth * g.channels
        let result = allocate(byteCount: count * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
        Parallel.forRanges(g.batch * g.outputHeight, minimumParallelCount: 2) { range in
            for item in range {
                let (n, oh) = (item / g.outputHeight, item % g.outputHeight)
                for ow in 0..<g.outputWidth {
                    let sum = output + ((n * g.outputHeight + oh) * g.outputWidth + ow) * g.channels
                    sum.update(repeating: 0, count: g.channels)
                    var inside = 0
                    g.forEachInputPixel(oh: oh, ow: ow) { ih, iw in
                        inside += 1
                        let values = input + ((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels
                        for c in 0..<g.channels { sum[c] += values[c] }
                    }
                    // Padding is not counted (Keras' "same" average pooling).
                    let scale = 1 / Float(Swift.max(inside, 1))
                    for c in 0..<g.channels { sum[c] *= scale }
                }
            }
        }
        return result
    }

    func averagePool2DBackward(_ gradient: TensorStorage, geometry g: WindowGeometry) -> TensorStorage {
        let imageSize = g.inputHeight * g.inputWidth * g.channels
        let result = allocate(byteCount: g.batch * imageSize * 4)
        let output = result.kernelPointer(as: Float.self)
        let upstream = UnsafePointer(gradient.kernelPointer(as: Float.self))
        Parallel.forRanges(g.batch, minimumParallelCount: 2) { range in
            for n in range {
                let image = output + n * imageSize
                image.update(repeating: 0, count: imageSize)
                for oh in 0..<g.outputHeight {
                    for ow in 0..<g.outputWidth {
                        var inside = 0
                        g.forEachInputPixel(oh: oh, ow: ow) { _, _ in inside += 1 }
                        let scale = 1 / Float(Swift.max(inside, 1))
                        let source = upstream + ((n * g.outputHeight + oh) * g.outputWidth + ow) * g.channels
                        g.forEachInputPixel(oh: oh, ow: ow) { ih, iw in
                            let target = image + (ih * g.inputWidth + iw) * g.channels
                            for c in 0..<g.channels { target[c] += source[c] * scale }
                        }
                    }
                }
            }
        }
        return result
    }
}

extension WindowGeometry {
    /// Calls `body(ih, iw)` for every input pixel of the window at output (oh, ow)
    /// that lies inside the image.
    @inline(__always)
    func forEachInputPixel(oh: Int, ow: Int, _ body: (Int, Int) -> Void) {
        for kh in 0..<windowHeight {
            let ih = oh * strideHeight - padTop + kh * dilationHeight
            guard ih >= 0 && ih < inputHeight else { continue }
            for kw in 0..<windowWidth {
                let iw = ow * strideWidth - padLeft + kw * dilationWidth
                guard iw >= 0 && iw < inputWidth else { continue }
                body(ih, iw)
            }
        }
    }
}
