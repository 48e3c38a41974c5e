import Testing
@testable import SynapseTraining

/// Standard output is shared by every test in the process, so the tests that read
/// what the bar prints run in their own process (an exit test) and observe its output.
@Suite("ProgressBar")
struct ProgressBarTests {
    @Test("values print with four decimals, or in scientific notation when tiny or huge")
    func valueFormat() {
        #expect(ProgressBar.format(0.5) == "0.5000")
        #expect(ProgressBar.format(0) == "0.0000")
        #expect(ProgressBar.format(-0.25) == "-0.2500")
        #expect(ProgressBar.format(12.34567) == "12.3457")
        #expect(ProgressBar.format(1e-4) == "1.0000e-04")
        #expect(ProgressBar.format(123_456) == "1.2346e+05")
        #expect(ProgressBar.format(.nan) == "nan")
        #expect(ProgressBar.format(.infinity) == "inf")
    }

    @Test("durations: seconds, minutes and seconds; per-step times in ms or us below a second")
    func durationFormat() {
        #expect(ProgressBar.duration(0.2) == "0s")
        #expect(ProgressBar.duration(5.4) == "5s")
        #expect(ProgressBar.duration(59.4) == "59s")
        #expect(ProgressBar.duration(75) == "1m15s")
        #expect(ProgressBar.duration(3725) == "62m5s")
        #expect(ProgressBar.duration(0.012, perStep: true) == "12ms")
        #expect(ProgressBar.duration(0.00025, perStep: true) == "250us")
        #expect(ProgressBar.duration(2.5, perStep: true) == "3s")
    }

    @Test("outside a terminal: one line per epoch with counter, bar, timing and sorted logs")
    func lineMode() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let bar = ProgressBar(epochs: 2, stepsPerEpoch: 3, inPlace: false)
            for epoch in 0..<2 {
                bar.onEpochBegin(epoch, logs: [:])
                for batch in 0..<3 {
                    bar.onTrainBatchBegin(batch, logs: [:])
                    bar.onTrainBatchEnd(batch, logs: ["loss": 0.5])
                }
                bar.onEpochEnd(epoch, logs: ["val_loss": 0.25, "loss": 0.5, "accuracy": 0.75])
            }
            let unknown = ProgressBar(epochs: 1, stepsPerEpoch: nil, inPlace: false)
            unknown.onEpochBegin(0, logs: [:])
            for batch in 0..<4 { unknown.onTrainBatchEnd(batch, logs: ["loss": 1]) }
            unknown.onEpochEnd(0, logs: ["loss": 1])
        }
        let output = TrainingFixtures.text(try #require(result).standardOutputContent)
        let lines = output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("Epoch") }
        try #require(lines.count == 3, "output:\n\(output)")
        #expect(!output.contains("\r"), "no carriage returns outside a terminal")
        let full = String(repeating: "━", count: 20)
        for (index, line) in lines.prefix(2).enumerated() {
            let pattern = try Regex("^Epoch \(index + 1)/2 - 3/3 \(full) \\d+s \\d+(us|ms)/step - accuracy: 0\\.7500 - loss: 0\\.5000 - val_loss: 0\\.2500$")
            #expect(line.wholeMatch(of: pattern) != nil, "line: \(line)")
        }
        #expect(lines[2].wholeMatch(of: try Regex("^Epoch 1/1 - 4 steps \\d+s - loss: 1\\.0000$")) != nil, "line: \(lines[2])")
    }

    @Test("in a terminal: a heading per epoch, then one line redrawn with carriage returns")
    func inPlaceMode() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let bar = ProgressBar(epochs: 1, stepsPerEpoch: 4, inPlace: true)
            bar.onEpochBegin(0, logs: [:])
            for batch in 0..<4 { bar.onTrainBatchEnd(batch, logs: ["loss": 2]) }
            bar.onEpochEnd(0, logs: ["loss": 2])
        }
        let output = TrainingFixtures.text(try #require(result).standardOutputContent)
        #expect(output.hasPrefix("Epoch 1/1\n"), "output: \(output.debugDescription)")
        // The first batch draws at once; the last batch and the epoch end redraw the full bar.
        let quarter = String(repeating: "━", count: 5) + String(repeating: "─", count: 15)
        #expect(output.contains("\r1/4 \(quarter) ETA: "), "output: \(output.debugDescription)")
        #expect(output.contains("\r4/4 \(String(repeating: "━", count: 20)) "))
        #expect(output.contains("- loss: 2.0000\u{1B}[K"))
        #expect(output.hasSuffix("\u{1B}[K\n"))
    }

    @Test("fit prints one line per epoch with verbose 2 (and with 1 outside a terminal), nothing with 0")
    func fitVerbosity() async throws {
        let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let model = TrainingFixtures.regressor()
            model.compile(optimizer: SGD(learningRate: 0.05), loss: MeanSquaredError())
            let data = TrainingFixtures.linearData(count: 8)
            print("verbose 0")
            model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, verbose: 0)
            print("verbose 2")
            model.fit(x: data.x, y: data.y, epochs: 3, batchSize: 4, verbose: 2)
            print("verbose 1")
            model.fit(x: data.x, y: data.y, epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 1)
            print("done")
        }
        let output = TrainingFixtures.text(try #require(result).standardOutputContent)
        let lines = output.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "verbose 0"), "output:\n\(output)")
        let marks = ["verbose 2", "verbose 1", "done"].compactMap { lines.firstIndex(of: $0) }
        try #require(marks.count == 3, "output:\n\(output)")
        #expect(marks[0] == start + 1, "verbose 0 printed: \(lines[start..<marks[0]])")
        let verbose2 = lines[(marks[0] + 1)..<marks[1]]
        #expect(verbose2.count == 3)
        #expect(zip(verbose2, 1...3).allSatisfy { $0.hasPrefix("Epoch \($1)/3 - 2/2 ") && $0.contains(" - loss: ") })
        let verbose1 = lines[(marks[1] + 1)..<marks[2]]
        #expect(verbose1.count == 2)
        #expect(verbose1.allSatisfy { $0.contains(" - loss: ") && $0.contains(" - val_loss: ") })
    }
}
