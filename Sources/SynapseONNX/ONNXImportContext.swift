import Foundation
import SynapseCore
import SynapseNN
import SynapseTraining

/// The value flowing along the chain while a graph is imported.
///
/// The ONNX tensor equals the Synapse tensor (batch first, channels last) with its
/// axes permuted by ``permutation``, plus, when ``extraAxis`` is set, one size-1
/// axis Synapse does not have (the direction axis of a recurrent op's outputs).
struct ONNXImportValue {
    /// The ONNX value name.
    var name: String
    /// The per-sample shape in Synapse's layout.
    var shape: [Int]
    /// ONNX axis `i` is Synapse axis `permutation[i]` (batch is Synapse axis 0).
    var permutation: [Int]
    /// The ONNX axis of size 1 that Synapse lacks, if any.
    var extraAxis: Int?
    /// Whether the values are integers (token ids).
    var isInteger: Bool
    /// After a `Flatten` of a channels-first image `[h, w, c]`: the next `Dense`
    /// kernel's rows come in `(c, h, w)` order and are reordered.
    var flattenedImage: (height: Int, width: Int, channels: Int)?

    /// The ONNX rank (batch and any extra axis included).
    var onnxRank: Int { permutation.count + (extraAxis == nil ? 0 : 1) }
    /// Whether ONNX and Synapse agree on the layout.
    var isIdentityLayout: Bool { extraAxis == nil && permutation == Array(0..<permutation.count) }
    /// Whether the value is an NCHW image (Synapse `[h, w, c]`).
    var isChannelsFirstImage: Bool { extraAxis == nil && shape.count == 3 && permutation == [0, 3, 1, 2] }
    /// The per-sample ONNX shape of the axes after batch, in ONNX order (extra axis excluded).
    var onnxShape: [Int] {
        let full = [0] + shape
        return permutation.map { full[$0] }
    }
}

/// The state of an import in progress: the graph's constants, the chain value and
/// the layers recognised so far.
struct ONNXImportContext {
    let model: Onnx_ModelProto
    let graph: Onnx_GraphProto
    /// The opset of the default domain.
    let opset: Int
    /// Initializers and `Constant` outputs.
    var constants: [String: ONNXConstant] = [:]
    /// Values computed from shapes only (`Shape`, `ConstantOfShape`, ...), never part of the chain.
    var auxiliary: Set<String> = []
    /// Auxiliary values known to be all zeros (`ConstantOfShape` of 0): recurrent initial states.
    var zeroFilled: Set<String> = []
    /// Shape arithmetic the importer follows (PyTorch's `x.view(x.size(0), -1)`):
    /// integer vectors whose `nil` entries are the batch size.
    var symbolicShapes: [String: [Int?]] = [:]
    /// Outputs nothing may read (a recurrent op's unused outputs, Dropout's mask).
    var unusable: [String: String] = [:]
    /// Values that were once the chain value (reading them again is a branch).
    var formerChain: Set<String> = []
    /// How many nodes other than `Shape` (and graph outputs) read each value.
    var consumers: [String: Int] = [:]
    /// The chain value.
    var value: ONNXImportValue
    /// The model's per-sample input shape.
    let inputShape: [Int]
    /// The model's input dtype.
    let inputDType: DType
    /// The layers recognised so far.
    var layers: [ONNXImportedLayer] = []
    /// Whether the last node was a `MatMul` whose `Dense` still lacks its bias.
    var awaitingBias = false
    /// Whether the chain value is the direct `[batch, time, units]` output of the last recurrent layer.
    var recurrentSequenceOpen = false

