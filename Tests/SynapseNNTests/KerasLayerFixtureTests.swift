import Foundation
import Testing
@testable import SynapseNN

/// GlobalAveragePooling1D, GlobalMaxPooling1D, Cropping2D, Permute, RepeatVector,
/// DepthwiseConv2D, SeparableConv2D, causal Conv1D and Conv2DTranspose (output
/// padding, dilation) against Keras 3 itself (`Fixtures/layers.json`,
/// written by `scripts/fixtures_layers.py` through `scripts/generate_fixtures.py`).
/// Each layer is built from the Keras `get_config()` stored in the case, so the real
/// Keras configs are read too.
@Suite("Keras layer fixtures")
struct KerasLayerFixtureTests {
    // Tolerances: the reference is float64 rounded to float32; Synapse computes in
    // float32 with at most 3·3·4 products per output, so relative errors stay near
    // 1e-6 on the O(1) values used; 1e-5 absolute and relative leaves margin.
    private static let absolute = 1e-5
    private static let relative = 1e-5

    @Test("Output and gradients match Keras", arguments: try KerasLayerFixtures.cases())
    func matchesKeras(_ fixture: KerasLayerFixtureCase) throws {
        let layer = try LayerRegistry.makeLayer(from: fixture.params)
        #expect(type(of: layer as! any ConfigurableLayer).className == fixture.op)
        let x = try fixture.input("x").tensor()
        let mask = try fixture.inputs.first { $0.name == "mask" }?.tensor()
        layer.buildIfNeeded(inputShape: Array(x.shape.dropFirst()))
        let weights = fixture.inputs.filter { $0.name != "x" && $0.name != "mask" }
        #expect(layer.ownParameters.map(\.name) == weights.map(\.name), "\(fixture.name): parameters in Keras' order")
        for (parameter, weight) in zip(layer.ownParameters, weights) { parameter.assign(try weight.tensor()) }

        let leaf = x.requiringGrad()
        let output = layer(leaf, mask: mask)
        NNCheck.expectClose(output, fixture.outputs[0].values, shape: fixture.outputs[0].shape,
                            absolute: Self.absolute, relative: Self.relative, "\(fixture.name) output")
        let projection = try #require(fixture.weights[0], "\(fixture.name): no loss weight")
        output.backward(try projection.tensor())
        for (position, input) in fixture.inputs.enumerated() where input.dtype == "float32" {
            let inputName = input.name ?? "?"
            let expected = try #require(fixture.gradients[position], "\(fixture.name): no gradient for \(inputName)")
            let actual = inputName == "x" ? leaf.grad : layer.ownParameters.first { $0.name == inputName }?.grad
            NNCheck.expectClose(actual ?? .zeros(expected.shape), expected.values, shape: expected.shape,
                                absolute: Self.absolute, relative: Self.relative, "\(fixture.name) ∂\(inputName)")
        }
    }

    @Test("The fixture file covers every new layer, masks, strides, dilations and depth multipliers")
    func coverage() throws {
        let cases = try KerasLayerFixtures.cases()
        let ops = Set(cases.map(\.op))
        #expect(ops == ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "Cropping2D", "Permute", "RepeatVector",
                        "DepthwiseConv2D", "SeparableConv2D", "Conv1D", "Conv2DTranspose"])
        #expect(cases.contains { $0.inputs.contains { $0.name == "mask" } })
        let configs = cases.map(\.params)
        #expect(configs.contains { $0.className == "DepthwiseConv2D" && $0["depth_multiplier"] == 3 && $0["padding"] == "same" })
        #expect(configs.contains { $0.className == "DepthwiseConv2D" && $0["strides"] == [2, 2] && $0["dilation_rate"] == [2, 2] })
        #expect(configs.contains { $0.className == "SeparableConv2D" && $0["use_bias"] == false })
        #expect(configs.contains { $0.className == "Conv1D" && $0["padding"] == "causal" && $0["dilation_rate"] == [4] })
        #expect(configs.contains { $0.className == "Conv2DTranspose" && $0["output_padding"] == [2, 0] })
        #expect(configs.contains { $0.className == "Conv2DTranspose" && $0["dilation_rate"] == [2, 3] })
    }
}

/// Loading `Fixtures/layers.json`.
enum KerasLayerFixtures {
    struct File: Decodable {
        var cases: [KerasLayerFixtureCase]
    }

    struct MissingFile: Error, CustomStringConvertible {
        var group: String
        var description: String { "Fixtures/\(group).json is missing; run python3 scripts/generate_fixtures.py --only \(group)" }
    }

    /// The cases of `Fixtures/<group>.json` ("layers", "merge", "attention").
    static func cases(_ group: String = "layers") throws -> [KerasLayerFixtureCase] {
        guard let url = Bundle.module.url(forResource: group, withExtension: "json", subdirectory: "Fixtures") else {
            throw MissingFile(group: group)
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}

/// A tensor in the fixture file: dtype, shape, row-major values.
struct KerasLayerFixtureTensor: Decodable, Sendable {
    var name: String?
    var dtype: String
    var shape: [Int]
    var values: [Float]

    struct UnknownDType: Error { var dtype: String }

    func tensor() throws -> Tensor {
        switch dtype {
        case "float32": return Tensor(values, shape: shape)
        case "bool": return Tensor(bool: values.map { $0 != 0 }, shape: shape)
        default: throw UnknownDType(dtype: dtype)
        }
    }
}

/// One case: a Keras layer (`op`, its class name) with its Keras config (`params`),
/// inputs `x`, the weights in Keras' order and an optional `mask`, the expected
/// output, the weight of `sum(output · weight)` and its gradients per input.
struct KerasLayerFixtureCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var op: String
    var params: LayerConfig
    var inputs: [KerasLayerFixtureTensor]
    var outputs: [KerasLayerFixtureTensor]
    var weights: [KerasLayerFixtureTensor?]
    var gradients: [KerasLayerFixtureTensor?]

    var testDescription: String { name }

    struct MissingInput: Error { var name: String }

    func input(_ name: String) throws -> KerasLayerFixtureTensor {
        guard let input = inputs.first(where: { $0.name == name }) else { throw MissingInput(name: name) }
        return input
    }
}
