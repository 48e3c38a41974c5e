import Synchronization

/// The layer classes a model file can name, by class name: every built-in layer,
/// plus the custom layers an application registers (Keras' `custom_objects`).
///
/// Registration is thread-safe and may happen at any time before loading;
/// registering a name again replaces its factory.
///
/// ```swift
/// LayerRegistry.register(Scale.self)                       // a ConfigurableLayer
/// LayerRegistry.register(typeName: "Scale") { config in    // or any factory
///     try Scale(config: config)
/// }
/// let layer = try LayerRegistry.makeLayer(from: config)
/// ```
public enum LayerRegistry {
    /// Makes an unbuilt layer from its configuration, or throws ``ModelFileError``.
    public typealias Factory = @Sendable (LayerConfig) throws -> Layer

    private final class Storage: Sendable {
        let factories = Mutex<[String: Factory]>(LayerRegistry.builtIns)
    }
    private static let storage = Storage()

    /// Registers (or replaces) the factory for `typeName`.
    ///
    /// - Parameters:
    ///   - typeName: the class name model files use (`class_name`).
    ///   - factory: makes an unbuilt layer from its configuration.
    public static func register(typeName: String, factory: @escaping Factory) {
        storage.factories.withLock { $0[typeName] = factory }
    }

    /// Registers a ``ConfigurableLayer`` under its ``ConfigurableLayer/className``.
    ///
    /// - Parameter type: the layer class; its ``ConfigurableLayer/init(config:)`` becomes the factory.
    public static func register<T: ConfigurableLayer>(_ type: T.Type) {
        register(typeName: T.className) { try T(config: $0) }
    }

    /// Removes a registration (tests; an application rarely needs it).
    ///
    /// - Parameter typeName: the registered class name; an unknown name does nothing.
    public static func unregister(typeName: String) {
        storage.factories.withLock { $0[typeName] = nil }
    }

    /// The factory registered for `typeName`, if any.
    ///
    /// - Parameter typeName: a class name, e.g. "Dense".
    /// - Returns: the factory, or `nil` when none is registered.
    public static func factory(for typeName: String) -> Factory? {
        storage.factories.withLock { $0[typeName] }
    }

    /// Every registered class name, sorted.
    public static var registeredTypeNames: [String] {
        storage.factories.withLock { $0.keys.sorted() }
    }

    /// The configuration of `layer`.
    ///
    /// - Parameter layer: the layer to describe.
    /// - Returns: its ``ConfigurableLayer/config``.
    /// - Throws: ``ModelFileError/notSerializable(layer:type:)`` when the layer does
    ///   not conform to ``ConfigurableLayer``.
    public static func config(of layer: Layer) throws -> LayerConfig {
        guard let configurable = layer as? any ConfigurableLayer else {
            throw ModelFileError.notSerializable(layer: layer.name, type: String(describing: type(of: layer)))
        }
        return configurable.config
    }

    /// A new, unbuilt layer from `config`, with its `trainable` flag applied.
    ///
    /// - Parameter config: the layer's configuration; its ``LayerConfig/className`` picks the factory.
    /// - Returns: the new layer.
    /// - Throws: ``ModelFileError/unknownLayerClass(className:layer:known:)`` for a
    ///   class that is not registered, or the factory's error for a bad config.
    public static func makeLayer(from config: LayerConfig) throws -> Layer {
        guard let factory = factory(for: config.className) else {
            throw ModelFileError.unknownLayerClass(className: String(config.className.prefix(80)), layer: String(config.layerName.prefix(80)),
                                                   known: registeredTypeNames)
        }
        let layer = try factory(config)
        layer.isTrainable = try config.bool("trainable", default: true)
        return layer
    }

    private static let builtIns: [String: Factory] = {
        let types: [any ConfigurableLayer.Type] = [
            Input.self, Dense.self, Activation.self, Dropout.self, Flatten.self, Reshape.self,
            Conv1D.self, Conv2D.self, Conv2DTranspose.self,
            MaxPooling2D.self, AveragePooling2D.self, GlobalAveragePooling2D.self, GlobalMaxPooling2D.self,
            BatchNormalization.self, LayerNormalization.self,
            UpSampling2D.self, ZeroPadding2D.self, SpatialDropout2D.self,
            Embedding.self, Masking.self, SimpleRNN.self, LSTM.self, GRU.self,
            Rescaling.self, MultiHeadAttention.self, PositionEmbedding.self,
            GlobalAveragePooling1D.self, GlobalMaxPooling1D.self, Cropping2D.self, Permute.self, RepeatVector.self, DepthwiseConv2D.self, SeparableConv2D.self,
            TimeDistributed.self, Bidirectional.self,
            Add.self, Subtract.self, Multiply.self, Average.self, Maximum.self, Minimum.self, Concatenate.self, Dot.self,
        ]
        var factories: [String: Factory] = [:]
        for type in types { factories[type.className] = { try type.init(config: $0) } }
        // Keras writes the Input declaration as "InputLayer".
        factories["InputLayer"] = factories["Input"]
        return factories
    }()

    /// The built-in layer classes, in a stable order (for tests and documentation).
    public static let builtInTypeNames: [String] = builtIns.keys.filter { $0 != "InputLayer" }.sorted()
}
