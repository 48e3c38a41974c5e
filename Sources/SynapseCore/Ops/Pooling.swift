/// Max and average pooling over NHWC images.
extension Tensor {
    /// Max pooling per channel.
    ///
    /// - Parameters:
    ///   - poolSize: window (rows, columns).
    ///   - strides: defaults to the pool size (Keras).
    ///   - padding: `.valid` or `.same` (padded positions never win).
    /// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C]`.
    public func maxPool2D(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                          padding: WindowGeometry.Padding = .valid) -> Tensor {
        let geometry = poolingGeometry("maxPool2D", poolSize: poolSize, strides: strides, padding: padding)
        let (storage, indices) = backend.maxPool2D(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.outputShape, dtype: .float32)
        let argmax = Tensor(storage: indices, shape: geometry.outputShape, dtype: .int32)
        return Tensor.record(result, op: "maxPool2D", input: self) { gradient in
            let storage = gradient.backend.maxPool2DBackward(gradient.storage, indices: argmax.storage, geometry: geometry)
            return [Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)]
        }
    }

    /// Average pooling per channel; with `.same` padding, padded positions are not
    /// counted (as Keras).
    ///
    /// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C]`.
    public func averagePool2D(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                              padding: WindowGeometry.Padding = .valid) -> Tensor {
        let geometry = poolingGeometry("averagePool2D", poolSize: poolSize, strides: strides, padding: padding)
        let storage = backend.averagePool2D(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.outputShape, dtype: .float32)
        return Tensor.record(result, op: "averagePool2D", input: self) { gradient in
            let storage = gradient.backend.averagePool2DBackward(gradient.storage, geometry: geometry)
            return [Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)]
        }
    }

    private func poolingGeometry(_ op: String, poolSize: (Int, Int), strides: (Int, Int)?,
                                 padding: WindowGeometry.Padding) -> WindowGeometry {
        requireDType(.float32, op)
        require(rank == 4, "\(op): expected an NHWC input of rank 4, got shape \(Shape.describe(shape))")
        let strides = strides ?? poolSize
        require(poolSize.0 > 0 && poolSize.1 > 0 && strides.0 > 0 && strides.1 > 0,
                "\(op): pool size \(poolSize) and strides \(strides) must be positive")
        guard let geometry = WindowGeometry(inputShape: shape, window: poolSize, strides: strides, padding: padding) else {
            fatalError("\(op): a \(poolSize.0)×\(poolSize.1) pool does not fit input of shape \(Shape.describe(shape)) with 'valid' padding")
        }
        return geometry
    }
}
