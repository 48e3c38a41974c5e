import Testing
@testable import SynapseTraining

@Suite("Model.compile")
struct ModelCompileTests {
    @Test("Keras names resolve to the optimizer, loss and metric objects")
    func kerasNames() throws {
        let model = Sequential { Input(shape: [3]); Dense(2) }
        try model.compile(optimizer: "adam", loss: "mse", metrics: ["mae", "rmse"])
        #expect(model.optimizer is Adam)
        #expect(model.optimizer?.learningRate == 0.001, "Keras' default Adam learning rate")
        #expect(model.loss is MeanSquaredError)
        #expect(model.metrics.map(\.name) == ["mae", "rmse"])
        #expect(model.metrics.first is Metrics.MeanAbsoluteError)
        #expect(model.metrics.last is Metrics.RootMeanSquaredError)
    }

    @Test("optimizer names ignore case, so Keras' class names work", arguments: [
        ("SGD", "SGD"), ("RMSprop", "RMSprop"), ("Adagrad", "Adagrad"), ("AdamW", "AdamW"), ("adam", "Adam"),
    ])
    func optimizerNames(name: String, typeName: String) throws {
        let model = Sequential { Dense(1) }
        try model.compile(optimizer: name, loss: "mse")
        let optimizer = try #require(model.optimizer)
        #expect(String(describing: type(of: optimizer)) == typeName)
    }

    @Test("compile(optimizer: object, loss: name) keeps the optimizer object")
    func keepsOptimizerObject() throws {
        let optimizer = SGD(learningRate: 0.3)
        let model = Sequential { Input(shape: [2]); Dense(1) }
        try model.compile(optimizer: optimizer, loss: "binary_crossentropy")
        #expect(model.optimizer === optimizer)
        #expect(model.loss is BinaryCrossentropy)
    }

    @Test("an unknown optimizer name throws unknownName with every known name")
    func unknownOptimizer() {
        let model = Sequential { Dense(1) }
        #expect(throws: ModelError.unknownName(kind: "optimizer", name: "adamax", known: Optimizers.names)) {
            try model.compile(optimizer: "adamax", loss: "mse")
        }
        #expect(model.optimizer == nil, "a failed compile must not half-configure the model")
    }

    @Test("an unknown loss name throws unknownName with every known loss")
    func unknownLoss() {
        let model = Sequential { Dense(1) }
        #expect(throws: ModelError.unknownName(kind: "loss", name: "hinge", known: Losses.names)) {
            try model.compile(optimizer: "sgd", loss: "hinge")
        }
        #expect(model.loss == nil)
    }

    @Test("an unknown metric name throws unknownName with every name Metrics.named accepts")
    func unknownMetric() {
        let model = Sequential { Dense(1) }
        #expect(throws: ModelError.unknownName(kind: "metric", name: "f1", known: Metrics.names)) {
            try model.compile(optimizer: "sgd", loss: "mse", metrics: ["mae", "f1"])
        }
        // Every name in the list really is accepted.
        for name in Metrics.names {
            #expect(Metrics.named(name, loss: "mse") != nil, "\(name) is listed as known but not accepted")
        }
    }

    @Test("the unknown-name error reads: kind, name in quotes, the known names")
    func errorDescription() {
        let error = ModelError.unknownName(kind: "loss", name: "hinge", known: ["mse", "mae"])
        #expect(error.description == "unknown loss \"hinge\"; known: mse, mae")
        #expect(ModelError.invalidData("bad split").description == "bad split")
    }

    @Test("\"accuracy\" resolves from the loss, as Keras", arguments: [
        ("binary_crossentropy", "BinaryAccuracy"),
        ("categorical_crossentropy", "CategoricalAccuracy"),
        ("sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
        ("mse", "InferredAccuracy"),
    ])
    func accuracyFromLoss(loss: String, typeName: String) throws {
        let model = Sequential { Dense(1) }
        try model.compile(optimizer: "sgd", loss: loss, metrics: ["accuracy"])
        let metric = try #require(model.metrics.first)
        #expect(String(describing: type(of: metric)) == typeName)
        #expect(metric.name == "accuracy", "Keras logs the string the user passed")
    }

    @Test("\"acc\" resolves like \"accuracy\" and keeps its name in the logs")
    func accAlias() throws {
        let model = TrainingFixtures.regressor()
        try model.compile(optimizer: "sgd", loss: "binary_crossentropy", metrics: ["acc"])
        #expect(model.metrics.first is Metrics.BinaryAccuracy)
        let x = Tensor([[0, 0], [1, 1]])
        let logs = model.testOnBatch(x: x, y: Tensor([[0], [1]]))
        #expect(logs.keys.sorted() == ["acc", "loss"])
    }

    @Test("with mse, \"accuracy\" picks its kind from the first batch's shapes")
    func inferredAccuracy() throws {
        let model = TrainingFixtures.regressor()
        try model.compile(optimizer: "sgd", loss: "mse", metrics: ["accuracy"])
        let metric = try #require(model.metrics.first as? Metrics.InferredAccuracy)
        #expect(metric.kind == nil)
        _ = model.testOnBatch(x: Tensor([[0, 0], [1, 1]]), y: Tensor([[0], [1]]))
        #expect(metric.kind == .binary)
    }

    @Test("with an Input, compile builds the model and hands the optimizer every trainable parameter")
    func compileBuildsFromInput() {
        let model = Sequential {
            Input(shape: [4])
            Dense(3)
            Dense(2, name: "frozen")
        }
        model.layers[2].isTrainable = false
        #expect(!model.isBuilt)
        let optimizer = SGD()
        model.compile(optimizer: optimizer, loss: MeanSquaredError())
        #expect(model.isBuilt)
        #expect(model.parameters.count == 4)
        #expect(optimizer.parameters.count == 2, "frozen parameters are not handed to the optimizer")
        #expect(zip(optimizer.parameters, model.layers[1].parameters).allSatisfy { $0 === $1 })
    }

    @Test("without an Input, the optimizer receives the parameters at the first training step")
    func lazyBuildAssignsParameters() {
        let model = Sequential { TrainingFixtures.dense(3, seed: 1); TrainingFixtures.dense(1, seed: 2) }
        let optimizer = SGD(learningRate: 0.1)
        model.compile(optimizer: optimizer, loss: MeanSquaredError())
        #expect(!model.isBuilt)
        #expect(optimizer.parameters.isEmpty)
        _ = model.trainOnBatch(x: Tensor([[1, 2], [3, 4]]), y: Tensor([[1], [0]]))
        #expect(model.isBuilt)
        #expect(optimizer.parameters.count == 4)
        #expect(zip(optimizer.parameters, model.parameters).allSatisfy { $0 === $1 })
        #expect(optimizer.iterations == 1)
    }

    @Test("compiling again replaces optimizer, loss and metrics")
    func recompile() throws {
        let model = TrainingFixtures.regressor()
        try model.compile(optimizer: "adam", loss: "mse", metrics: ["mae"])
        try model.compile(optimizer: "sgd", loss: "mae")
        #expect(model.optimizer is SGD)
        #expect(model.loss is MeanAbsoluteError)
        #expect(model.metrics.isEmpty)
        #expect(model.optimizer?.parameters.count == 4)
    }

    @Test("training before compile stops with a message naming compile")
    func trainingBeforeCompileStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let model = Sequential { Dense(1) }
            _ = model.fit(x: Tensor([[1]]), y: Tensor([[1]]), verbose: 0)
        }
        if let result {
            #expect(TrainingFixtures.text(result.standardErrorContent).contains("call compile(optimizer:loss:metrics:)"))
        }
    }
}
