import Testing
@testable import SynapsePlot

@Suite("ScatterPlot")
struct ScatterPlotTests {
    @Test("true versus predicted draws one marker per point and a dashed y = x line")
    func predictedVersusTrue() throws {
        let truth: [Float] = [1, 2, 3, 4, 5]
        let predicted: [Float] = [1.2, 1.9, 3.3, 3.8, 5.4]
        let plot = ScatterPlot.predictedVersusTrue(trueValues: truth, predicted: predicted)
        let checker = SVGChecker(plot.svg())
        #expect(checker.isWellFormed)
        #expect(checker.elements(named: "circle").count == 5)
        let dashed = checker.elements(named: "line").filter { $0["stroke-dasharray"] != nil }
        #expect(dashed.count == 1)
        // With equal axes, y = x runs from the bottom-left to the top-right corner of
        // the plot area (the clip rectangle).
        let names = checker.elements.map(\.name)
        let clip = try #require(names.firstIndex(of: "clipPath").map { checker.elements[$0 + 1].attributes })
        let line = try #require(dashed.first)
        let value = { (attributes: [String: String], key: String) in Double(attributes[key] ?? "") ?? .nan }
        let (left, top) = (value(clip, "x"), value(clip, "y"))
        let (right, bottom) = (left + value(clip, "width"), top + value(clip, "height"))
        #expect(abs(value(line, "x1") - left) < 0.01 && abs(value(line, "y1") - bottom) < 0.01)
        #expect(abs(value(line, "x2") - right) < 0.01 && abs(value(line, "y2") - top) < 0.01)
        #expect(checker.texts.contains("true") && checker.texts.contains("predicted"))
        _ = try PNGReader(plot.png())
    }

    @Test("equal axes give x and y the same tick labels")
    func equalAxes() {
        var plot = ScatterPlot.predictedVersusTrue(trueValues: [0.0, 10], predicted: [2.0, 31])
        plot.title = nil
        let numbers = SVGChecker(plot.svg()).texts.compactMap(Double.init)
        let half = numbers.count / 2
        #expect(numbers.count % 2 == 0)
        #expect(Array(numbers[..<half]) == Array(numbers[half...]))
        #expect(numbers.max()! >= 31)
    }

    @Test("points with a NaN or infinite coordinate are skipped")
    func nonFinite() {
        var plot = ScatterPlot()
        plot.add(name: "a", x: [1.0, .nan, 3, 4], y: [1.0, 2, -.infinity, 4])
        let checker = SVGChecker(plot.svg())
        #expect(checker.isWellFormed)
        #expect(checker.elements(named: "circle").count == 2 + 1)  // two points and the legend marker
    }

    @Test("series are coloured apart and named in the legend")
    func legend() {
        var plot = ScatterPlot(title: "classes")
        plot.add(name: "class 0", x: [0.0, 1], y: [0.0, 1])
        plot.add(name: "class 1", x: [2.0, 3], y: [2.0, 3], marker: .square)
        let checker = SVGChecker(plot.svg())
        #expect(checker.texts.contains("class 0") && checker.texts.contains("class 1"))
        let fills = Set(checker.elements(named: "circle").compactMap { $0["fill"] })
        #expect(fills == [Color.palette[0].hex])
        #expect(checker.elements(named: "rect").contains { $0["fill"] == Color.palette[1].hex })
    }

    @Test("an empty scatter plot renders its axes")
    func empty() throws {
        let plot = ScatterPlot(title: "empty")
        #expect(SVGChecker(plot.svg()).isWellFormed)
        let image = try PNGReader(plot.png())
        #expect(image.width == 600 && image.height == 500)
    }
}
