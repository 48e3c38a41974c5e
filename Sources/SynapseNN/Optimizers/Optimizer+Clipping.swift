/// Gradient clipping inside ``Optimizer/step()``: by value, then by norm.
extension Optimizer {
    /// Applies ``clipValue``, then ``clipNorm`` or ``globalClipNorm``, to the
    /// gradients of one step. Runs without gradient recording, with tensor ops only
    /// (the norms stay on the parameters' device; nothing is read back).
    func clipGradients(_ pairs: inout [(Parameter, Tensor)]) {
        if let clipValue {
            for index in pairs.indices {
                pairs[index].1 = pairs[index].1.clamped(min: -clipValue, max: clipValue)
            }
        }
        if let clipNorm {
            for index in pairs.indices {
                let gradient = pairs[index].1
                pairs[index].1 = gradient * Self.clipScale(norm: gradient.square().sum().sqrt(), limit: clipNorm)
            }
        } else if let globalClipNorm, let first = pairs.first {
            var sumOfSquares = first.1.square().sum()
            for (_, gradient) in pairs.dropFirst() { sumOfSquares = sumOfSquares + gradient.square().sum() }
            let scale = Self.clipScale(norm: sumOfSquares.sqrt(), limit: globalClipNorm)
            for index in pairs.indices { pairs[index].1 = pairs[index].1 * scale }
        }
    }

    /// `limit / max(norm, limit)`: 1 when the norm is within the limit (Keras'
    /// formula; it needs no epsilon and is exactly 1 for zero gradients).
    private static func clipScale(norm: Tensor, limit: Float) -> Tensor {
        let limitTensor = Tensor.full([], value: limit, device: norm.device)
        return limitTensor / Tensor.maximum(norm, limitTensor)
    }
}
