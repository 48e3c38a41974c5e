import Foundation
import Testing
@testable import SynapsePlot

/// Writes one of each plot to a folder and reads every file back, so a person can
/// look at them: set `SYNAPSE_PLOT_GALLERY=/some/folder` to keep them (otherwise a
/// temporary folder is used and removed).
@Suite("Gallery")
struct GalleryTests {
    static func lossHistory() -> (loss: [Double], validation: [Double]) {
        var loss: [Double] = [], validation: [Double] = []
        for epoch in 0..<30 {
            let t = Double(epoch)
            let decay: Double = 0.9 * exp(-t / 6)
            loss.append(decay + 0.12 + 0.01 * sin(t))
            let overfit: Double = 0.0004 * t * t / 3
            validation.append(0.85 * exp(-t / 7) + 0.18 + overfit)
        }
        return (loss, validation)
    }

    static func plots() throws -> [(String, any Plot)] {
        let (loss, validation) = lossHistory()
        var chart = LineChart(title: "Training history", xLabel: "epoch", yLabel: "loss (binary cross-entropy)")
        chart.add(name: "loss", y: loss)
        chart.add(name: "val_loss", y: validation)

        var accuracy = LineChart(title: "Accuracy", xLabel: "epoch", yLabel: "accuracy", width: 480, height: 300)
        accuracy.add(name: "accuracy", y: loss.map { 1 - $0 / 1.2 }, marker: .circle)
        accuracy.add(name: "val_accuracy", y: validation.map { 1 - $0 / 1.1 }, marker: .square)

        var gaps = LineChart(title: "NaN & <inf> are skipped", xLabel: "step", yLabel: "value")
        gaps.add(name: "with gaps", x: [0.0, 1, 2, 3, 4, 5, 6, 7, 8], y: [1.0, 2, .nan, 3, 2.5, .infinity, 4, .nan, 3.5])
        gaps.add(name: "sin(x) \"quoted\"", x: (0..<80).map { Double($0) / 10 }, y: (0..<80).map { 2 + 2 * sin(Double($0) / 10) })

        var generator = SplitMix(seed: 7)
        let truth = (0..<200).map { _ in generator.normal() * 10 + 50 }
        let predicted = truth.map { $0 + generator.normal() * 3 }
        let scatter = ScatterPlot.predictedVersusTrue(trueValues: truth, predicted: predicted, title: "House prices: predicted vs true")

        var classes = ScatterPlot(title: "Two classes", xLabel: "feature 1", yLabel: "feature 2")
        classes.add(name: "class 0", x: (0..<100).map { _ in generator.normal() }, y: (0..<100).map { _ in generator.normal() })
        classes.add(name: "class 1", x: (0..<100).map { _ in generator.normal() + 3 }, y: (0..<100).map { _ in generator.normal() + 2 },
                    marker: .square)

        let digits = (0..<20).map { index -> [Float] in
            (0..<(28 * 28)).map { pixel in
                let (x, y) = (Float(pixel % 28) - 13.5, Float(pixel / 28) - 13.5)
                let radius = (x * x + y * y).squareRoot()
                return max(0, 1 - abs(radius - Float(4 + index % 8)) / 2)
            }
        }
        let grid = try ImageGrid(images: digits, width: 28, height: 28, labels: (0..<20).map { "#\($0)" }, columns: 10, scale: 2)
        var colourTiles: [ImageGrid.Tile] = []
        for index in 0..<6 {
            var pixels: [Float] = []
            for value in 0..<(16 * 16 * 3) {
                let level: Int = (value / 3 + index * 40 + (value % 3) * 90) % 256
                pixels.append(Float(level) / 255)
            }
            colourTiles.append(ImageGrid.Tile(pixels: pixels, width: 16, height: 16, channels: 3, label: "rgb \(index)"))
        }
        let colour = try ImageGrid(tiles: colourTiles, columns: 3, scale: 4)
        return [("loss", chart), ("accuracy", accuracy), ("gaps", gaps), ("predicted", scatter), ("classes", classes),
                ("grid", grid), ("colour-grid", colour), ("empty", LineChart(title: "Empty chart"))]
    }

    @Test("every plot writes a PNG that decodes and an SVG that parses")
    func gallery() throws {
        let environment = ProcessInfo.processInfo.environment["SYNAPSE_PLOT_GALLERY"]
        let folder = URL(fileURLWithPath: environment ?? NSTemporaryDirectory())
            .appendingPathComponent(environment == nil ? "synapse-gallery-\(UUID().uuidString)" : "")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if environment == nil { try? FileManager.default.removeItem(at: folder) } }
        for (name, plot) in try Self.plots() {
            let png = folder.appendingPathComponent("\(name).png"), svg = folder.appendingPathComponent("\(name).svg")
            try plot.write(to: png)
            try plot.write(to: svg)
            let image = try PNGReader(Array(try Data(contentsOf: png)))
            #expect(image.width > 1 && image.height > 1, "\(name)")
            let checker = SVGChecker(try String(contentsOf: svg, encoding: .utf8))
            #expect(checker.isWellFormed, "\(name): \(checker.error ?? "")")
            #expect(checker.rootName == "svg")
        }
    }
}

/// A small deterministic generator for test data (SplitMix64 + Box–Muller).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double {
        (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform())
    }
}
