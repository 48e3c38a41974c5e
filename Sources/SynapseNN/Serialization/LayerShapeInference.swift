/// Checks a stack of layers against a per-sample input shape without building it:
/// each ``ConfigurableLayer`` computes its output and parameter shapes, and every
/// activation must stay below ``maximumActivationElements``. Model loading runs it
/// first, so a hostile file with huge or inconsistent sizes is rejected with an
/// error instead of exhausting memory or stopping the process while building.
///
/// ```swift
/// let shapes = try LayerShapeInference.infer([Dense(4), Dense(1)], inputShape: [8])
/// shapes[0]?.parameters["kernel"]   // [8, 4]
/// ```
public enum LayerShapeInference {
    /// Largest per-sample activation accepted (2²⁸ elements, 1 GiB of float32).
    public static let maximumActivationElements = 1 << 28
    /// Largest parameter accepted (2³¹ elements, 8 GiB of float32).
    public static let maximumParameterElements = 1 << 31

    /// The inferred shapes of each layer, in order. From the first layer that cannot
    /// infer its shapes without building (a custom layer), the entries are `nil`.
    ///
    /// - Parameters:
    ///   - layers: a chain of layers, each fed by the one before.
    ///   - inputShape: the per-sample shape fed to the first layer.
    ///   - inputDType: the dtype of the inputs (an `Input` declaration's).
    /// - Throws: ``ModelFileError/incompatibleShape(layer:className:inputShape:reason:)``
    ///   for a layer that cannot take the shape or dtype it would receive, or whose
    ///   output is too large.
    public static func infer(_ layers: [Layer], inputShape: [Int], inputDType: DType = .float32) throws -> [InferredShapes?] {
        guard let first = layers.first else { return [] }
        try checkActivation(inputShape, layer: first, inputShape: inputShape, what: "input")
        var results: [InferredShapes?] = []
        var shape = inputShape
        var dtype = inputDType
        for layer in layers {
            guard results.allSatisfy({ $0 != nil }), let configurable = layer as? any ConfigurableLayer,
                  let inferred = try configurable.inferShapes(inputShape: shape) else {
                results.append(nil)
                continue
            }
            if !inferred.preservesDType && !inferred.acceptsAnyDType && dtype != .float32 {
                throw ModelFileError.incompatibleShape(layer: layer.name, className: type(of: configurable).className,
                                                       inputShape: shape, reason: "takes float32 inputs, got \(dtype)")
            }
            try checkActivation(inferred.output, layer: layer, inputShape: shape, what: "output")
            for (name, parameterShape) in inferred.parameters.sorted(by: { $0.key < $1.key }) {
                guard let count = ShapeArithmetic.elementCount(parameterShape), count <= maximumParameterElements else {
                    throw ModelFileError.incompatibleShape(
                        layer: layer.name, className: type(of: configurable).className, inputShape: shape,
                        reason: "parameter '\(name)' of shape \(Shape.describe(parameterShape)) would have more than \(maximumParameterElements) elements")
                }
            }
            results.append(inferred)
            shape = inferred.output
            if !inferred.preservesDType { dtype = .float32 }
        }
        return results
    }

    private static func checkActivation(_ shape: [Int], layer: Layer, inputShape: [Int], what: String) throws {
        let className = (layer as? any ConfigurableLayer).map { type(of: $0).className } ?? String(describing: type(of: layer))
        guard shape.allSatisfy({ $0 >= 1 && $0 <= LayerConfig.maximumSize }),
              let count = ShapeArithmetic.elementCount(shape), count <= maximumActivationElements else {
            throw ModelFileError.incompatibleShape(
                layer: layer.name, className: className, inputShape: inputShape,
                reason: "its \(what) of per-sample shape \(Shape.describe(shape)) must have sizes in 1...\(LayerConfig.maximumSize) and at most \(maximumActivationElements) elements")
        }
    }
}
