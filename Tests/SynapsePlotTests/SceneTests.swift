import Testing
@testable import SynapsePlot

@Suite("Scene")
struct SceneTests {
    @Test("XML escaping covers the five metacharacters and drops forbidden control characters")
    func escaping() {
        #expect(Scene.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;")
        #expect(Scene.escape("x\u{1}y\u{0}z\tw") == "xyz\tw")
        #expect(Scene.escape("µ²") == "µ²")
    }

    @Test("coordinates are written with at most two decimals and no negative zero")
    func numbers() {
        #expect(Scene.number(12) == "12")
        #expect(Scene.number(3.14159) == "3.14")
        #expect(Scene.number(-0.001) == "0")
        #expect(Scene.number(2.5) == "2.5")
        #expect(Scene.number(.nan) == "0")
    }

    @Test("a dash pattern splits a line into on-pieces of the right lengths")
    func dashes() {
        let line = [Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 20, y: 0)]
        let pieces = Scene.dashes(of: line, pattern: [4, 2])
        #expect(pieces.count == 4)   // 0–4, 6–10, 12–16, 18–20
        #expect(pieces.first?.first == Point(x: 0, y: 0) && pieces.first?.last == Point(x: 4, y: 0))
        #expect(pieces.last?.last == Point(x: 20, y: 0))
        #expect(Scene.dashes(of: line, pattern: nil) == [line])
        #expect(Scene.dashes(of: line, pattern: [0, 0]) == [line])
    }

    @Test("the raster and SVG outputs of a scene have the same size")
    func sameSize() throws {
        var scene = Scene(width: 33, height: 21)
        scene.add(.text("hi", at: Point(x: 2, y: 12), style: TextStyle()))
        let image = scene.raster()
        let svg = SVGChecker(scene.svg()).elements(named: "svg").first
        #expect(image.width == 33 && image.height == 21)
        #expect(svg?["width"] == "33" && svg?["height"] == "21")
    }
}
