import Foundation
import Testing
@testable import SynapseTraining

@Suite("CSVLogger")
struct CSVLoggerTests {
    /// A fresh path in the temporary directory (the file does not exist yet).
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("synapse-csvlogger-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
    }

    private func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    private func compiledModel() -> (Sequential, train: (x: Tensor, y: Tensor), validation: (x: Tensor, y: Tensor)) {
        let model = TrainingFixtures.regressor()
        model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError(name: "mae")])
        return (model, TrainingFixtures.linearData(count: 12), TrainingFixtures.linearData(count: 5))
    }

    @Test("writes a header and one row per epoch: epoch, training values, then val_ values")
    func writesRows() throws {
        let path = temporaryPath("rows.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (model, train, validation) = compiledModel()
        let history = model.fit(x: train.x, y: train.y, epochs: 3, batchSize: 4, validationData: validation,
                                callbacks: [CSVLogger(path: path)], verbose: 0)
        let lines = try contents(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5, "header, 3 rows, and the final newline")
        #expect(lines[0] == "epoch,loss,mae,val_loss,val_mae")
        #expect(lines.last == "")
        for epoch in 0..<3 {
            let cells = lines[epoch + 1].split(separator: ",").map(String.init)
            #expect(cells[0] == String(epoch))
            let values = cells.dropFirst().compactMap(Float.init)
            let expected = ["loss", "mae", "val_loss", "val_mae"].map { history.values[$0]![epoch] }
            #expect(values == expected, "row \(epoch): \(cells)")
        }
        // The same text as the History's own CSV.
        #expect(try contents(path) == history.csv())
    }

    @Test("each row is on disk as soon as its epoch ends")
    func flushesEveryEpoch() throws {
        final class ReadsFile: Callback {
            let path: String
            var lineCounts: [Int] = []
            init(path: String) { self.path = path }
            func onEpochEnd(_ epoch: Int, logs: Logs) {
                let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                lineCounts.append(text.split(separator: "\n").count)
            }
        }
        let path = temporaryPath("flush.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (model, train, _) = compiledModel()
        let reader = ReadsFile(path: path)
        model.fit(x: train.x, y: train.y, epochs: 3, batchSize: 6, callbacks: [CSVLogger(path: path), reader], verbose: 0)
        #expect(reader.lineCounts == [2, 3, 4])
    }

    @Test("append adds rows to an existing log without a second header; the default replaces it")
    func appendMode() throws {
        let path = temporaryPath("append.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (model, train, _) = compiledModel()
        model.fit(x: train.x, y: train.y, epochs: 2, batchSize: 6, callbacks: [CSVLogger(path: path)], verbose: 0)
        model.fit(x: train.x, y: train.y, epochs: 4, batchSize: 6, callbacks: [CSVLogger(path: path, append: true)],
                  verbose: 0, initialEpoch: 2)
        let appended = try contents(path).split(separator: "\n").map(String.init)
        #expect(appended.count == 5)
        #expect(appended.filter { $0.hasPrefix("epoch") }.count == 1)
        #expect(appended.dropFirst().map { $0.split(separator: ",")[0] } == ["0", "1", "2", "3"])

        model.fit(x: train.x, y: train.y, epochs: 1, batchSize: 6, callbacks: [CSVLogger(path: path)], verbose: 0)
        let replaced = try contents(path).split(separator: "\n").map(String.init)
        #expect(replaced.count == 2)
        #expect(replaced[1].hasPrefix("0,"))
    }

    @Test("append to a file that does not exist yet writes the header")
    func appendToNewFile() throws {
        let path = temporaryPath("fresh.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (model, train, _) = compiledModel()
        model.fit(x: train.x, y: train.y, epochs: 1, batchSize: 6, callbacks: [CSVLogger(path: path, append: true)], verbose: 0)
        #expect(try contents(path).hasPrefix("epoch,loss,mae\n0,"))
    }

    @Test("a custom separator is used between every value")
    func separator() throws {
        let path = temporaryPath("semicolon.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (model, train, _) = compiledModel()
        model.fit(x: train.x, y: train.y, epochs: 1, batchSize: 6, callbacks: [CSVLogger(path: path, separator: ";")], verbose: 0)
        let lines = try contents(path).split(separator: "\n").map(String.init)
        #expect(lines[0] == "epoch;loss;mae")
        #expect(lines[1].split(separator: ";").count == 3)
        #expect(!lines[1].contains(","))
    }

    @Test("an unwritable path prints a message and training goes on")
    func unwritablePath() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let model = TrainingFixtures.regressor()
            model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
            let data = TrainingFixtures.linearData(count: 8)
            let history = model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4,
                                    callbacks: [CSVLogger(path: "/nonexistent-synapse-directory/log.csv")], verbose: 0)
            precondition(history.epochs == [0, 1], "training did not go on")
        }
        let output = TrainingFixtures.text(try #require(result).standardOutputContent)
        #expect(output.contains("CSVLogger: cannot open /nonexistent-synapse-directory/log.csv for writing (No such file or directory); not logging"),
                "output: \(output)")
    }
}
