import Foundation
import Testing
@testable import Synapse

/// The heat-map grid and the token page show what they claim: red for, blue
/// against, each tile titled, tokens escaped and coloured by sign.
@Suite("Attribution pictures and pages")
struct AttributionPictureTests {
    @Test("a grid tile is red where the attribution is positive, blue where negative, grey where zero")
    func gridColours() {
        // Two 3 × 3 grey images; the first has +1 at the top-left, −1 at the bottom-right.
        let inputs = Tensor([Float](repeating: 0.5, count: 18), shape: [2, 3, 3, 1])
        var values = [Float](repeating: 0, count: 18)
        values[0] = 1
        values[8] = -1
        values[9] = 0.5
        let picture = AttributionImage.grid(inputs: inputs, attributions: Tensor(values, shape: [2, 3, 3, 1]),
                                            titles: ["a", "b"], scale: 10)
        // Tiles start 6 px in, under a title band of 13 px; pixel (row, column) of tile 0 at its centre:
        func colour(_ row: Int, _ column: Int) -> Color { picture[6 + column * 10 + 5, 6 + 13 + row * 10 + 5] }
        let positive = colour(0, 0), negative = colour(2, 2), neutral = colour(1, 1)
        #expect(positive.red > 150 && positive.blue < 80, "\(positive)")
        #expect(negative.blue > 150 && negative.red < 80, "\(negative)")
        #expect(neutral.red == neutral.green && neutral.green == neutral.blue, "\(neutral)")
        // The title band holds dark text pixels; the colour bar runs red (top) to blue (bottom).
        let titleInk = (0..<40).contains { x in (0..<13).contains { y in picture[x, y].red < 128 } }
        #expect(titleInk)
        let barLeft = picture.width - 70 + 8
        #expect(picture[barLeft + 5, 7].red > picture[barLeft + 5, 7].blue)
        #expect(picture[barLeft + 5, 84].blue > picture[barLeft + 5, 84].red)
        #expect(PNGDecoder.maximumPixels > 0 && (try? PNGDecoder.decode(picture.png())) != nil)
    }

    @Test("unsigned attributions go from none to strong without blue")
    func unsigned() {
        let inputs = Tensor.zeros([1, 2, 2, 3])
        let picture = AttributionImage.grid(inputs: inputs, attributions: Tensor([0, 0.2, 0.6, 1], shape: [1, 2, 2]), scale: 8)
        let strong = picture[6 + 8 + 4, 6 + 8 + 4]
        let none = picture[6 + 4, 6 + 4]
        #expect(strong.red > 200 && strong.blue < 80, "\(strong)")
        #expect(none.red == none.blue, "\(none)")
    }

    @Test("the token page escapes text and colours each token by the sign and size of its score")
    func tokenPage() {
        let html = AttributionHTML.page(texts: [["good", "<b>bad</b>", "&"]], scores: [[2, -1, 0]], titles: ["positive \"0.9\""])
        #expect(html.contains("<h2>positive &quot;0.9&quot;</h2>"))
        #expect(html.contains(">&lt;b&gt;bad&lt;/b&gt;</span>") && html.contains(">&amp;</span>"))
        #expect(html.contains("rgba(220,30,30,0.850)\">good"), "the largest score is the strongest red")
        #expect(html.contains("rgba(30,90,230,0.425)\">&lt;b&gt;"), "half the largest magnitude, blue")
        #expect(html.contains("title=\"2\"") && html.contains("title=\"-1\""))
        #expect(html.components(separatedBy: "class=\"token\"").count - 1 == 3)
    }
}
