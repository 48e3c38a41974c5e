import Foundation
import Testing
@testable import SynapsePlot

@Suite("LineChart")
struct LineChartTests {
    static func history() -> LineChart {
        var chart = LineChart(title: "Training", xLabel: "epoch", yLabel: "loss")
        chart.add(name: "loss", y: [0.93, 0.61, 0.42, 0.35, 0.31])
        chart.add(name: "val_loss", y: [0.97, 0.70, 0.55, 0.52, 0.53])
        return chart
    }

    /// The numbers among the SVG's text elements (the tick labels).
    static func numbers(in checker: SVGChecker) -> [Double] {
        checker.texts.compactMap(Double.init)
    }

    @Test("the SVG is well-formed XML with an svg root of the chart's size")
    func wellFormed() {
        let checker = SVGChecker(Self.history().svg())
        #expect(checker.isWellFormed, "\(checker.error ?? "")")
        #expect(checker.rootName == "svg")
        let root = checker.elements(named: "svg").first
        #expect(root?["width"] == "800" && root?["height"] == "500")
    }

    @Test("the legend, title and axis titles appear as text")
    func texts() {
        let texts = SVGChecker(Self.history().svg()).texts
        for expected in ["Training", "epoch", "loss", "val_loss"] { #expect(texts.contains(expected), "\(expected)") }
    }

    @Test("tick labels are nice numbers whose span covers the data")
    func ticksCoverData() {
        let checker = SVGChecker(Self.history().svg())
        let numbers = Self.numbers(in: checker)
        let yTicks = numbers.filter { $0 != $0.rounded() || $0 == 0 || $0 == 1 }
        #expect(yTicks.min()! <= 0.31 && yTicks.max()! >= 0.97)
        #expect(numbers.contains(1) && numbers.contains(5))
        for value in numbers { #expect(abs(value * 10 - (value * 10).rounded()) < 1e-9, "\(value) is not a multiple of 0.1") }
    }

    @Test("series get distinct palette colours unless given one")
    func colours() {
        var chart = Self.history()
        chart.add(name: "custom", y: [0.5, 0.4], color: Color(rgb: 0x123456))
        let strokes = SVGChecker(chart.svg()).elements(named: "polyline").compactMap { $0["stroke"] }
        #expect(strokes == [Color.palette[0].hex, Color.palette[1].hex, "#123456"])
    }

    @Test("names with XML metacharacters are escaped and survive parsing")
    func escaping() {
        var chart = LineChart(title: "a < b & \"c\" > 'd'")
        chart.add(name: "<loss> & co", y: [1, 2])
        let checker = SVGChecker(chart.svg())
        #expect(checker.isWellFormed, "\(checker.error ?? "")")
        #expect(checker.texts.contains("a < b & \"c\" > 'd'"))
        #expect(checker.texts.contains("<loss> & co"))
    }

    @Test("NaN and infinite values are skipped and break the line")
    func nonFinite() throws {
        var chart = LineChart()
        chart.add(name: "gappy", x: [0.0, 1, 2, 3, 4, 5], y: [1.0, 2, .nan, 3, .infinity, 2])
        let checker = SVGChecker(chart.svg())
        #expect(checker.isWellFormed)
        // Runs: x 0–1 (a line), x 3 and x 5 alone (drawn as dots).
        #expect(checker.elements(named: "polyline").count == 1)
        #expect(checker.elements(named: "circle").count == 2)
        #expect(!chart.svg().lowercased().contains("nan") && !chart.svg().contains("inf"))
        let numbers = Self.numbers(in: checker)
        #expect(numbers.max()! < 10, "the infinite value must not stretch the axis")
        _ = try PNGReader(chart.png())
    }

    @Test("an empty chart, an empty series and an all-NaN series still render")
    func empty() throws {
        var chart = LineChart(title: "nothing")
        #expect(SVGChecker(chart.svg()).isWellFormed)
        chart.add(name: "empty", y: [Double]())
        chart.add(name: "all NaN", y: [Double.nan, .nan])
        chart.add(name: "one point", y: [3.0])
        let checker = SVGChecker(chart.svg())
        #expect(checker.isWellFormed)
        #expect(checker.texts.contains("empty"))
        let image = try PNGReader(chart.png())
        #expect(image.width == 800 && image.height == 500)
    }

    @Test("the PNG has the chart's size and shows each series' colour")
    func pngColours() throws {
        var chart = Self.history()
        chart.width = 400
        chart.height = 300
        let image = try PNGReader(chart.png())
        #expect(image.width == 400 && image.height == 300)
        let pixels = image.rgbaPixels
        for colour in Color.palette.prefix(2) {
            let count = stride(from: 0, to: pixels.count, by: 4).filter {
                pixels[$0] == colour.red && pixels[$0 + 1] == colour.green && pixels[$0 + 2] == colour.blue
            }.count
            #expect(count > 50, "\(colour.hex) drawn on \(count) pixels")
        }
    }

    @Test("markers add one shape per finite point")
    func markers() {
        var chart = LineChart()
        chart.add(name: "m", y: [1.0, 2, .nan, 4], marker: .circle)
        chart.showsLegend = false
        #expect(SVGChecker(chart.svg()).elements(named: "circle").count == 3)
    }

    @Test("a fixed y range is kept as the axis limits")
    func fixedRange() {
        var chart = Self.history()
        chart.yRange = 0...2
        let numbers = Self.numbers(in: SVGChecker(chart.svg()))
        #expect(numbers.contains(2) && numbers.contains(0))
    }

    @Test("no legend when no series is named or the legend is off")
    func noLegend() {
        var chart = LineChart()
        chart.add(name: "", y: [1.0, 2])
        let legendBoxes = { (chart: LineChart) in
            SVGChecker(chart.svg()).elements(named: "rect").filter { $0["fill-opacity"] != nil }.count
        }
        #expect(legendBoxes(chart) == 0)
        var named = Self.history()
        #expect(legendBoxes(named) == 1)
        named.showsLegend = false
        #expect(legendBoxes(named) == 0)
        #expect(!SVGChecker(named.svg()).texts.contains("val_loss"))
    }

    @Test("tiny images lay out without crashing", arguments: [(1, 1), (10, 10), (60, 40), (3000, 200)])
    func tinyImages(size: (Int, Int)) throws {
        var chart = Self.history()
        (chart.width, chart.height) = size
        let image = try PNGReader(chart.png())
        #expect(image.width == size.0 && image.height == size.1)
        #expect(SVGChecker(chart.svg()).isWellFormed)
    }

    @Test("the legend goes to the emptiest corner")
    func legendPlacement() {
        // Falling curves leave the upper right empty; rising ones the upper left.
        func legendBox(_ values: [Double]) -> Rect? {
            var chart = LineChart()
            chart.add(name: "series", y: values)
            return chart.scene().items.compactMap { item -> Rect? in
                if case .rect(let rect, let fill, _) = item, fill != nil, fill!.alpha < 255 { return rect } else { return nil }
            }.first
        }
        let falling = legendBox((0..<20).map { 10 - Double($0) / 2 })
        let rising = legendBox((0..<20).map { Double($0) / 2 })
        #expect(falling.map { $0.x > 400 && $0.y < 100 } == true)
        #expect(rising.map { $0.x < 400 && $0.y < 100 } == true)
    }
}
