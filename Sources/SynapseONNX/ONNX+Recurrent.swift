import SynapseCore
import SynapseNN

extension ONNXExportContext {
    /// `SimpleRNN`, `LSTM`, `GRU`: the ONNX `RNN`, `LSTM`, `GRU` ops on time-major
    /// data (`Transpose` to `[time, batch, features]` and back).
    ///
    /// Weights: Keras kernels `[features, gates·units]` become `W [1, gates·units, features]`,
    /// recurrent kernels `R [1, gates·units, units]`, with the LSTM's gate blocks
    /// reordered from Keras' `i, f, c, o` to ONNX's `i, o, f, c` (the GRU's `z, r, h`
    /// is the same in both). The reset-after GRU (Keras' default) has
    /// `linear_before_reset = 1`, input bias in `Wb`, recurrent bias in `Rb`; the
    /// reset-before one `linear_before_reset = 0`, its bias in `Wb` and zeros in `Rb`.
    /// `goBackwards` is `direction = "reverse"`, whose outputs are reversed in time to
    /// Synapse's processing order when `returnSequences`.
    mutating func exportRecurrent(_ layer: RecurrentLayer) throws {
        let (y, yH) = try emitRecurrentOp([layer], owner: layer, direction: layer.goBackwards ? "reverse" : "forward",
                                          returnSequences: layer.returnSequences)
        let scope = layer.name
        if layer.returnSequences {
            var steps = graph.squeeze(y, axes: [1], scope: scope)
            if layer.goBackwards { steps = graph.reverse(steps, axis: 0, scope: scope) }
            value.name = graph.transpose(steps, [1, 0, 2], scope: scope)
        } else {
            value.name = graph.squeeze(yH, axes: [0], scope: scope)
        }
    }

    /// `Bidirectional`: one op with `direction = "bidirectional"` (the forward layer's
    /// weights first, the backward layer's second), its two directions merged as
    /// Synapse does (`concat` on the feature axis, `sum`, `mul`, `ave`).
    mutating func exportBidirectional(_ layer: Bidirectional) throws {
        let (forward, backward) = (layer.forwardLayer, layer.backwardLayer)
        guard !forward.goBackwards, backward.goBackwards else {
            throw Self.refuse(layer, "the forward layer '\(forward.name)' runs backwards (goBackwards); only the default direction is exported")
        }
        guard type(of: forward) == type(of: backward), forward.units == backward.units,
              forward.activation == backward.activation, forward.recurrentActivation == backward.recurrentActivation,
              (forward as? GRU)?.resetAfter == (backward as? GRU)?.resetAfter else {
            throw Self.refuse(layer, "its two directions differ in cell type, units, activations or resetAfter, which one ONNX op cannot hold")
        }
        let returnSequences = forward.returnSequences
        let (y, yH) = try emitRecurrentOp([forward, backward], owner: layer, direction: "bidirectional",
                                          returnSequences: returnSequences)
        let scope = layer.name
        // Directions on `axis` of [batch, time, 2, units] or [batch, 2, units].
        let (merged, axis) = returnSequences
            ? (graph.transpose(y, [2, 0, 1, 3], scope: scope), 2)
            : (graph.transpose(yH, [1, 0, 2], scope: scope), 1)
        switch layer.mergeMode {
        case .concat: value.name = graph.reshape(merged, returnSequences ? [0, 0, -1] : [0, -1], scope: scope)
        case .sum: value.name = graph.reduce("ReduceSum", merged, axes: [axis], keepDims: false, scope: scope)
        case .mul: value.name = graph.reduce("ReduceProd", merged, axes: [axis], keepDims: false, scope: scope)
        case .ave: value.name = graph.reduce("ReduceMean", merged, axes: [axis], keepDims: false, scope: scope)
        }
    }

