import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// `Embedding`: the ids cast to int64 index the table with `Gather`. With
    /// `maskZero`, the mask becomes `sequence_lens` for later recurrent layers:
    /// the count of non-zero ids per row (`ReduceSum(Cast(Not(Equal(ids, 0))))`),
    /// which equals Synapse's mask for right-padded rows only.
    mutating func exportEmbedding(_ embedding: Embedding) throws {
        toChannelsLast(scope: embedding.name)
        let scope = embedding.name
        let ids = graph.node("Cast", [value.name], scope: scope, attributes: [("to", .int(Int(ONNXElementType.int64.rawValue)))])
        let table = graph.tensor(embedding.embeddings.value, name: "\(embedding.name).embeddings")
        if embedding.maskZero {
            guard value.shape.count == 1 else {
                throw Self.refuse(embedding, "maskZero is exported for token sequences [batch, time], got per-sample shape \(value.shape)")
            }
            let zero = graph.int64s([0], scalar: true)
            let steps = graph.node("Not", [graph.node("Equal", [ids, zero], scope: scope)], scope: scope)
            setMask(steps: steps, scope: scope)
        }
        value.name = graph.node("Gather", [table, ids], scope: scope, attributes: [("axis", .int(0))])
        value.isFloat = true
    }

    /// `Masking`: steps whose features all equal the mask value are zeroed and
    /// masked; the mask reaches recurrent layers as `sequence_lens` (right padding only).
    mutating func exportMasking(_ masking: Masking) throws {
        toChannelsLast(scope: masking.name)
        guard value.shape.count >= 2 else {
            throw Self.refuse(masking, "expects [batch, time, features...], got per-sample shape \(value.shape)")
        }
        let scope = masking.name
        let differs = graph.node("Not", [graph.node("Equal", [value.name, graph.floatScalar(masking.maskValue)], scope: scope)],
                                 scope: scope)
        let asFloat = graph.node("Cast", [differs], scope: scope, attributes: [("to", .int(Int(ONNXElementType.float.rawValue)))])
        let featureAxes = Array(2...value.shape.count)
        let anyDiffers = graph.reduce("ReduceMax", asFloat, axes: featureAxes, keepDims: false, scope: scope)
        var steps = graph.node("Cast", [anyDiffers], scope: scope, attributes: [("to", .int(Int(ONNXElementType.bool.rawValue)))])
        let keep = graph.node("Cast", [steps], scope: scope, attributes: [("to", .int(Int(ONNXElementType.float.rawValue)))])
        let keepShape = graph.reshape(keep, [0, 0] + Array(repeating: 1, count: value.shape.count - 1), scope: scope)
        value.name = graph.node("Mul", [value.name, keepShape], scope: scope)
        switch mask {
        case .valid(_, let previous): steps = graph.node("And", [steps, previous], scope: scope)
        case .unsupported(let reason):
            mask = .unsupported(reason)
            return
        case .none: break
        }
        setMask(steps: steps, scope: scope)
    }

    /// Sets the mask from bool steps `[batch, time]`: the lengths are their int32 counts per row.
    private mutating func setMask(steps: String, scope: String) {
        let counts = graph.node("Cast", [steps], scope: scope, attributes: [("to", .int(Int(ONNXElementType.int32.rawValue)))])
        let lengths = graph.reduce("ReduceSum", counts, axes: [1], keepDims: false, scope: scope)
        mask = .valid(lengths: lengths, steps: steps)
    }
}
