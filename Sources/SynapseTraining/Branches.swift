/// Feeds one input to several layers and keeps all their outputs: the
/// several-output heads of a functional model (an encoder's mean and
/// log-variance, a classifier's class and box heads).
///
/// ``outputs(_:training:)`` returns the outputs as a list. As a plain layer (inside
/// a ``Sequential``) it returns them side by side on the last axis, which
/// ``/SynapseNN/Sampling`` and ``/SynapseCore/Tensor/split(sizes:axis:)`` take apart again.
///
/// - Shapes: `[batch, ...] → [[batch, ..., unitsᵢ]]`; as a layer
///   `[batch, ..., Σ unitsᵢ]` (the branches must agree on every other axis).
///
/// ```swift
/// let encoder = Sequential {
///     Dense(400, activation: .relu)
///     Branches(Dense(20, name: "mean"), Dense(20, name: "log_variance"))
/// }
/// let z = Sampling()(encoder(x, training: true), training: true)   // [batch, 20]
/// ```
public final class Branches: Layer {
    /// The layers applied to the input, in output order.
    public let branches: [Layer]

    /// Branches over `branches`; unnamed ones get unique names ("dense", "dense_1").
    ///
    /// - Parameters:
    ///   - branches: the layers applied to the input, in output order; at least one.
    ///   - name: a fixed name for this layer (default `nil`: "branches", made unique by the model).
    public init(_ branches: [Layer], name: String? = nil) {
        require(!branches.isEmpty, "Branches: needs at least one layer")
        var taken: Set<String> = []
        for layer in branches where !layer.hasExplicitName {
            var candidate = layer.name
            var suffix = 1
            while taken.contains(candidate) || branches.contains(where: { $0 !== layer && $0.hasExplicitName && $0.name == candidate }) {
                candidate = "\(layer.name)_\(suffix)"
                suffix += 1
            }
            layer.name = candidate
            taken.insert(candidate)
        }
        self.branches = branches
        super.init(name: name)
    }

    /// Branches over the layers listed.
    ///
    /// - Parameters:
    ///   - branches: the layers applied to the input, in output order; at least one.
    ///   - name: a fixed name for this layer (default `nil`: "branches", made unique by the model).
    public convenience init(_ branches: Layer..., name: String? = nil) {
        self.init(branches, name: name)
    }

    public override var ownParameters: [Parameter] { [] }
    public override var sublayers: [Layer] { branches }

    /// Every branch's output for `input`, in order.
    ///
    /// - Parameters:
    ///   - input: `[batch, ...]`, fed to every branch.
    ///   - training: whether dropout and batch statistics are active (default `false`).
    /// - Returns: one tensor per branch, `[batch, ..., unitsᵢ]`.
    public func outputs(_ input: Tensor, training: Bool = false) -> [Tensor] {
        branches.map { $0(input, training: training) }
    }

    /// The branch outputs concatenated along the last axis.
    ///
    /// - Parameters:
    ///   - input: `[batch, ...]`, fed to every branch.
    ///   - training: whether dropout and batch statistics are active.
    /// - Returns: `[batch, ..., Σ unitsᵢ]` (the single output itself with one branch).
    public override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let parts = outputs(input, training: training)
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: parts[0].rank - 1)
    }
}
