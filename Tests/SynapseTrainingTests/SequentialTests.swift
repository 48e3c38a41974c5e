import Testing
@testable import SynapseTraining

@Suite("Sequential")
struct SequentialTests {
    @Test("the builder accepts if, if-else, for loops and arrays of layers")
    func builderControlFlow() {
        for (withDropout, widths) in [(true, [8, 4]), (false, [6])] {
            let model = Sequential {
                Input(shape: [3])
                for width in widths {
                    Dense(width, activation: .relu)
                }
                if withDropout {
                    Dropout(0.2)
                }
                if widths.count > 1 {
                    Dense(2)
                } else {
                    Flatten()
                }
                [Dense(1), Activation(.sigmoid)]
            }
            let types = model.layers.map { String(describing: type(of: $0)) }
            let expected = ["Input"] + widths.map { _ in "Dense" } + (withDropout ? ["Dropout"] : [])
                + [widths.count > 1 ? "Dense" : "Flatten", "Dense", "Activation"]
            #expect(types == expected)
        }
    }

    @Test("add() appends layers to a model built from an array or nothing")
    func addAppends() {
        let model = Sequential([Dense(4)])
        model.add(Dense(2))
        model.add(Dense(1))
        #expect(model.layers.map(\.name) == ["dense", "dense_1", "dense_2"])
        let output = model(Tensor.zeros([3, 5]))
        #expect(output.shape == [3, 1])
        #expect(Sequential().layers.isEmpty)
    }

    @Test("unnamed layers get unique Keras names per type: dense, dense_1, ...; explicit names are kept")
    func uniqueNames() {
        let model = Sequential {
            Dense(8, name: "dense_1")
            Dense(8)
            Dropout(0.1)
            Dense(8)
            Dropout(0.1)
            Dense(1, name: "head")
        }
        #expect(model.layers.map(\.name) == ["dense_1", "dense", "dropout", "dense_2", "dropout_1", "head"])
        #expect(model.name == "sequential")
        #expect(Sequential(name: "classifier") { Dense(1) }.name == "classifier")
    }

    @Test("a second model starts its own numbering")
    func namesArePerModel() {
        let first = Sequential { Dense(1); Dense(1) }
        let second = Sequential { Dense(1) }
        #expect(first.layers.map(\.name) == ["dense", "dense_1"])
        #expect(second.layers.map(\.name) == ["dense"])
    }

    @Test("parameters are named layer.kernel inside the model, model.layer.kernel from the model (Keras' path)")
    func parameterNames() {
        let model = Sequential {
            Input(shape: [4])
            Dense(3)
            Dense(2, useBias: false)
        }
        model.buildFromDeclaredInput()
        #expect(model.layers.flatMap(\.namedParameters).map(\.name) == ["dense.kernel", "dense.bias", "dense_1.kernel"])
        #expect(model.namedParameters.map(\.name)
                == ["sequential.dense.kernel", "sequential.dense.bias", "sequential.dense_1.kernel"])
        #expect(model.namedParameters[2].parameter === (model.layers[2] as? Dense)?.kernel)
    }

    @Test("an Input declaration builds the model at compile and at summary, with per-layer shapes")
    func inputBuilds() {
        let compiled = Sequential { Input(shape: [5]); Dense(4); Dense(2) }
        #expect(!compiled.isBuilt)
        compiled.compile(optimizer: SGD(), loss: MeanSquaredError())
        #expect(compiled.isBuilt)
        #expect(compiled.inputShape == [5])
        #expect(compiled.layers.map(\.outputShape) == [[5], [4], [2]])
        #expect(compiled.parameterCount == 5 * 4 + 4 + 4 * 2 + 2)

        let summarised = Sequential { Input(shape: [3]); Dense(7) }
        _ = summarised.summaryText()
        #expect(summarised.isBuilt)
        #expect(summarised.parameterCount == 28)
    }

    @Test("an int32 Input builds with an integer probe")
    func integerInput() {
        final class CastToFloat: Layer {
            override var ownParameters: [Parameter] { [] }
            override var sublayers: [Layer] { [] }
            override func forward(_ input: Tensor, training: Bool) -> Tensor {
                precondition(input.dtype == .int32, "expected int32 input, got \(input.dtype)")
                return input.to(.float32)
            }
        }
        let model = Sequential { Input(shape: [3], dtype: .int32); CastToFloat(); Dense(2) }
        model.buildFromDeclaredInput()
        #expect(model.isBuilt)
        #expect(model(Tensor(int32: [1, 2, 3], shape: [1, 3])).shape == [1, 2])
    }

    @Test("without an Input, the model builds at its first call")
    func lazyBuild() {
        let model = Sequential { Dense(3); Dense(1) }
        model.compile(optimizer: SGD(), loss: MeanSquaredError())
        #expect(!model.isBuilt)
        #expect(model.parameterCount == 0)
        _ = model(Tensor.zeros([2, 6]))
        #expect(model.isBuilt)
        #expect(model.parameterCount == 6 * 3 + 3 + 3 + 1)
    }

    @Test("duplicate explicit names stop with a message")
    func duplicateExplicitNamesStop() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Sequential {
                Dense(2, name: "hidden")
                Dense(1, name: "hidden")
            }
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent)
                .contains("Sequential.add: a layer named 'hidden' is already in the model"))
        }
    }

    @Test("adding the same layer twice stops with a message")
    func sameLayerTwiceStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let layer = Dense(2)
            _ = Sequential([layer, layer])
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("is already in the model"))
        }
    }

    @Test("adding a layer to a built model stops with a message")
    func addAfterBuildStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Sequential { Dense(2) }
            _ = model(Tensor.zeros([1, 3]))
            model.add(Dense(1))
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("cannot add 'dense_1' to a model that is already built"))
        }
    }
}
