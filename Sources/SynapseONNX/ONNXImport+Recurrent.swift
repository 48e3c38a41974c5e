import SynapseCore
import SynapseNN

extension ONNXImportContext {
    /// `LSTM`, `GRU`, `RNN` (layout 0, time-major input, one forward or reverse
    /// direction): a Synapse recurrent layer.
    ///
    /// Weights: `W [1, gates·units, features]` becomes the kernel `[features, gates·units]`,
    /// `R` the recurrent kernel, with the LSTM's gate blocks reordered from ONNX's
    /// `i, o, f, c` to Keras' `i, f, c, o` (the GRU's `z, r, h` is the same in both).
    /// The LSTM's and RNN's two biases `Wb + Rb` are summed; the GRU keeps them as
    /// `[2, 3·units]` with `linear_before_reset = 1` (Keras' reset-after form), and
    /// sums them with `linear_before_reset = 0` (the reset-before GRU, whose one bias
    /// adds both inside every gate).
    /// Initial states must be absent or zeros (PyTorch writes `ConstantOfShape` zeros).
    ///
    /// - Returns: the output that continues the chain: `Y` (`returnSequences`),
    ///   whose direction axis a `Squeeze` removes next, or `Y_h`.
    mutating func importRecurrent(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                  refuse: (String) -> ONNXImportError) throws -> String {
        guard node.input.first == value.name else { throw refuse("the chain value must be input X") }
        guard attributes.int("layout", 0) == 0 else { throw refuse("layout = 1 (batch-major) is not imported") }
        guard value.extraAxis == nil, value.shape.count == 2, value.permutation == [1, 0, 2] else {
            throw refuse("expects a time-major sequence [time, batch, features] (a Transpose of a batch-first input), got layout \(value.permutation) of per-sample shape \(value.shape)")
        }
        let (steps, features) = (value.shape[0], value.shape[1])
        let cell: ONNXRecurrentWeights.Cell
        let kerasToONNX: [Int]
        switch node.opType {
        case "LSTM": (cell, kerasToONNX) = (.lstm, [0, 2, 3, 1])
        case "GRU": (cell, kerasToONNX) = (.gru, [0, 1, 2])
        default: (cell, kerasToONNX) = (.simpleRNN, [0])
        }
        let gates = kerasToONNX.count
        let direction = attributes.string("direction", "forward")
        guard direction == "forward" || direction == "reverse" else {
            throw refuse("direction '\(direction)' is not imported (forward and reverse are)")
        }
        guard !attributes.has("clip") else { throw refuse("cell clipping (clip) is not imported") }
        guard attributes.int("input_forget", 0) == 0 else { throw refuse("input_forget = 1 is not imported") }
        guard !attributes.has("activation_alpha"), !attributes.has("activation_beta") else {
            throw refuse("activation_alpha/activation_beta are not imported")
        }
        let linearBeforeReset = attributes.int("linear_before_reset", 0)
        guard cell != .gru || [0, 1].contains(linearBeforeReset) else {
            throw refuse("linear_before_reset must be 0 or 1, got \(linearBeforeReset)")
        }
        let defaults = cell == .lstm ? ["Sigmoid", "Tanh", "Tanh"] : cell == .gru ? ["Sigmoid", "Tanh"] : ["Tanh"]
        let names = attributes.strings("activations") ?? defaults
        guard names.count == defaults.count else { throw refuse("expected \(defaults.count) activations, got \(names)") }
        let functions = try names.map { name -> ActivationFunction in
            switch name.lowercased() {
            case "sigmoid": return .sigmoid
            case "tanh": return .tanh
            case "relu": return .relu
            default: throw refuse("recurrent activation '\(name)' is not imported (Sigmoid, Tanh and Relu are)")
            }
        }
        if cell == .lstm, functions[1] != functions[2] { throw refuse("an LSTM whose g and h activations differ is not imported") }

        let w = try constantInput(node, 1, refuse: refuse)
        let r = try constantInput(node, 2, refuse: refuse)
        guard w.shape.count == 3, w.shape[0] == 1, w.shape[2] == features, w.shape[1] % gates == 0, w.shape[1] > 0 else {
            throw refuse("W has shape \(w.shape); expected [1, \(gates)·units, \(features)]")
        }
        let units = w.shape[1] / gates
        guard attributes.int("hidden_size", units) == units else { throw refuse("hidden_size differs from W's \(units) units") }
        guard units <= ONNXImportLimits.maxDimension else { throw refuse("\(units) units is too many") }
        guard r.shape == [1, gates * units, units] else { throw refuse("R has shape \(r.shape); expected [1, \(gates * units), \(units)]") }
        guard ONNXImportLimits.product([steps, gates * units, features + units], limit: ONNXImportLimits.maxMultiplyAdds) != nil else {
            throw refuse("it needs more than \(ONNXImportLimits.maxMultiplyAdds) multiply-adds per sample")
        }
        var bias = [Float](repeating: 0, count: 2 * gates * units)
        if node.input.count > 3, !node.input[3].isEmpty {
            let b = try constantInput(node, 3, refuse: refuse)
            guard b.shape == [1, 2 * gates * units] else { throw refuse("B has shape \(b.shape); expected [1, \(2 * gates * units)]") }
            bias = b.floats
        }
        if node.input.count > 4, !node.input[4].isEmpty { throw refuse("sequence_lens is not imported") }
        for index in node.input.indices where (5...6).contains(index) && !node.input[index].isEmpty {
            let name = node.input[index]
            if zeroFilled.contains(name) { continue }
            guard let state = constants[name], state.floats.allSatisfy({ $0 == 0 }) else {
                throw refuse("input \(index) (an initial state) must be absent or zeros")
            }
        }
        if node.input.count > 7, !node.input[7].isEmpty { throw refuse("peephole weights (P) are not imported") }

        // Which output continues the chain.
        let used = node.output.enumerated().filter { !$0.element.isEmpty && consumers[$0.element, default: 0] > 0 }
        guard used.count == 1, let (slot, output) = used.first, slot < 2 else {
            throw refuse("exactly one of Y and Y_h must be used (found outputs \(used.map(\.offset)) in use)")
        }
        let returnSequences = slot == 0
        if returnSequences, direction == "reverse" {
            throw refuse("the sequence output Y of a reverse op is not imported (Y_h is)")
        }

        // Weights in Keras' layout and gate order.
        func kerasMatrix(_ values: [Float], columns: Int) -> Tensor {
            // values: [gates·units, columns] ONNX order → [columns, gates·units] Keras order.
            var result = [Float](repeating: 0, count: columns * gates * units)
            for (kerasGate, onnxGate) in kerasToONNX.enumerated() {
                for unit in 0..<units {
                    let row = onnxGate * units + unit
                    let column = kerasGate * units + unit
                    for c in 0..<columns { result[c * gates * units + column] = values[row * columns + c] }
                }
            }
            return Tensor(result, shape: [columns, gates * units])
        }
        func kerasBias(_ values: ArraySlice<Float>) -> [Float] {
            let base = values.startIndex
            return kerasToONNX.flatMap { values[(base + $0 * units)..<(base + ($0 + 1) * units)] }
        }
        let inputBias = kerasBias(bias[0..<(gates * units)])
        let recurrentBias = kerasBias(bias[(gates * units)...])
        let biasTensor = cell == .gru && linearBeforeReset == 1
            ? Tensor(inputBias + recurrentBias, shape: [2, gates * units])
            : Tensor(zip(inputBias, recurrentBias).map { $0 + $1 }, shape: [gates * units])
        let weights = ONNXRecurrentWeights(
            cell: cell, kernel: kerasMatrix(w.floats, columns: features), recurrentKernel: kerasMatrix(r.floats, columns: units),
            bias: biasTensor, activation: cell == .simpleRNN ? functions[0] : functions[1],
            recurrentActivation: cell == .simpleRNN ? .sigmoid : functions[0],
            returnSequences: returnSequences, goBackwards: direction == "reverse")
        append(.recurrent(weights))
        if returnSequences {
            // Y: [time, 1, batch, units].
            value.shape = [steps, units]
            value.permutation = [1, 0, 2]
            value.extraAxis = 1
            recurrentSequenceOpen = true
        } else {
            // Y_h: [1, batch, units].
            value.shape = [units]
            value.permutation = [0, 1]
            value.extraAxis = 0
        }
        return output
    }
}
