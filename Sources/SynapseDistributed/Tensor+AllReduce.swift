import SynapseCore

/// Summing a tensor across the ranks of a ``Communicator``.
extension Tensor {
    /// The sum of this tensor over all ranks of `communicator`, on every rank
    /// (differentiable: the gradient is summed over the ranks the same way, as each
    /// rank's loss depends on every rank's input). Synchronised batch normalisation
    /// sums its statistics with it.
    ///
    /// Every rank must call it at the same point with a tensor of the same shape.
    ///
    /// - Parameter communicator: the ranks to sum over.
    /// - Returns: a float32 tensor of this shape on this tensor's device.
    public func allReducedSum(over communicator: any Communicator) -> Tensor {
        require(dtype == .float32, "allReducedSum: only float32 tensors are reduced, got \(dtype)")
        let buffer = ReductionBuffer(count: scalarCount)
        copyElements(into: buffer.rawBytes(at: 0, count: scalarCount))
        do { try communicator.startAllReduceSum(buffer).wait() } catch {
            Distributed.abort("allReducedSum: \(error)")
        }
        let result = Tensor(buffer.values, shape: shape, device: device)
        return Tensor.recordUnary(result, op: "allReducedSum", input: self) { gradient in
            gradient.allReducedSum(over: communicator)
        }
    }
}