    init(_ model: Onnx_ModelProto) throws {
        self.model = model
        guard model.hasGraph else { throw ONNXImportError.malformed("the model has no graph") }
        graph = model.graph
        guard model.functions.isEmpty else {
            throw ONNXImportError.unsupportedGraph("the model defines \(model.functions.count) local functions, which are not imported")
        }
        var defaultOpset: Int?
        for entry in model.opsetImport where entry.domain.isEmpty || entry.domain == "ai.onnx" {
            defaultOpset = Int(clamping: entry.version)
        }
        guard let opset = defaultOpset else { throw ONNXImportError.malformed("no opset is declared for the default ONNX domain") }
        guard ONNXImport.supportedOpsets.contains(opset) else {
            throw ONNXImportError.unsupportedGraph("opset \(opset) is not imported (opsets \(ONNXImport.supportedOpsets.lowerBound)...\(ONNXImport.supportedOpsets.upperBound) are)")
        }
        self.opset = opset
        guard graph.node.count <= ONNXImportLimits.maxNodes else {
            throw ONNXImportError.malformed("\(graph.node.count) nodes, more than the limit of \(ONNXImportLimits.maxNodes)")
        }
        guard graph.initializer.count <= ONNXImportLimits.maxInitializers else {
            throw ONNXImportError.malformed("\(graph.initializer.count) initializers, more than the limit of \(ONNXImportLimits.maxInitializers)")
        }
        guard graph.sparseInitializer.isEmpty else {
            throw ONNXImportError.unsupportedGraph("sparse initializers are not imported")
        }
        var initial: [String: ONNXConstant] = [:]
        var uses: [String: Int] = [:]
        for initializer in model.graph.initializer {
            guard initial[initializer.name] == nil else {
                throw ONNXImportError.malformed("two initializers are named '\(initializer.name)'")
            }
            initial[initializer.name] = try ONNXConstant(initializer)
        }
        let inputs = model.graph.input.filter { initial[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw ONNXImportError.unsupportedGraph("the graph has \(inputs.count) inputs besides its initializers; a Sequential model has one")
        }
        guard model.graph.output.count == 1 else {
            throw ONNXImportError.unsupportedGraph("the graph has \(model.graph.output.count) outputs; a Sequential model has one")
        }
        for node in model.graph.node where node.opType != "Shape" {
            for name in Set(node.input) where !name.isEmpty { uses[name, default: 0] += 1 }
        }
        uses[model.graph.output[0].name, default: 0] += 1

        // The input's type and shape.
        guard case .tensorType(let tensorType)? = input.type.value else {
            throw ONNXImportError.unsupportedGraph("the graph input '\(input.name)' is not a tensor")
        }
        let isInteger: Bool
        switch tensorType.elemType {
        case 1: isInteger = false
        case 6, 7: isInteger = true
        default:
            throw ONNXImportError.unsupportedGraph("the graph input '\(input.name)' has element type \(tensorType.elemType) (float, int32 and int64 are imported)")
        }
        let dims = tensorType.shape.dim
        guard (2...4).contains(dims.count) else {
            throw ONNXImportError.unsupportedGraph("the graph input '\(input.name)' has rank \(dims.count); ranks 2 to 4 ([batch, ...]) are imported")
        }
        var onnxShape: [Int] = []
        for (axis, dim) in dims.enumerated().dropFirst() {
            guard case .dimValue(let size)? = dim.value, size > 0, size <= Int64(ONNXImportLimits.maxDimension) else {
                throw ONNXImportError.unsupportedGraph("the graph input '\(input.name)' has no fixed size in axis \(axis) (only the batch axis may be dynamic; export with a fixed example shape)")
            }
            onnxShape.append(Int(size))
        }
        guard ONNXImportLimits.product(onnxShape, limit: ONNXImportLimits.maxSampleElements) != nil else {
            throw ONNXImportError.unsupportedGraph("the graph input '\(input.name)' of per-sample shape \(onnxShape) has more than \(ONNXImportLimits.maxSampleElements) elements")
        }
        // A rank-4 input is NCHW unless the graph starts by transposing it.
        var permutation = Array(0...onnxShape.count)
        var shape = onnxShape
        if onnxShape.count == 3 {
            let nodes = model.graph.node
            let inputName = input.name
            let firstUse = nodes.first { $0.input.contains(inputName) && $0.opType != "Shape" }
            if firstUse?.opType != "Transpose" {
                permutation = [0, 3, 1, 2]
                shape = [onnxShape[1], onnxShape[2], onnxShape[0]]
            }
        }
        value = ONNXImportValue(name: input.name, shape: shape, permutation: permutation, extraAxis: nil,
                                isInteger: isInteger, flattenedImage: nil)
        inputShape = shape
        constants = initial
        consumers = uses
        inputDType = isInteger ? .int32 : .float32
    }

    /// Walks the nodes in order.
    mutating func run() throws {
        var produced = Set(constants.keys).union([value.name])
        try checkSingleUse()
        for node in graph.node {
            let label = node.name.isEmpty ? "(unnamed \(node.opType))" : node.name
            func refuse(_ reason: String) -> ONNXImportError {
                .unsupportedNode(name: label, opType: node.opType, reason: reason)
            }
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw refuse("ops of domain '\(node.domain)' are not imported")
            }
            for attribute in node.attribute {
                switch attribute.type {
                case .graph, .graphs:
                    throw refuse("subgraphs (attribute '\(attribute.name)') are not imported")
                default:
                    if attribute.hasG || !attribute.graphs.isEmpty {
                        throw refuse("subgraphs (attribute '\(attribute.name)') are not imported")
                    }
                }
            }
            for name in node.input where !name.isEmpty {
                guard produced.contains(name) else {
                    throw refuse("its input '\(name)' is not produced by an earlier node, an initializer or the graph input (a cycle, a missing value, or nodes out of topological order)")
                }
                if let why = unusable[name] { throw refuse("it reads '\(name)', \(why)") }
                if formerChain.contains(name) {
                    throw refuse("it reads '\(name)', an earlier value of the chain; only chains of ops (no branches or skip connections) are imported")
                }
            }
            for name in node.output where !name.isEmpty {
                guard !produced.contains(name) else { throw refuse("its output '\(name)' is produced twice") }
            }
            if node.input.contains(value.name) && node.opType != "Shape" {
                let next = try importNode(node, refuse: refuse)
                formerChain.insert(value.name)
                for output in node.output where !output.isEmpty && output != next && unusable[output] == nil {
                    unusable[output] = "an output of '\(label)' that has no Synapse counterpart"
                }
                value.name = next
                guard ONNXImportLimits.product(value.shape, limit: ONNXImportLimits.maxSampleElements) != nil else {
                    throw refuse("its output of per-sample shape \(value.shape) has more than \(ONNXImportLimits.maxSampleElements) elements")
                }
                try checkSingleUse()
            } else {
                try importSideNode(node, refuse: refuse)
            }
            produced.formUnion(node.output.filter { !$0.isEmpty })
        }
        guard graph.output[0].name == value.name else {
            throw ONNXImportError.unsupportedGraph("the graph output '\(graph.output[0].name)' is not the end of the chain of ops from the input")
        }
        guard value.extraAxis == nil, value.permutation.first == 0 else {
            throw ONNXImportError.unsupportedGraph("the graph output '\(graph.output[0].name)' is not batch-first")
        }
    }

