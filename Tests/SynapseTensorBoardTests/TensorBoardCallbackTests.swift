import Foundation
import Testing
import SynapseTraining
@testable import SynapseTensorBoard

@Suite("TensorBoard callback")
struct TensorBoardCallbackTests {
    /// y = 2x + 1 with noise-free points, a one-Dense regressor and SGD.
    private func regression() -> (Sequential, x: Tensor, y: Tensor, validation: (x: Tensor, y: Tensor)) {
        let xs = (0..<12).map { Float($0) / 12 }
        let x = Tensor(xs, shape: [12, 1])
        let y = Tensor(xs.map { 2 * $0 + 1 }, shape: [12, 1])
        let validation = (Tensor([0.05, 0.55], shape: [2, 1]), Tensor([1.1, 2.1], shape: [2, 1]))
        let model = Sequential {
            Input(shape: [1])
            Dense(4, activation: .tanh, kernelInitializer: .glorotUniform(seed: 3))
            Dense(1, kernelInitializer: .glorotUniform(seed: 4))
        }
        model.compile(optimizer: SGD(learningRate: 0.1), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        return (model, x, y, validation)
    }

    @Test("epoch scalars: training values in train/, val_ values under the same names in validation/, learning rate")
    func epochScalars() throws {
        let logDir = EventFileReading.temporaryDirectory("epochs")
        defer { try? FileManager.default.removeItem(atPath: logDir) }
        let (model, x, y, validation) = regression()
        let history = model.fit(x: x, y: y, epochs: 3, batchSize: 4, validationData: validation,
                                callbacks: [TensorBoard(logDir: logDir)], verbose: 0)
        let train = try EventFileReading.scalars(in: logDir + "/train")
        let validationScalars = try EventFileReading.scalars(in: logDir + "/validation")
        #expect(Set(train.keys) == ["epoch_loss", "epoch_mae", "epoch_learning_rate"])
        #expect(Set(validationScalars.keys) == ["epoch_loss", "epoch_mae"])
        for (name, scalars) in [("loss", train["epoch_loss"]!), ("mae", train["epoch_mae"]!),
                                ("val_loss", validationScalars["epoch_loss"]!), ("val_mae", validationScalars["epoch_mae"]!)] {
            #expect(scalars.map(\.step) == [0, 1, 2])
            #expect(scalars.map(\.value) == history.values[name]!, "\(name)")
        }
        #expect(train["epoch_learning_rate"]!.map(\.value) == [0.1, 0.1, 0.1])
    }

    @Test("batch scalars every n global batches, counted across epochs")
    func batchScalars() throws {
        let logDir = EventFileReading.temporaryDirectory("batches")
        defer { try? FileManager.default.removeItem(atPath: logDir) }
        let (model, x, y, _) = regression()
        model.fit(x: x, y: y, epochs: 2, batchSize: 4, callbacks: [TensorBoard(logDir: logDir, updateFrequency: .batches(2))],
                  verbose: 0)
        let train = try EventFileReading.scalars(in: logDir + "/train")
        // 3 batches per epoch, 6 in all: written after global batches 2, 4 and 6.
        #expect(train["batch_loss"]!.map(\.step) == [2, 4, 6])
        #expect(train["batch_mae"]!.count == 3)
        #expect(!FileManager.default.fileExists(atPath: logDir + "/validation"))

        let everyBatch = EventFileReading.temporaryDirectory("every-batch")
        defer { try? FileManager.default.removeItem(atPath: everyBatch) }
        model.fit(x: x, y: y, epochs: 1, batchSize: 4, callbacks: [TensorBoard(logDir: everyBatch, updateFrequency: .batch)],
                  verbose: 0)
        #expect(try EventFileReading.scalars(in: everyBatch + "/train")["batch_loss"]!.map(\.step) == [1, 2, 3])
    }

    @Test("histograms of every weight and of the last step's gradients, at the chosen epochs; weights as pictures")
    func histogramsAndImages() throws {
        let logDir = EventFileReading.temporaryDirectory("histograms")
        defer { try? FileManager.default.removeItem(atPath: logDir) }
        let (model, x, y, _) = regression()
        var transformCalls = 0
        model.optimizer!.gradientTransform = { _ in transformCalls += 1 }
        let callback = TensorBoard(logDir: logDir, histogramFrequency: 2, writeImages: true)
        model.fit(x: x, y: y, epochs: 3, batchSize: 6, callbacks: [callback], verbose: 0)
        #expect(transformCalls == 6, "the callback chains an existing gradient transform")
        #expect(model.optimizer!.gradientTransform != nil, "and puts it back after training")

        let values = try EventFileReading.values(in: logDir + "/train")
        let histograms = values.filter { if case .histo? = $0.value.value { return true } else { return false } }
        let names = TensorBoard.taggedParameters(of: model).map(\.tag)
        #expect(names == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"])
        let expectedTags = Set(names + names.map { $0 + "/gradient" })
        #expect(Set(histograms.map(\.value.tag)) == expectedTags)
        #expect(Set(histograms.map(\.step)) == [0, 2], "histogramFrequency 2 over 3 epochs writes epochs 0 and 2")
        // The last epoch's weight histograms describe the final weights.
        for (tag, parameter) in TensorBoard.taggedParameters(of: model) {
            let histogram = try #require(histograms.last { $0.value.tag == tag && $0.step == 2 }).value.histo
            let scalars = parameter.value.scalars.map(Double.init)
            #expect(histogram.num == Double(scalars.count))
            #expect(abs(histogram.sum - scalars.reduce(0, +)) < 1e-5)
            #expect(histogram.min == scalars.min()! && histogram.max == scalars.max()!)
            #expect(histogram.bucket.reduce(0, +) == Double(scalars.count))
        }
        // Kernels (2-D) as pictures; biases (1-D) have none.
        let images = values.filter { if case .image? = $0.value.value { return true } else { return false } }
        #expect(Set(images.map(\.value.tag)) == Set(names.filter { $0.hasSuffix("kernel") }.map { $0 + "/image" }))
    }

    @Test("epoch summaries write the user's pictures and texts; their errors do not stop training")
    func epochSummaries() throws {
        let logDir = EventFileReading.temporaryDirectory("custom")
        defer { try? FileManager.default.removeItem(atPath: logDir) }
        let (model, x, y, _) = regression()
        let callback = TensorBoard(logDir: logDir) { writer, model, epoch in
            try writer.text("prediction", "epoch \(epoch): \(model.predict(x[0..<1]).scalars[0])", step: epoch)
            if epoch == 1 { throw TensorBoardError.invalidSummary(tag: "boom", reason: "on purpose") }
            try writer.images("grid", Tensor.zeros([2, 3, 3, 1]), step: epoch)
        }
        let history = model.fit(x: x, y: y, epochs: 3, batchSize: 4, callbacks: [callback], verbose: 0)
        #expect(history.values["loss"]!.count == 3)
        let values = try EventFileReading.values(in: logDir + "/train")
        #expect(values.filter { $0.value.tag == "prediction" }.map(\.step) == [0, 1, 2])
        #expect(values.filter { $0.value.tag == "grid" }.map(\.step) == [0, 2])
    }

    @Test("a log folder that cannot be created turns the callback off; training goes on")
    func unwritableFolder() throws {
        let file = EventFileReading.temporaryDirectory("not-a-folder")
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0])))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let (model, x, y, validation) = regression()
        let history = model.fit(x: x, y: y, epochs: 2, batchSize: 4, validationData: validation,
                                callbacks: [TensorBoard(logDir: file, updateFrequency: .batch, histogramFrequency: 1)], verbose: 0)
        #expect(history.values["val_loss"]!.count == 2)
        #expect(model.optimizer!.gradientTransform == nil)
    }
}
