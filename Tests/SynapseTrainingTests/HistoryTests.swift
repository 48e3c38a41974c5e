import Foundation
import Testing
@testable import SynapseTraining

@Suite("History")
struct HistoryTests {
    @Test("record appends one value per key and epoch, padding keys that appear later with NaN")
    func recordPads() {
        let history = History()
        history.record(epoch: 0, logs: ["loss": 1])
        history.record(epoch: 1, logs: ["loss": 0.5, "val_loss": 0.75])
        history.record(epoch: 2, logs: ["val_loss": 0.25])
        #expect(history.epochs == [0, 1, 2])
        #expect(history.values["loss"]?.prefix(2) == [1, 0.5])
        #expect(history.values["loss"]?.last?.isNaN == true)
        #expect(history.values["val_loss"]?.first?.isNaN == true)
        #expect(history.values["val_loss"]?.dropFirst() == [0.75, 0.25])
    }

    @Test("keys list training quantities first, then val_ ones, each sorted")
    func keyOrder() {
        let history = History()
        history.record(epoch: 0, logs: ["val_loss": 1, "loss": 2, "val_accuracy": 3, "accuracy": 4, "auc": 5])
        #expect(history.keys == ["accuracy", "auc", "loss", "val_accuracy", "val_loss"])
    }

    @Test("csv() has an epoch column then one column per key, one row per epoch")
    func csv() {
        let history = History()
        history.record(epoch: 3, logs: ["loss": 0.5, "val_loss": 0.25])
        history.record(epoch: 4, logs: ["loss": 0.125, "val_loss": 1.5])
        #expect(history.csv() == "epoch,loss,val_loss\n3,0.5,0.25\n4,0.125,1.5\n")
        #expect(History().csv() == "epoch\n")
    }

    @Test("csv() values read back as the same floats")
    func csvRoundTrip() throws {
        let history = History()
        let values: [Float] = [0.1, 1.0 / 3, 1e-7, 123456.79]
        for (epoch, value) in values.enumerated() { history.record(epoch: epoch, logs: ["loss": value]) }
        let rows = history.csv().split(separator: "\n").dropFirst()
        let parsed = try rows.map { row in try #require(Float(String(row.split(separator: ",")[1]))) }
        #expect(parsed == values)
    }

    @Test("a History round-trips through JSON")
    func codable() throws {
        let history = History()
        history.record(epoch: 0, logs: ["loss": 0.5, "accuracy": 0.75])
        history.record(epoch: 1, logs: ["loss": 0.25, "accuracy": 0.875])
        let decoded = try JSONDecoder().decode(History.self, from: JSONEncoder().encode(history))
        #expect(decoded.epochs == history.epochs)
        #expect(decoded.values == history.values)
    }

    @Test("fit's history records what the callbacks saw at every epoch end")
    func matchesEpochLogs() {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
        let data = TrainingFixtures.linearData(count: 12)
        let hooks = HookRecorder()
        let history = model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 5, validationSplit: 0.25, callbacks: [hooks], verbose: 0)
        #expect(history.values["loss"] == hooks.epochLogs.map { $0["loss"]! })
        #expect(history.values["val_loss"] == hooks.epochLogs.map { $0["val_loss"]! })
    }

    @Test("trainingCurves: one chart per quantity, with the validation series when recorded")
    func trainingCurves() {
        let history = History()
        history.record(epoch: 0, logs: ["loss": 1, "val_loss": 1.5, "accuracy": 0.5])
        history.record(epoch: 1, logs: ["loss": 0.5, "val_loss": 0.75, "accuracy": 0.75])
        let charts = history.trainingCurves(title: "run")
        #expect(charts.map(\.title) == ["run: accuracy", "run: loss"])
        #expect(charts[0].series.map(\.name) == ["train"])
        #expect(charts[1].series.map(\.name) == ["train", "validation"])
        #expect(charts[1].series[0].x == [1, 2], "epochs are numbered from 1 on the x axis")
        #expect(charts[1].series[0].y == [1, 0.5])
        #expect(charts[1].series[1].y == [1.5, 0.75])
        #expect(charts[1].xLabel == "epoch")
    }

    @Test("writeTrainingCurves writes an SVG and a PNG per quantity")
    func writeCurves() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("synapse-history-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let history = History()
        history.record(epoch: 0, logs: ["loss": 1, "val_loss": 2])
        history.record(epoch: 1, logs: ["loss": 0.5, "val_loss": 1])
        let written = try history.writeTrainingCurves(to: directory, name: "demo")
        #expect(written.map(\.lastPathComponent) == ["demo_loss.svg", "demo_loss.png"])
        let svg = try String(contentsOf: written[0], encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        let png = try Data(contentsOf: written[1])
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}