    /// Refuses a chain value read by more than one node (`Shape` reads excepted).
    private func checkSingleUse() throws {
        let readers = consumers[value.name, default: 0]
        guard readers <= 1 else {
            throw ONNXImportError.unsupportedGraph("the value '\(value.name)' feeds \(readers) nodes; only chains of ops (no branches or skip connections) are imported")
        }
    }

    /// A node off the chain: constants and shape computations.
    private mutating func importSideNode(_ node: Onnx_NodeProto, refuse: @escaping (String) -> ONNXImportError) throws {
        guard node.output.first.map({ !$0.isEmpty }) == true else { return }  // nothing to record
        switch node.opType {
        case "Constant":
            guard node.output.count == 1 else { throw refuse("expected one output") }
            constants[node.output[0]] = try constantAttribute(node, refuse: refuse)
        case "Identity" where node.input.count == 1 && constants[node.input[0]] != nil:
            constants[node.output[0]] = constants[node.input[0]]
        case "ConstantOfShape":
            var fill: Float = 0
            if let tensor = node.attribute.first(where: { $0.name == "value" }) {
                let constant = try ONNXConstant(tensor.t)
                fill = constant.floats.first ?? 0
            }
            auxiliary.formUnion(node.output)
            if fill == 0 { zeroFilled.formUnion(node.output) }
        case "Shape" where node.input.first == value.name && value.extraAxis == nil && value.permutation.first == 0
            && node.attribute.isEmpty:
            auxiliary.formUnion(node.output)
            symbolicShapes[node.output[0]] = [nil] + value.onnxShape
        case "Gather" where node.input.count == 2 && symbolicShapes[node.input[0]] != nil:
            auxiliary.formUnion(node.output)
            let entries = symbolicShapes[node.input[0]] ?? []
            if let index = constants[node.input[1]], index.shape.isEmpty, let position = index.integers.first,
               ONNXImportAttributes(node: node, refuse: refuse).int("axis", 0) == 0,
               (-entries.count..<entries.count).contains(position) {
                symbolicShapes[node.output[0]] = [entries[position < 0 ? position + entries.count : position]]
            }
        case "Unsqueeze" where symbolicShapes[node.input.first ?? ""]?.count == 1:
            auxiliary.formUnion(node.output)
            symbolicShapes[node.output[0]] = symbolicShapes[node.input[0]]
        case "Concat" where ONNXImportAttributes(node: node, refuse: refuse).int("axis", 0) == 0
            && node.input.contains(where: { symbolicShapes[$0] != nil }):
            auxiliary.formUnion(node.output)
            var entries: [Int?] = []
            for name in node.input {
                if let symbolic = symbolicShapes[name] {
                    entries += symbolic
                } else if let constant = constants[name], constant.isInteger, constant.shape.count <= 1,
                          constant.count <= ONNXImportLimits.maxRank {
                    entries += constant.integers.map { Optional($0) }
                } else {
                    return
                }
            }
            if entries.count <= ONNXImportLimits.maxRank { symbolicShapes[node.output[0]] = entries }
        default:
            // Shape arithmetic (Shape, Gather, Unsqueeze, Concat, ...) kept opaque:
            // its results may feed only inputs that accept them (recurrent initial states).
            auxiliary.formUnion(node.output)
        }
    }