    /// Emits one ONNX recurrent op for `layers` (one per direction) on ``value``.
    ///
    /// - Returns: `Y` `[time, directions, batch, units]` (with a forward direction's
    ///   masked steps repeating its last valid state, as Synapse's) and `Y_h`
    ///   `[directions, batch, units]`.
    private mutating func emitRecurrentOp(_ layers: [RecurrentLayer], owner: Layer, direction: String,
                                          returnSequences: Bool) throws -> (y: String, yH: String) {
        let first = layers[0]
        let (op, gateOrder, gates) = try Self.onnxCell(first, owner: owner)
        let activations = try Self.onnxActivations(first, owner: owner)
        guard value.shape.count == 2, value.shape[1] == first.kernel.shape[0] else {
            throw Self.refuse(owner, "expects inputs [time, \(first.kernel.shape[0])] per sample, got \(value.shape)")
        }
        var sequenceLengths = ""
        var validSteps: String?
        switch mask {
        case .none: break
        case .valid(let lengths, let steps): (sequenceLengths, validSteps) = (lengths, steps)
        case .unsupported(let reason): throw Self.refuse(owner, reason)
        }
        let scope = owner.name
        let (units, features) = (first.units, first.kernel.shape[0])
        toChannelsLast(scope: scope)
        var x = value.name
        if !value.isFloat {
            x = graph.node("Cast", [x], scope: scope, attributes: [("to", .int(Int(ONNXElementType.float.rawValue)))])
        }
        x = graph.transpose(x, [1, 0, 2], scope: scope)

        var (w, r, b): ([Float], [Float], [Float]) = ([], [], [])
        for layer in layers {
            let weights = Self.directionWeights(layer, gateOrder: gateOrder)
            w += weights.w
            r += weights.r
            b += weights.b
        }
        let directions = layers.count
        let weightName = directions == 1 ? first.name : owner.name
        let inputs = [x,
                      graph.floats(w, shape: [directions, gates * units, features], name: "\(weightName).W"),
                      graph.floats(r, shape: [directions, gates * units, units], name: "\(weightName).R"),
                      graph.floats(b, shape: [directions, 2 * gates * units], name: "\(weightName).B"),
                      sequenceLengths]
        var attributes: [(String, ONNXAttribute)] = [
            ("hidden_size", .int(units)),
            ("direction", .string(direction)),
            ("activations", .strings(Array((0..<directions).map { _ in activations }.joined()))),
        ]
        if let gru = first as? GRU { attributes.append(("linear_before_reset", .int(gru.resetAfter ? 1 : 0))) }
        let outputs = graph.node(op, sequenceLengths.isEmpty ? Array(inputs.prefix(4)) : inputs, scope: scope,
                                 outputCount: 2, attributes: attributes)
        var y = outputs[0]
        if returnSequences, let validSteps, direction != "reverse" {
            // ONNX zeroes a forward direction's outputs after a row's length; Synapse
            // repeats the last valid state there (it is Y_h).
            var keep = graph.unsqueeze(graph.transpose(validSteps, [1, 0], scope: scope), axes: [1, 3], scope: scope)
            if directions == 2 {
                keep = graph.node("Or", [keep, graph.bools([false, true], shape: [1, 2, 1, 1], name: "\(scope).backward_direction")],
                                  scope: scope)
            }
            y = graph.node("Where", [keep, y, graph.unsqueeze(outputs[1], axes: [0], scope: scope)], scope: scope)
        }
        return (y, outputs[1])
    }

    /// The ONNX op, the ONNX position → Keras gate block map, and the gate count.
    private static func onnxCell(_ layer: RecurrentLayer, owner: Layer) throws -> (String, [Int], Int) {
        switch layer {
        case is LSTM:
            return ("LSTM", [0, 3, 1, 2], 4)
        case is GRU:
            return ("GRU", [0, 1, 2], 3)
        case is SimpleRNN:
            return ("RNN", [0], 1)
        default:
            throw refuse(owner, "recurrent layer type \(typeName(layer)) has no ONNX op")
        }
    }

    /// The op's `activations` for one direction: RNN `[f]`, LSTM `[f, g, h]`, GRU `[f, g]`.
    private static func onnxActivations(_ layer: RecurrentLayer, owner: Layer) throws -> [String] {
        func name(_ function: ActivationFunction) throws -> String {
            switch function {
            case .tanh: "Tanh"
            case .sigmoid: "Sigmoid"
            case .relu: "Relu"
            default: throw refuse(owner, "recurrent activation '\(function)' is not exported (tanh, sigmoid and relu are)")
            }
        }
        switch layer {
        case is LSTM: return [try name(layer.recurrentActivation), try name(layer.activation), try name(layer.activation)]
        case is GRU: return [try name(layer.recurrentActivation), try name(layer.activation)]
        default: return [try name(layer.activation)]
        }
    }

    /// One direction's `W` `[gates·units, features]`, `R` `[gates·units, units]` and
    /// `B` `[Wb, Rb]` (`2·gates·units`), row-major, gate blocks in ONNX order.
    static func directionWeights(_ layer: RecurrentLayer, gateOrder: [Int]) -> (w: [Float], r: [Float], b: [Float]) {
        let units = layer.units
        let width = gateOrder.count * units
        func reordered(_ rows: [Float], rowLength: Int) -> [Float] {
            let block = units * rowLength
            return gateOrder.flatMap { rows[($0 * block)..<(($0 + 1) * block)] }
        }
        let w = reordered(layer.kernel.value.transposed().scalars, rowLength: layer.kernel.shape[0])
        let r = reordered(layer.recurrentKernel.value.transposed().scalars, rowLength: units)
        var inputBias = [Float](repeating: 0, count: width)
        var recurrentBias = [Float](repeating: 0, count: width)
        if let bias = layer.bias?.value.scalars {
            if bias.count == 2 * width {
                inputBias = Array(bias[0..<width])
                recurrentBias = Array(bias[width...])
            } else {
                inputBias = bias
            }
        }
        return (w, r, reordered(inputBias, rowLength: 1) + reordered(recurrentBias, rowLength: 1))
    }
}
