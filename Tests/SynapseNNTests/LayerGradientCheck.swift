import Testing
@testable import SynapseNN

/// Finite-difference checks of a layer's gradients with respect to its input and
/// each of its trainable parameters, built on ``FiniteDifferences`` (same
/// projection, step and tolerances, justified there).
enum LayerGradientCheck {
    /// Checks `∂(Σ layer(x) · r)/∂x` and `∂/∂p` for every trainable parameter `p`.
    ///
    /// The layer must already be built (call it once, or `buildIfNeeded`), so that
    /// its parameters exist. Parameter values are restored afterwards.
    static func expectGradientsMatch(_ layer: Layer, at input: Tensor, training: Bool = false,
                                     absolute: Double = FiniteDifferences.defaultAbsolute,
                                     relative: Double = FiniteDifferences.defaultRelative,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        if !layer.isBuilt { _ = withoutGradient { layer(input, training: training) } }
        FiniteDifferences.expectGradientMatches(at: input, absolute: absolute, relative: relative,
                                                "\(layer.name) input", sourceLocation: sourceLocation) {
            layer($0, training: training)
        }
        for (name, parameter) in layer.namedParameters where parameter.isTrainable {
            expectParameterGradientMatches(layer, parameter, named: name, at: input, training: training,
                                           absolute: absolute, relative: relative, sourceLocation: sourceLocation)
        }
    }

    /// Checks the gradient of `Σ layer(x) · r` with respect to one parameter.
    static func expectParameterGradientMatches(_ layer: Layer, _ parameter: Parameter, named name: String,
                                               at input: Tensor, training: Bool,
                                               absolute: Double = FiniteDifferences.defaultAbsolute,
                                               relative: Double = FiniteDifferences.defaultRelative,
                                               sourceLocation: SourceLocation = #_sourceLocation) {
        let original = parameter.value.detached()
        layer.zeroGrad()
        let output = layer(input.detached(), training: training)
        let r = FiniteDifferences.projection(output.shape)
        output.backward(r)
        let analytic = parameter.grad
        #expect(analytic != nil, "\(name): no gradient reached the parameter", sourceLocation: sourceLocation)
        let numeric = FiniteDifferences.gradient(of: { value in
            parameter.assign(value)
            return layer(input.detached(), training: training)
        }, at: original, projection: r)
        parameter.assign(original)
        FiniteDifferences.expectMatch(analytic, numeric, shape: original.shape, absolute: absolute, relative: relative,
                                      name, sourceLocation: sourceLocation)
    }
}