    /// A `Constant` node's value.
    private func constantAttribute(_ node: Onnx_NodeProto, refuse: (String) -> ONNXImportError) throws -> ONNXConstant {
        guard let attribute = node.attribute.first else { throw refuse("a Constant with no value") }
        switch attribute.name {
        case "value":
            var tensor = attribute.t
            if tensor.name.isEmpty { tensor.name = node.output[0] }
            return try ONNXConstant(tensor)
        case "value_float":
            return ONNXConstant(shape: [], floats: [attribute.f], integers: [0], isInteger: false)
        case "value_floats":
            guard attribute.floats.count <= ONNXImportLimits.maxTensorElements else { throw refuse("too many values") }
            return ONNXConstant(shape: [attribute.floats.count], floats: attribute.floats, integers: attribute.floats.map { _ in 0 },
                                isInteger: false)
        case "value_int":
            return ONNXConstant(shape: [], floats: [Float(attribute.i)], integers: [Int(attribute.i)], isInteger: true)
        case "value_ints":
            return ONNXConstant(shape: [attribute.ints.count], floats: attribute.ints.map { Float($0) },
                                integers: attribute.ints.map { Int($0) }, isInteger: true)
        default:
            throw refuse("Constant attribute '\(attribute.name)' is not imported")
        }
    }

    /// Builds the Synapse model and assigns the weights.
    func finish() throws -> ONNXImportResult {
        let built = layers.map { $0.makeLayer() }
        let model = Sequential([Input(shape: inputShape, dtype: inputDType)] + built)
        model.buildFromDeclaredInput()
        guard model.isBuilt else { throw ONNXImportError.unsupportedGraph("the model could not be built from input shape \(inputShape)") }
        for (spec, layer) in zip(layers, built) {
            for (parameter, tensor) in spec.weights(of: layer) {
                guard let parameter else {
                    throw ONNXImportError.unsupportedGraph("layer '\(layer.name)' has no parameter for a weight of shape \(tensor.shape)")
                }
                guard parameter.value.shape == tensor.shape else {
                    throw ONNXImportError.unsupportedGraph("layer '\(layer.name)': weight '\(parameter.name)' has shape \(parameter.value.shape), the file gives \(tensor.shape)")
                }
                parameter.assign(tensor)
            }
        }
        return ONNXImportResult(model: model, layers: layers.map(\.summary), inputShape: inputShape, opset: opset)
    }
}
