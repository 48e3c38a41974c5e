import SynapseCore
import SynapseNN

extension ONNXImportContext {
    /// Imports one node that reads the chain value and returns the name of the
    /// output that becomes the chain value.
    mutating func importNode(_ node: Onnx_NodeProto, refuse: @escaping (String) -> ONNXImportError) throws -> String {
        let attributes = ONNXImportAttributes(node: node, refuse: refuse)
        guard let output = node.output.first, !output.isEmpty else { throw refuse("it has no output") }
        let elementwise: Set = ["Relu", "Sigmoid", "Tanh", "Elu", "LeakyRelu", "Selu", "Softplus", "Softsign", "Gelu",
                                "Dropout", "Identity", "Gemm", "MatMul", "Mul", "Div"]
        if let image = value.flattenedImage, !elementwise.contains(node.opType) {
            throw refuse("it follows a Flatten of a channels-first \(image.channels)×\(image.height)×\(image.width) image; only Gemm/MatMul (whose rows are reordered), elementwise activations and Dropout may come next")
        }
        if node.opType != "Add" { awaitingBias = false }
        switch node.opType {
        case "Gemm": try importGemm(node, attributes, refuse: refuse)
        case "MatMul": try importMatMul(node, refuse: refuse)
        case "Add", "Sub", "Mul", "Div": try importArithmetic(node, refuse: refuse)
        case "Relu", "Sigmoid", "Tanh", "Elu", "LeakyRelu", "Selu", "Softplus", "Softsign", "Gelu", "Softmax", "LogSoftmax":
            try importActivation(node, attributes, refuse: refuse)
        case "Conv": try importConv(node, attributes, refuse: refuse)
        case "MaxPool", "AveragePool": try importPooling(node, attributes, refuse: refuse)
        case "GlobalMaxPool", "GlobalAveragePool": try importGlobalPooling(node, refuse: refuse)
        case "BatchNormalization": try importBatchNormalization(node, attributes, refuse: refuse)
        case "Flatten":
            guard attributes.int("axis", 1) == 1 else { throw refuse("only Flatten(axis=1) is imported") }
            try flatten(refuse: refuse)
        case "Reshape": try importReshape(node, attributes, refuse: refuse)
        case "Transpose": try importTranspose(node, attributes, refuse: refuse)
        case "Squeeze": try importSqueeze(node, attributes, refuse: refuse)
        case "Gather": try importGather(node, attributes, refuse: refuse)
        case "Cast":
            let target = attributes.int("to", 0)
            guard (target == 1 && !value.isInteger) || ([6, 7].contains(target) && value.isInteger) else {
                throw refuse("a Cast that changes the values' kind (to element type \(target)) is not imported")
            }
        case "Dropout", "Identity":
            if node.opType == "Dropout", node.input.count > 2, !node.input[2].isEmpty {
                guard let training = constants[node.input[2]], training.integers.allSatisfy({ $0 == 0 }) else {
                    throw refuse("Dropout in training mode is not imported")
                }
            }
        case "LSTM", "GRU", "RNN": return try importRecurrent(node, attributes, refuse: refuse)
        default:
            throw refuse("no Synapse layer for this op (see Sequential.importONNX for the ops imported)")
        }
        return output
    }

    // MARK: Helpers

    /// Input `index` of `node` as a constant.
    func constantInput(_ node: Onnx_NodeProto, _ index: Int, refuse: (String) -> ONNXImportError) throws -> ONNXConstant {
        guard index < node.input.count, !node.input[index].isEmpty else { throw refuse("input \(index) is missing") }
        let name = node.input[index]
        if let constant = constants[name] { return constant }
        if name == value.name { throw refuse("input \(index) must be a constant, not the chain value") }
        throw refuse("input \(index) ('\(name)') is computed at run time; the importer needs a constant (an initializer or a Constant node)")
    }

    /// Appends a layer.
    mutating func append(_ layer: ONNXImportedLayer) {
        layers.append(layer)
        recurrentSequenceOpen = false
    }

