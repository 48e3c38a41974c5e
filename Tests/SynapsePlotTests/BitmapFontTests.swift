import Testing
@testable import SynapsePlot

@Suite("BitmapFont")
struct BitmapFontTests {
    static func bitmap(_ character: Character) -> [UInt8] { Array(BitmapFont.rows(for: character)) }

    @Test("every printable ASCII character has its own glyph")
    func distinctGlyphs() {
        let printable = (33...126).map { Character(UnicodeScalar(UInt8($0))) }
        for character in printable { #expect(Self.bitmap(character).contains { $0 != 0 }, "\(character) is blank") }
        #expect(Set(printable.map(Self.bitmap)).count == printable.count)
        #expect(Self.bitmap(" ").allSatisfy { $0 == 0 })
    }

    @Test("glyphs stay inside the 5-pixel cell; only descenders use the rows under the baseline")
    func cellBounds() {
        for value in 32...126 {
            let character = Character(UnicodeScalar(UInt8(value)))
            let rows = Self.bitmap(character)
            #expect(rows.count == 9)
            #expect(rows.allSatisfy { $0 < 32 })
            if rows[7] != 0 || rows[8] != 0 { #expect("gjpqy,;".contains(character), "\(character) descends") }
        }
    }

    @Test("characters outside ASCII draw as a box, not a crash")
    func nonASCII() {
        #expect(Self.bitmap("é") == Self.bitmap("漢"))
        #expect(Self.bitmap("é") != Self.bitmap("e"))
        #expect(BitmapFont.isSet("é", column: 0, row: 0))
    }

    @Test("text width is six pixels per character less the trailing space")
    func width() {
        #expect(BitmapFont.width(of: "") == 0)
        #expect(BitmapFont.width(of: "A") == 5)
        #expect(BitmapFont.width(of: "loss", scale: 2) == 46)
    }

    @Test("digit shapes: 1 has a vertical stem, 0 is closed")
    func digitShapes() {
        #expect((0..<7).allSatisfy { BitmapFont.isSet("1", column: 2, row: $0) })
        #expect(BitmapFont.isSet("0", column: 0, row: 3) && BitmapFont.isSet("0", column: 4, row: 3))
        #expect(!BitmapFont.isSet("0", column: 0, row: 0) && BitmapFont.isSet("0", column: 2, row: 0))
    }
}
