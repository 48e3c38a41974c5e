import Foundation
import SynapseIO
import Testing
@testable import SynapsePlot

@Suite("Plot writing")
struct PlotWriteTests {
    static func temporaryFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("synapse-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static var chart: LineChart { LineChart(title: "t", series: [.init(name: "s", y: [1.0, 2, 3])]) }

    @Test("the extension chooses the format, in any letter case")
    func formatByExtension() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.chart.write(to: folder.appendingPathComponent("a.PNG"))
        try Self.chart.write(toPath: folder.appendingPathComponent("b.svg").path)
        let png = try Data(contentsOf: folder.appendingPathComponent("a.PNG"))
        #expect(Array(png.prefix(8)) == PNGEncoder.signature)
        let svg = try String(contentsOf: folder.appendingPathComponent("b.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && SVGChecker(svg).isWellFormed)
        #expect(svg == Self.chart.svg())
    }

    @Test("an unknown extension is refused with a message naming the file")
    func unsupported() throws {
        let error = #expect(throws: PlotError.self) { try Self.chart.write(toPath: "/tmp/chart.jpeg") }
        #expect(error == .unsupportedFormat(path: "/tmp/chart.jpeg"))
        #expect(error?.description.contains("/tmp/chart.jpeg") == true && error?.description.contains(".svg or .png") == true)
    }

    @Test("a missing folder is reported with the path")
    func missingFolder() {
        let path = "/nonexistent-\(UUID().uuidString)/chart.png"
        let error = #expect(throws: PlotError.self) { try Self.chart.write(toPath: path) }
        #expect(error?.description.hasPrefix("cannot write \(path):") == true)
    }

    @Test("writes replace existing files and leave no temporary files behind")
    func atomicReplace() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("chart.svg")
        try Data("old".utf8).write(to: target)
        try Self.chart.write(to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == Self.chart.svg())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["chart.svg"])
    }
}
