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
        guard Tensor.needsRecording(self) else { return result }
        let argmax = Tensor(storage: indices, shape: geometry.outputShape, dtype: .int32)
        return Tensor.record(result, op: "maxPool2D", input: self) { gradient in
            [gradient.maxPoolScatter(argmax, geometry: geometry)]
        }
    }

    /// The backward pass of max pooling as a primitive: each output gradient goes to
    /// the input position that held the maximum (`argmax`: flat indices into the
    /// whole input batch, −1 for a window with no pixel). Its vector-Jacobian product
    /// picks the incoming gradient at the same positions.
    func maxPoolScatter(_ argmax: Tensor, geometry: WindowGeometry) -> Tensor {
        let storage = backend.maxPool2DBackward(self.storage, indices: argmax.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: "maxPool2DBackward", input: self) { gradient in
            let flat = argmax.reshaped(to: [-1])
            let valid = flat .>= 0
            let safe = Tensor.where(valid, flat, flat.constant(0))
            let picked = gradient.reshaped(to: [-1]).gather(safe) * valid.to(gradient.dtype)
            return [picked.reshaped(to: geometry.outputShape)]
        }
    }

    /// Average pooling per channel; with `.same` padding, padded positions are not
    /// counted (as Keras).
    ///
    /// - Parameters:
    ///   - poolSize: window (rows, columns); default `(2, 2)`.
    ///   - strides: step between windows (rows, columns); `nil` (the default) uses the pool size (Keras).
    ///   - padding: `.valid` (the default) or `.same`.
    /// - Returns: a float32 tensor `[batch, outH, outW, C]`.
    /// - Shapes: `[batch, H, W, C] → [batch, outH, outW, C]`.
    public func averagePool2D(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                              padding: WindowGeometry.Padding = .valid) -> Tensor {
        averagePool(geometry: poolingGeometry("averagePool2D", poolSize: poolSize, strides: strides, padding: padding))
    }

    /// Average pooling over a given geometry; its vector-Jacobian product is
    /// ``averagePoolSpread(geometry:)``, and the other way round.
    func averagePool(geometry: WindowGeometry) -> Tensor {
        let storage = backend.averagePool2D(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.outputShape, dtype: .float32)
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: "averagePool2D", input: self) { gradient in
            [gradient.averagePoolSpread(geometry: geometry)]
        }
    }

    /// The backward pass of average pooling as a primitive: each output gradient
    /// spread evenly over its window. Linear, the adjoint of average pooling, whose
    /// forward pass is therefore its vector-Jacobian product.
    func averagePoolSpread(geometry: WindowGeometry) -> Tensor {
        let storage = backend.averagePool2DBackward(self.storage, geometry: geometry)
        let result = Tensor(storage: storage, shape: geometry.inputShape, dtype: .float32)
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: "averagePool2DBackward", input: self) { gradient in
            [gradient.averagePool(geometry: geometry)]
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
