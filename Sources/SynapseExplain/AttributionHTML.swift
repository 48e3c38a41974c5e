import SynapseCore
import SynapsePlot
import Foundation

/// An HTML page of text attributions: every token of each text on a background
/// coloured by its score — red where it pushes towards the explained class, blue
/// where it pushes away, stronger for larger scores — with the score in the token's
/// tooltip. Self-contained (inline CSS, no scripts), so it opens from disk.
///
/// ```swift
/// let scores = try Attribution.tokenIntegratedGradients(model, tokens: ids)
/// let page = AttributionHTML.page(texts: [tokens], scores: [scores.scalars], titles: ["positive (0.93)"])
/// ```
public enum AttributionHTML {
    /// The page.
    ///
    /// - Parameters:
    ///   - texts: each text's tokens, in reading order.
    ///   - scores: each text's score per token (same counts as `texts`).
    ///   - titles: a heading for each text (default none), e.g. the predicted class.
    ///   - heading: the page's title (default "Token attributions").
    /// - Returns: UTF-8 HTML.
    public static func page(texts: [[String]], scores: [[Float]], titles: [String]? = nil,
                            heading: String = "Token attributions") -> String {
        require(texts.count == scores.count && zip(texts, scores).allSatisfy { $0.count == $1.count },
                "AttributionHTML: every text needs one score per token")
        require(titles == nil || titles!.count == texts.count, "AttributionHTML: \(titles?.count ?? 0) titles for \(texts.count) texts")
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(heading))</title>
            <style>
            body { font: 16px/1.9 system-ui, sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
            h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin: 1.6em 0 0.3em; }
            .token { padding: 0.1em 0.15em; border-radius: 0.2em; }
            .legend span { padding: 0.1em 0.5em; margin-right: 0.5em; }
            </style></head><body>
            <h1>\(escape(heading))</h1>
            <p class="legend"><span style="background: rgba(220,30,30,0.8)">towards the class</span>\
            <span style="background: rgba(30,90,230,0.8)">away from it</span> (each text scaled to its largest score)</p>

            """
        for (index, (tokens, values)) in zip(texts, scores).enumerated() {
            if let titles { html += "<h2>\(escape(titles[index]))</h2>\n" }
            let largest = values.map(abs).max() ?? 0
            html += "<p>"
            for (token, value) in zip(tokens, values) {
                let strength = largest > 0 ? Double(abs(value) / largest) * 0.85 : 0
                let colour = value >= 0 ? "220,30,30" : "30,90,230"
                html += "<span class=\"token\" title=\"\(String(format: "%.4g", Double(value)))\" "
                    + "style=\"background: rgba(\(colour),\(String(format: "%.3f", strength)))\">\(escape(token))</span> "
            }
            html += "</p>\n"
        }
        return html + "</body></html>\n"
    }

    /// `text` with HTML's special characters escaped (the SVG writer's XML escaping).
    static func escape(_ text: String) -> String { XMLEscaping.escape(text) }
}
