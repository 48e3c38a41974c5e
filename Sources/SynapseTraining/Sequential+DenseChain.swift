import SynapseCore
import SynapseNN

extension Sequential {
    /// The stack as one ``/SynapseCore/Tensor/denseChain(_:)`` call, for inference on a
    /// `[rows, features]` float32 input with gradients off: when every layer is a built `Dense` with a
    /// linear, ReLU or (last) softmax activation, or does nothing at inference (`Input`,
    /// `Dropout`), and each has run once (so its output shape is recorded). Otherwise
    /// `nil`, and the layers run one by one.
    ///
    /// `predict` and `synapse serve` take this path through ``forwardWithMask(_:mask:training:)``
    /// with `training: false`; the result is the layers' own, computed without
    /// intermediate tensors where the backend has a fused kernel (one sample on the CPU).
    ///
    /// - Parameter input: the batch, `[rows, features]`.
    /// - Returns: the model's output, or `nil` when the stack or the input does not qualify.
    func denseChainForward(_ input: Tensor) -> Tensor? {
        guard input.rank == 2, input.dtype == .float32, !GradientMode.isEnabled else { return nil }
        var chain: [DenseChainLayer] = []
        var features = input.shape[1]
        for layer in layers {
            guard layer.isBuilt, layer.outputShape != nil else { return nil }
            switch layer {
            case let input as Input:
                guard input.shape == [features] else { return nil }
            case is Dropout:
                continue
            case let dense as Dense:
                guard let kernel = dense.kernel?.value, kernel.shape[0] == features,
                      kernel.dtype == .float32, kernel.device == input.device else { return nil }
                let activation: DenseChainActivation
                switch dense.activation {
                case .linear: activation = .linear
                case .relu: activation = .relu
                case .softmax where layer === layers.last: activation = .softmax
                default: return nil
                }
                chain.append(DenseChainLayer(kernel: kernel, bias: dense.bias?.value, activation: activation))
                features = dense.units
            default:
                return nil
            }
        }
        return chain.isEmpty ? nil : input.denseChain(chain)
    }
}
