/// How the layers of a functional model connect, as Keras 3 stores it: each
/// layer's calls (`inbound_nodes`, each call's input tensors named by layer, node
/// and output index) and the model's `input_layers` and `output_layers`.
///
/// ```json
/// {"class_name": "Add", "name": "add", "config": {...},
///  "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__",
///                                "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["dense", 0, 0]}},
///                               {"class_name": "__keras_tensor__", "config": {..., "keras_history": ["dense", 1, 0]}}]],
///                     "kwargs": {}}]}
/// ```
///
/// Keras 2's form (`[[["dense", 0, 0, {}], ...]]`) is read too.
public struct FunctionalTopology: Sendable, Hashable {
    /// One output of one call of a layer (Keras' `keras_history`).
    public struct TensorReference: Sendable, Hashable {
        /// The producing layer's name.
        public var layer: String
        /// Which call of that layer within the model (0 for the first).
        public var node: Int
        /// Which output of that call.
        public var output: Int
        /// The per-sample shape, when known (written for Keras; not needed to load).
        public var shape: [Int]?
        /// The dtype name, when known.
        public var dtype: String?

        /// - Parameters:
        ///   - layer: the producing layer's name.
        ///   - node: the call's index among the layer's calls in the model.
        ///   - output: the output's index in that call.
        ///   - shape: the per-sample shape, if known.
        ///   - dtype: the dtype name, if known.
        public init(layer: String, node: Int, output: Int, shape: [Int]? = nil, dtype: String? = nil) {
            (self.layer, self.node, self.output, self.shape, self.dtype) = (layer, node, output, shape, dtype)
        }
    }

    /// One call of a layer.
    public struct Call: Sendable, Hashable {
        /// The input tensors, in call order.
        public var inputs: [TensorReference]
        /// Whether the layer received them as an array (merge layers).
        public var takesList: Bool

        /// - Parameters:
        ///   - inputs: the input tensors.
        ///   - takesList: whether they were passed as an array.
        public init(inputs: [TensorReference], takesList: Bool) {
            (self.inputs, self.takesList) = (inputs, takesList)
        }
    }

    /// Each layer's calls, by layer name (an ``/SynapseNN/Input`` has none).
    public var calls: [String: [Call]]
    /// The model's inputs, in order.
    public var inputs: [TensorReference]
    /// The model's outputs, in order.
    public var outputs: [TensorReference]

    /// - Parameters:
    ///   - calls: each layer's calls, by name.
    ///   - inputs: the model's inputs.
    ///   - outputs: the model's outputs.
    public init(calls: [String: [Call]], inputs: [TensorReference], outputs: [TensorReference]) {
        (self.calls, self.inputs, self.outputs) = (calls, inputs, outputs)
    }

    /// Most calls one layer may have, and most inputs one call may take, in a file.
    static let maximumCount = 10_000

    // MARK: JSON

    /// `inbound_nodes` of one layer, in Keras 3's form.
    func inboundNodesValue(of layer: String) -> ConfigValue {
        .array((calls[layer] ?? []).map { call in
            let tensors = call.inputs.map(Self.kerasTensor)
            let argument: ConfigValue = call.takesList ? .array(tensors) : tensors[0]
            return ["args": .array([argument]), "kwargs": .object([:])]
        })
    }

    /// `input_layers` or `output_layers`: one `[name, node, output]` triple, or a list of them.
    static func referencesValue(_ references: [TensorReference]) -> ConfigValue {
        let triples = references.map { reference -> ConfigValue in .array([.string(reference.layer), .int(reference.node), .int(reference.output)]) }
        return triples.count == 1 ? triples[0] : .array(triples)
    }

    private static func kerasTensor(_ reference: TensorReference) -> ConfigValue {
        var config: [String: ConfigValue] = [
            "keras_history": .array([.string(reference.layer), .int(reference.node), .int(reference.output)]),
        ]
        if let shape = reference.shape { config["shape"] = .array([.null] + shape.map(ConfigValue.int)) }
        if let dtype = reference.dtype { config["dtype"] = .string(dtype) }
        return ["class_name": "__keras_tensor__", "config": .object(config)]
    }

    /// Reads one layer's `inbound_nodes` (Keras 3's or Keras 2's form).
    ///
    /// - Throws: ``/SynapseNN/ModelFileError/invalidArchitecture(_:)`` naming the layer.
    static func calls(from value: ConfigValue?, layer: String) throws -> [Call] {
        func fail(_ reason: String) -> ModelFileError {
            .invalidArchitecture("layer '\(layer.prefix(80))': \"inbound_nodes\" \(reason)")
        }
        guard let value, !value.isNull else { return [] }
        guard let nodes = value.arrayValue, nodes.count <= maximumCount else { throw fail("must be a list of calls") }
        return try nodes.map { node -> Call in
            if let object = node.objectValue {
                guard let args = object["args"]?.arrayValue, let first = args.first, args.count == 1 else {
                    throw fail("must give each call one argument in \"args\" (a tensor or a list of tensors)")
                }
                if let list = first.arrayValue {
                    guard !list.isEmpty, list.count <= maximumCount else { throw fail("has a call with no or too many inputs") }
                    return Call(inputs: try list.map { try reference(fromKerasTensor: $0, fail) }, takesList: true)
                }
                return Call(inputs: [try reference(fromKerasTensor: first, fail)], takesList: false)
            }
            // Keras 2: [["dense", 0, 0, {}], ...]; several entries mean a list argument.
            guard let entries = node.arrayValue, !entries.isEmpty, entries.count <= maximumCount else {
                throw fail("must hold {\"args\": ...} objects or Keras 2 [[name, node, tensor, {}], ...] lists")
            }
            let references = try entries.map { entry -> TensorReference in
                guard let triple = entry.arrayValue, triple.count >= 3, let reference = reference(fromTriple: triple) else {
                    throw fail("has an entry that is not [name, node, tensor, {}]")
                }
                return reference
            }
            return Call(inputs: references, takesList: references.count > 1)
        }
    }

    /// Reads `input_layers` or `output_layers`: a triple or a list of triples.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError/invalidArchitecture(_:)``.
    static func references(from value: ConfigValue?, key: String) throws -> [TensorReference] {
        let fail = ModelFileError.invalidArchitecture("\"\(key)\" must be [name, node, tensor] or a non-empty list of them")
        guard let list = value?.arrayValue, !list.isEmpty, list.count <= maximumCount else { throw fail }
        if let single = reference(fromTriple: list) { return [single] }
        return try list.map { item in
            guard let triple = item.arrayValue, let reference = reference(fromTriple: triple) else { throw fail }
            return reference
        }
    }

    private static func reference(fromTriple triple: [ConfigValue]) -> TensorReference? {
        guard triple.count >= 3, let name = triple[0].stringValue, name.count <= 256,
              let node = triple[1].intValue, let output = triple[2].intValue,
              (0..<maximumCount).contains(node), (0..<maximumCount).contains(output) else { return nil }
        return TensorReference(layer: name, node: node, output: output)
    }

    private static func reference(fromKerasTensor value: ConfigValue, _ fail: (String) -> ModelFileError) throws -> TensorReference {
        guard let object = value.objectValue, let config = object["config"]?.objectValue,
              let history = config["keras_history"]?.arrayValue, var reference = reference(fromTriple: history) else {
            throw fail("has an input that is not a {\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [name, node, tensor]}} object")
        }
        if let shape = config["shape"]?.arrayValue { reference.shape = shape.dropFirst().compactMap(\.intValue) }
        reference.dtype = config["dtype"]?.stringValue
        return reference
    }
}
