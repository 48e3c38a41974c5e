/// Moving tensors between devices.
extension Tensor {
    /// This tensor on `device`: the same values, copied through the backends (a
    /// download from the source device into host memory and an upload to the
    /// target). Returns `self` when it is already there.
    ///
    /// Differentiable: the gradient moves back to the source device.
    ///
    /// ```swift
    /// let x = Tensor([1, 2, 3]).to(.isolated)
    /// let y = (x * 2).to(.cpu)
    /// ```
    ///
    /// - Parameter target: the device to move to; must be available.
    /// - Returns: a tensor on `target` with this tensor's shape and dtype.
    public func to(_ target: Device) -> Tensor {
        if target == device { return self }
        let byteCount = scalarCount * dtype.byteSize
        let targetBackend = Backends.backend(for: target)
        let storage: TensorStorage
        if device == .cpu {
            storage = targetBackend.upload(UnsafeRawBufferPointer(start: self.storage.pointer(as: UInt8.self), count: byteCount))
        } else if target == .cpu {
            storage = targetBackend.allocate(byteCount: byteCount)
            backend.download(self.storage, into: UnsafeMutableRawBufferPointer(start: storage.pointer(as: UInt8.self), count: byteCount))
        } else {
            let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
            defer { staging.deallocate() }
            let bytes = UnsafeMutableRawBufferPointer(rebasing: staging[0..<byteCount])
            backend.download(self.storage, into: bytes)
            storage = targetBackend.upload(UnsafeRawBufferPointer(bytes))
        }
        let result = Tensor(storage: storage, shape: shape, dtype: dtype)
        let source = device
        return Tensor.record(result, op: "to(\(target))", input: self) { gradient in [gradient.to(source)] }
    }

    /// This tensor with `dtype` on `device` (a conversion and a move, in the order
    /// that moves fewer bytes).
    ///
    /// - Parameters:
    ///   - device: the target device.
    ///   - dtype: the target element type.
    public func to(_ device: Device, dtype: DType) -> Tensor {
        dtype.byteSize < self.dtype.byteSize ? to(dtype).to(device) : to(device).to(dtype)
    }
}
