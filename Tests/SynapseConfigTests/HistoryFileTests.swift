import Foundation
import Testing
@testable import SynapseConfig

@Suite("History files: JSON, CSV and CSV logs read back")
struct HistoryFileTests {
    private func sample() -> History {
        let history = History()
        history.record(epoch: 0, logs: ["loss": 0.9, "accuracy": 0.5, "val_loss": 1.0])
        history.record(epoch: 1, logs: ["loss": 0.5, "accuracy": 0.75, "val_loss": .nan])
        return history
    }

    @Test("history.json and history.csv give back the same epochs and values")
    func roundTrip() throws {
        let folder = try ConfigFixtures.folder()
        let json = folder.appendingPathComponent("history.json")
        let csv = folder.appendingPathComponent("history.csv")
        try HistoryFile.jsonData(sample()).write(to: json)
        try Data(sample().csv().utf8).write(to: csv)
        for url in [json, csv] {
            let history = try HistoryFile.read(from: url)
            #expect(history.epochs == [0, 1])
            #expect(history.values["loss"] == [0.9, 0.5])
            #expect(history.values["accuracy"] == [0.5, 0.75])
            #expect(history.values["val_loss"]?.last?.isNaN == true)
        }
    }

    @Test("A file that is not a history is refused with its path")
    func notAHistory() throws {
        let url = try ConfigFixtures.file("notes.json", "{\"hello\": 1}")
        #expect { try HistoryFile.read(from: url) } throws: { "\($0)".contains("notes.json: not a history file") }
        let csv = try ConfigFixtures.file("table.csv", "a,b\n1,2\n")
        #expect { try HistoryFile.read(from: csv) } throws: { "\($0)".contains("\"epoch\" column") }
    }
}