    /// The ONNX axis `axis` (negative counts from the end) in `0..<rank`.
    func normalizedAxis(_ axis: Int, rank: Int, refuse: (String) -> ONNXImportError) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(normalized) else { throw refuse("axis \(axis) is outside a tensor of rank \(rank)") }
        return normalized
    }

    /// Checks that the chain value has per-sample rank `rank` and no extra axis.
    func requireRank(_ rank: Int, _ what: String, refuse: (String) -> ONNXImportError) throws {
        guard value.extraAxis == nil, value.shape.count == rank else {
            throw refuse("expects \(what), got a value of per-sample shape \(value.onnxShape)")
        }
    }

    // MARK: Dense

    /// `Gemm` (`A · B + C`, `B` transposed with `transB`): a `Dense` layer.
    private mutating func importGemm(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                     refuse: (String) -> ONNXImportError) throws {
        guard node.input.first == value.name else { throw refuse("the chain value must be input A") }
        guard attributes.int("transA", 0) == 0 else { throw refuse("transA = 1 is not imported") }
        try requireRank(1, "[batch, features]", refuse: refuse)
        let b = try constantInput(node, 1, refuse: refuse)
        guard b.shape.count == 2 else { throw refuse("B must be a matrix, got shape \(b.shape)") }
        var kernel = Tensor(b.floats, shape: b.shape)
        if attributes.int("transB", 0) != 0 { kernel = Tensor(kernel.transposed().scalars, shape: [b.shape[1], b.shape[0]]) }
        let alpha = attributes.float("alpha", 1)
        if alpha != 1 { kernel = Tensor(kernel.scalars.map { $0 * alpha }, shape: kernel.shape) }
        var bias: Tensor?
        if node.input.count > 2, !node.input[2].isEmpty {
            let c = try constantInput(node, 2, refuse: refuse)
            let beta = attributes.float("beta", 1)
            let units = kernel.shape[1]
            let values: [Float]
            if c.count == units, c.shape.filter({ $0 != 1 }).count <= 1 {
                values = c.floats
            } else if c.count == 1 {
                values = Array(repeating: c.floats[0], count: units)
            } else {
                throw refuse("C of shape \(c.shape) is not a bias of \(units) units")
            }
            bias = Tensor(values.map { $0 * beta }, shape: [units])
        }
        try appendDense(kernel: kernel, bias: bias, refuse: refuse)
    }

    /// `MatMul` by a constant `[in, out]`: a `Dense` layer without bias (a following `Add` gives it one).
    private mutating func importMatMul(_ node: Onnx_NodeProto, refuse: (String) -> ONNXImportError) throws {
        guard node.input.first == value.name else { throw refuse("the chain value must be the left operand") }
        let b = try constantInput(node, 1, refuse: refuse)
        guard b.shape.count == 2 else { throw refuse("the right operand must be a matrix, got shape \(b.shape)") }
        guard value.extraAxis == nil, value.permutation.last == value.shape.count else {
            throw refuse("the last axis of the value is not its feature axis (layout \(value.permutation))")
        }
        try appendDense(kernel: Tensor(b.floats, shape: b.shape), bias: nil, refuse: refuse)
        awaitingBias = true
    }

    /// Appends a `Dense` layer, reordering the kernel's rows after a channels-first `Flatten`.
    private mutating func appendDense(kernel: Tensor, bias: Tensor?, refuse: (String) -> ONNXImportError) throws {
        let (inputs, units) = (kernel.shape[0], kernel.shape[1])
        guard value.shape.last == inputs else {
            throw refuse("the kernel [\(inputs), \(units)] does not fit inputs with \(value.shape.last ?? 0) features")
        }
        guard units > 0, units <= ONNXImportLimits.maxDimension else { throw refuse("\(units) units is outside 1...\(ONNXImportLimits.maxDimension)") }
        guard ONNXImportLimits.product(value.shape.dropLast() + [inputs, units], limit: ONNXImportLimits.maxMultiplyAdds) != nil else {
            throw refuse("it needs more than \(ONNXImportLimits.maxMultiplyAdds) multiply-adds per sample")
        }
        var kernel = kernel
        if let image = value.flattenedImage {
            kernel = Tensor(Self.channelsLastRows(kernel.scalars, image: image, units: units), shape: [inputs, units])
            value.flattenedImage = nil
        }
        append(.dense(kernel: kernel, bias: bias, activation: .linear))
        value.shape[value.shape.count - 1] = units
    }

    /// Reorders a kernel's rows from `(c, h, w)` to `(h, w, c)` order.
    static func channelsLastRows(_ rows: [Float], image: (height: Int, width: Int, channels: Int), units: Int) -> [Float] {
        let (h, w, c) = image
        var result = [Float](repeating: 0, count: rows.count)
        for y in 0..<h {
            for x in 0..<w {
                for channel in 0..<c {
                    let from = ((channel * h + y) * w + x) * units
                    let to = ((y * w + x) * c + channel) * units
                    result[to..<(to + units)] = rows[from..<(from + units)]
                }
            }
        }
        return result
    }

    /// `Add` of a bias after `MatMul`; scalar `Add`, `Sub`, `Mul`, `Div` as `Rescaling`.
    private mutating func importArithmetic(_ node: Onnx_NodeProto, refuse: (String) -> ONNXImportError) throws {
        guard node.input.count == 2, node.input[0] != node.input[1] else { throw refuse("expects two different inputs") }
        let chainFirst = node.input[0] == value.name
        let operand = try constantInput(node, chainFirst ? 1 : 0, refuse: refuse)
        if node.opType == "Add", awaitingBias, case .dense(let kernel, nil, .linear)? = layers.last,
           operand.count == kernel.shape[1], operand.shape.filter({ $0 != 1 }).count <= 1, operand.shape.count <= value.onnxRank {
            layers[layers.count - 1] = .dense(kernel: kernel, bias: Tensor(operand.floats, shape: [operand.count]), activation: .linear)
            awaitingBias = false
            return
        }
        guard operand.count == 1, let scalar = operand.floats.first, scalar.isFinite else {
            throw refuse("only a bias after MatMul or a finite scalar operand is imported, got a constant of shape \(operand.shape)")
        }
        var (scale, offset): (Float, Float) = (1, 0)
        if case .rescaling(let s, let o)? = layers.last { (scale, offset) = (s, o); layers.removeLast() }
        switch node.opType {
        case "Add": offset += scalar
        case "Sub" where chainFirst: offset -= scalar
        case "Mul": (scale, offset) = (scale * scalar, offset * scalar)
        case "Div" where chainFirst && scalar != 0: (scale, offset) = (scale / scalar, offset / scalar)
        default: throw refuse("only x − c and x / c (c ≠ 0) are imported")
        }
        append(.rescaling(scale: scale, offset: offset))
    }

    // MARK: Activations

    /// An activation op: folded into a preceding `Dense`/`Conv2D` without activation, else an `Activation` layer.
    private mutating func importActivation(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                           refuse: (String) -> ONNXImportError) throws {
        let function: ActivationFunction
        switch node.opType {
        case "Relu": function = .relu
        case "Sigmoid": function = .sigmoid
        case "Tanh": function = .tanh
        case "Softplus": function = .softplus
        case "Softsign": function = .softsign
        case "Elu": function = .elu(alpha: attributes.float("alpha", 1))
        case "LeakyRelu": function = .leakyRelu(alpha: attributes.float("alpha", 0.01))
        case "Selu":
            let alpha = attributes.float("alpha", 1.67326319217681884765625)
            let gamma = attributes.float("gamma", 1.05070102214813232421875)
            guard abs(alpha - 1.6732632) < 1e-5, abs(gamma - 1.0507010) < 1e-5 else {
                throw refuse("SELU with alpha \(alpha), gamma \(gamma) differs from Synapse's fixed constants")
            }
            function = .selu
        case "Gelu":
            switch attributes.string("approximate", "none") {
            case "none": function = .gelu(approximate: false)
            case "tanh": function = .gelu(approximate: true)
            case let other: throw refuse("approximate = '\(other)' is not imported")
            }
        default: // Softmax, LogSoftmax
            let rank = value.onnxRank
            let axis = try normalizedAxis(attributes.int("axis", opset >= 13 ? -1 : 1), rank: rank, refuse: refuse)
            guard value.extraAxis == nil, value.permutation[axis] == value.shape.count, opset >= 13 || axis == rank - 1 else {
                throw refuse("\(node.opType) over axis \(axis) is not over the feature (last Synapse) axis")
            }
            function = node.opType == "Softmax" ? .softmax : .logSoftmax
        }
        if case .elu(let alpha) = function, !alpha.isFinite { throw refuse("alpha must be finite") }
        if case .leakyRelu(let alpha) = function, !alpha.isFinite { throw refuse("alpha must be finite") }
        switch layers.last {
        case .dense(let kernel, let bias, .linear)?:
            layers[layers.count - 1] = .dense(kernel: kernel, bias: bias, activation: function)
        case .conv2D(let kernel, let bias, let strides, let dilation, let padding, .linear)?:
            layers[layers.count - 1] = .conv2D(kernel: kernel, bias: bias, strides: strides, dilation: dilation,
                                               padding: padding, activation: function)
        default:
            append(.activation(function))
        }
    }

    // MARK: Normalization

    /// `BatchNormalization` in inference mode over the feature axis.
    private mutating func importBatchNormalization(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                                   refuse: (String) -> ONNXImportError) throws {
        guard node.input.first == value.name else { throw refuse("the chain value must be input X") }
        guard attributes.int("training_mode", 0) == 0 else { throw refuse("training_mode = 1 is not imported") }
        guard value.extraAxis == nil, value.permutation.count >= 2, value.permutation[1] == value.shape.count else {
            throw refuse("ONNX axis 1 is not the feature (last Synapse) axis here (layout \(value.permutation))")
        }
        let epsilon = attributes.float("epsilon", 1e-5)
        guard epsilon > 0, epsilon.isFinite else { throw refuse("epsilon must be positive, got \(epsilon)") }
        let channels = value.shape[value.shape.count - 1]
        var tensors: [Tensor] = []
        for index in 1...4 {
            let constant = try constantInput(node, index, refuse: refuse)
            guard constant.count == channels, constant.shape.count == 1 else {
                throw refuse("input \(index) has shape \(constant.shape); \(channels) channels need [\(channels)]")
            }
            tensors.append(Tensor(constant.floats, shape: [channels]))
        }
        append(.batchNormalization(epsilon: epsilon, gamma: tensors[0], beta: tensors[1], mean: tensors[2], variance: tensors[3]))
    }

    // MARK: Layout and shape

    /// `Flatten` to `[batch, features]`: remembers a channels-first image's row order for the next `Dense`.
    mutating func flatten(refuse: (String) -> ONNXImportError) throws {
        guard value.extraAxis == nil else { throw refuse("cannot flatten a value with a direction axis") }
        if value.shape.count <= 1 { return }
        var image: (height: Int, width: Int, channels: Int)?
        if value.isChannelsFirstImage {
            let (h, w, c) = (value.shape[0], value.shape[1], value.shape[2])
            if h * w > 1 && c > 1 { image = (h, w, c) }
        } else if !value.isIdentityLayout {
            throw refuse("flattening a value of layout \(value.permutation) is not imported")
        }
        var count = 1
        for size in value.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= ONNXImportLimits.maxTensorElements else { throw refuse("the flattened size is too large") }
            count = product
        }
        append(.flatten)
        value.shape = [count]
        value.permutation = [0, 1]
        value.flattenedImage = image
    }

    /// `Reshape` to a constant shape whose first entry is the batch (`0` or `-1`).
    private mutating func importReshape(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                        refuse: (String) -> ONNXImportError) throws {
        guard node.input.first == value.name else { throw refuse("the chain value must be the data input") }
        let target: ONNXConstant
        if node.input.count > 1, let symbolic = symbolicShapes[node.input[1]], symbolic.count >= 1,
           symbolic[0] == nil, symbolic.dropFirst().allSatisfy({ $0 != nil }) {
            // [batch, known...] from the chain value's own shape: the batch entry copies (0).
            let entries = [0] + symbolic.dropFirst().map { $0 ?? 0 }
            target = ONNXConstant(shape: [entries.count], floats: entries.map { Float($0) }, integers: entries, isInteger: true)
        } else {
            target = try constantInput(node, 1, refuse: refuse)
        }
        guard target.isInteger, target.shape.count == 1, (1...ONNXImportLimits.maxRank).contains(target.count) else {
            throw refuse("the shape must be a constant int64 vector, got shape \(target.shape)")
        }
        guard value.extraAxis == nil else { throw refuse("reshaping a value with a direction axis is not imported") }
        let entries = target.integers
        guard entries[0] == 0 || entries[0] == -1 else {
            throw refuse("the first entry of the shape \(entries) must keep the batch (0 or -1)")
        }
        let source = value.onnxShape
        var count = 1
        for size in value.shape { count = count.multipliedReportingOverflow(by: size).partialValue }
        var perSample: [Int] = []
        var inferred: Int?
        for (index, entry) in entries.enumerated().dropFirst() {
            switch entry {
            case 0:
                guard attributes.int("allowzero", 0) == 0, index - 1 < source.count else { throw refuse("a 0 entry has no input axis to copy") }
                perSample.append(source[index - 1])
            case -1:
                guard inferred == nil, entries[0] == 0 else { throw refuse("at most one inferred (-1) entry is allowed besides the batch") }
                inferred = perSample.count
                perSample.append(1)
            case 1...ONNXImportLimits.maxDimension:
                perSample.append(entry)
            default:
                throw refuse("shape entry \(entry) is not imported")
            }
        }
        var known = 1
        for size in perSample {
            let (product, overflow) = known.multipliedReportingOverflow(by: size)
            guard !overflow else { throw refuse("the shape \(entries) overflows") }
            known = product
        }
        if let inferred {
            guard known > 0, count % known == 0 else { throw refuse("cannot infer the -1 entry of \(entries) for \(count) values") }
            perSample[inferred] = count / known
            known = count
        }
        guard known == count else { throw refuse("the shape \(entries) does not hold \(count) values per sample") }
        if perSample.count == 1 {
            try flatten(refuse: refuse)
            return
        }
        guard value.isIdentityLayout else {
            throw refuse("reshaping a value of layout \(value.permutation) to \(perSample) is not imported (only Flatten-like reshapes of channels-first images are)")
        }
        if perSample != value.shape { append(.reshape(perSample)) }
        value.shape = perSample
        value.permutation = Array(0...perSample.count)
    }

    /// `Transpose`: only changes the recorded layout.
    private mutating func importTranspose(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                          refuse: (String) -> ONNXImportError) throws {
        let rank = value.onnxRank
        let order = attributes.ints("perm", nil) ?? Array((0..<rank).reversed())
        guard order.sorted() == Array(0..<rank) else { throw refuse("perm \(order) is not a permutation of \(rank) axes") }
        if order == Array(0..<rank) { return }
        guard value.extraAxis == nil else { throw refuse("transposing a value with a direction axis is not imported") }
        value.permutation = order.map { value.permutation[$0] }
    }

    /// `Squeeze` of a recurrent op's direction axis.
    private mutating func importSqueeze(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                        refuse: (String) -> ONNXImportError) throws {
        let axes: [Int]
        if node.input.count > 1, !node.input[1].isEmpty {
            axes = try constantInput(node, 1, refuse: refuse).integers
        } else if let listed = attributes.ints("axes", nil) {
            axes = listed
        } else {
            throw refuse("a Squeeze without axes is not imported")
        }
        let rank = value.onnxRank
        guard axes.count == 1, let extra = value.extraAxis, try normalizedAxis(axes[0], rank: rank, refuse: refuse) == extra else {
            throw refuse("only squeezing the direction axis of a recurrent op's output is imported")
        }
        value.extraAxis = nil
    }

    /// `Gather`: an `Embedding` (table constant, ids the chain value), or the last
    /// time step of a recurrent layer's sequence, or a recurrent op's single direction.
    private mutating func importGather(_ node: Onnx_NodeProto, _ attributes: ONNXImportAttributes,
                                       refuse: (String) -> ONNXImportError) throws {
        guard node.input.count == 2 else { throw refuse("expects two inputs") }
        if node.input[1] == value.name {
            let table = try constantInput(node, 0, refuse: refuse)
            guard attributes.int("axis", 0) == 0, table.shape.count == 2, !table.isInteger,
                  table.shape[0] > 0, table.shape[1] > 0 else {
                throw refuse("an embedding needs a float table [vocabulary, dimension] gathered on axis 0, got shape \(table.shape)")
            }
            guard value.isInteger, value.isIdentityLayout else { throw refuse("the indices must be the integer model input") }
            append(.embedding(table: Tensor(table.floats, shape: table.shape)))
            value.shape.append(table.shape[1])
            value.permutation = Array(0...value.shape.count)
            value.isInteger = false
            return
        }
        let index = try constantInput(node, 1, refuse: refuse)
        guard index.shape.isEmpty, let position = index.integers.first else {
            throw refuse("only a scalar index is imported, got indices of shape \(index.shape)")
        }
        let axis = try normalizedAxis(attributes.int("axis", 0), rank: value.onnxRank, refuse: refuse)
        if let extra = value.extraAxis {
            guard axis == extra, position == 0 || position == -1 else { throw refuse("only the single direction of a recurrent op's output may be gathered") }
            value.extraAxis = nil
            return
        }
        guard recurrentSequenceOpen, value.permutation[axis] == 1, case .recurrent(var weights)? = layers.last else {
            throw refuse("only the last time step of an LSTM/GRU/RNN sequence may be gathered")
        }
        let steps = value.shape[0]
        guard position == -1 || position == steps - 1 else {
            throw refuse("gathering time step \(position) of \(steps) is not imported (only the last step is)")
        }
        weights.returnSequences = false
        layers[layers.count - 1] = .recurrent(weights)
        recurrentSequenceOpen = false
        value.shape.removeFirst()
        value.permutation = value.permutation.enumerated().filter { $0.offset != axis }.map { $0.element > 1 ? $0.element - 1 : $0.element }
    }
}
