/// The `model:` section: a Sequential list of layers with Keras' class names and
/// argument keys, built through `LayerRegistry` (the same factory model files use).
///
/// Each item is written in one of three ways:
/// ```yaml
/// model:
///   - Flatten                                   # a name alone
///   - Dense: {units: 128, activation: relu}     # name: arguments
///   - type: Dense                               # type: plus the arguments
///     units: 10
///     activation: softmax
/// ```
/// Unknown layers, unknown or mistyped arguments and layers that cannot take the
/// shape before them are errors naming the key and its line.
public struct ModelSpec: Sendable {
    /// One layer as written.
    public struct LayerSpec: Sendable {
        /// The layer's configuration (class name and arguments).
        public var config: LayerConfig
        /// The item's node (for messages).
        public var node: ConfigNode
        /// The arguments' node, if any.
        public var arguments: ConfigNode?
    }

    /// The layers, in order.
    public var layers: [LayerSpec]

    /// Reads the `model:` section and builds each layer once, so mistakes show now.
    ///
    /// - Parameter node: the `model:` node, a non-empty list of layers.
    /// - Returns: the layer specifications, in order.
    /// - Throws: ``ConfigError`` naming the key and line.
    public static func parse(_ node: ConfigNode) throws -> ModelSpec {
        let items = try node.sequence()
        guard !items.isEmpty else { throw node.error("needs at least one layer") }
        var layers: [LayerSpec] = []
        for item in items {
            let spec = try layerSpec(item)
            _ = try build(spec)
            layers.append(spec)
        }
        return ModelSpec(layers: layers)
    }

    private static func layerSpec(_ item: ConfigNode) throws -> LayerSpec {
        if case .scalar(.string(let name)) = item.kind {
            return LayerSpec(config: LayerConfig(className: try className(name, item)), node: item, arguments: nil)
        }
        let entries = try item.mapping()
        if let typeNode = item["type"] ?? item["class_name"] {
            var values: [String: ConfigValue] = [:]
            for entry in entries where entry.key != "type" && entry.key != "class_name" { values[entry.key] = entry.value.value }
            return LayerSpec(config: LayerConfig(className: try className(try typeNode.string(), typeNode), values: values),
                             node: item, arguments: item)
        }
        guard entries.count == 1, let entry = entries.first else {
            throw item.error("a layer is written `- Dense: {units: 10}` or with a type: key, found \(entries.count) keys")
        }
        let name = try className(entry.key, ConfigNode(kind: .scalar(.string(entry.key)), line: entry.line, path: item.path, file: item.file))
        let arguments = entry.value
        if arguments.isNull { return LayerSpec(config: LayerConfig(className: name), node: item, arguments: nil) }
        let values = Dictionary(try arguments.mapping().map { ($0.key, $0.value.value) }, uniquingKeysWith: { $1 })
        return LayerSpec(config: LayerConfig(className: name, values: values), node: item, arguments: arguments)
    }

    /// The registered class name `name` stands for (exact, or ignoring case).
    private static func className(_ name: String, _ node: ConfigNode) throws -> String {
        let known = LayerRegistry.registeredTypeNames
        if known.contains(name) { return name }
        if let match = known.first(where: { $0.lowercased() == name.lowercased() }) { return match }
        throw node.error("unknown layer \"\(name.prefix(40))\" (known: \(LayerRegistry.builtInTypeNames.joined(separator: ", ")))")
    }

    /// A new layer from `spec`; `input_shape` is checked by the caller, not passed on.
    ///
    /// - Parameter spec: the layer as written.
    /// - Returns: a new, unbuilt layer.
    /// - Throws: ``ConfigError`` at the argument's line for an unknown, missing or invalid argument.
    public static func build(_ spec: LayerSpec) throws -> Layer {
        var config = spec.config
        config["input_shape"] = nil
        let layer: Layer
        do {
            layer = try LayerRegistry.makeLayer(from: config)
        } catch let error as ModelFileError {
            throw translate(error, spec)
        }
        let known = Set((try? LayerRegistry.config(of: layer).values.keys).map(Array.init) ?? []).union(["input_shape"])
        for (key, _) in spec.config.values where !known.contains(key) {
            throw argumentError(key, spec, "unknown argument for \(config.className) (known: \(known.sorted().joined(separator: ", ")))")
        }
        return layer
    }

    /// The error at argument `key` of a layer (its own line when written).
    static func argumentError(_ key: String, _ spec: LayerSpec, _ message: String) -> ConfigError {
        if let argument = spec.arguments?[key] {
            return ConfigError(file: argument.file, line: spec.arguments!.line(of: key), key: argument.path, message: message)
        }
        return ConfigError(file: spec.node.file, line: spec.node.line, key: "\(spec.node.path).\(key)", message: message)
    }

    /// A `ModelFileError` from building or shape checking, placed at its key and line.
    static func translate(_ error: ModelFileError, _ spec: LayerSpec) -> ConfigError {
        switch error {
        case .invalidConfig(_, let className, let key, let reason):
            return argumentError(key, spec, "\(reason) (\(className))")
        case .missingConfigKey(_, let className, let key):
            return ConfigError(file: spec.node.file, line: spec.node.line, key: spec.node.path,
                               message: "\(className) needs the argument \"\(key)\"")
        case .incompatibleShape(_, let className, let inputShape, let reason):
            return ConfigError(file: spec.node.file, line: spec.node.line, key: spec.node.path,
                               message: "\(className) cannot take inputs of per-sample shape \(Shape.describe(inputShape)): \(reason)")
        default:
            return spec.node.error(error.description)
        }
    }

    /// Builds the model for per-sample inputs of `inputShape`, checking every layer's
    /// shapes first (an `Input` is added in front unless the list starts with one).
    ///
    /// - Parameters:
    ///   - inputShape: the per-sample input shape of the data (`[8]`, `[28, 28, 1]`); a first
    ///     layer's `input_shape` must equal it.
    ///   - name: the model's name.
    /// - Returns: the model and its per-sample output shape.
    /// - Throws: ``ConfigError`` at the first layer that cannot take its input.
    public func makeModel(inputShape: [Int], name: String) throws -> (model: Sequential, outputShape: [Int]) {
        var built = try layers.map { try Self.build($0) }
        var specs = layers
        if let first = layers.first, let declared = first.arguments?["input_shape"] {
            let shape = try declared.sequence().map { try $0.int(in: 1...LayerConfig.maximumSize) }
            guard shape == inputShape else {
                throw declared.error("is \(Shape.describe(shape)) but the data's samples have shape \(Shape.describe(inputShape))")
            }
        }
        if !(built.first is Input) {
            built.insert(Input(shape: inputShape), at: 0)
            specs.insert(layers[0], at: 0)
        }
        var shape = inputShape
        for (layer, spec) in zip(built, specs) {
            do {
                guard let inferred = try LayerShapeInference.infer([layer], inputShape: shape).first ?? nil else { break }
                shape = inferred.output
            } catch let error as ModelFileError {
                throw Self.translate(error, spec)
            }
        }
        let model = Sequential(built, name: name)
        model.buildFromDeclaredInput()
        return (model, shape)
    }
}
