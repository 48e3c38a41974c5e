// Draws the data-parallel scaling model's curves (Benchmarks/distributed.py writes
// them as JSON) with Synapse's own LineChart, as PNG and SVG.
import Foundation
import Synapse

/// Reads `{"title", "x_label", "y_label", "series": [{"name", "x", "y", "dashed"}]}`
/// from `input` and writes `output`.png and `output`.svg.
func plotScaling(input: String, output: String) {
    guard let data = FileManager.default.contents(atPath: input),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let series = object["series"] as? [[String: Any]] else {
        fail("plot-scaling: \(input) is not a JSON object with a series list")
    }
    var chart = LineChart(title: object["title"] as? String, xLabel: object["x_label"] as? String,
                          yLabel: object["y_label"] as? String)
    chart.width = 900
    chart.height = 560
    chart.yRange = 0...1.05
    for line in series {
        guard let name = line["name"] as? String, let x = line["x"] as? [Double], let y = line["y"] as? [Double] else {
            fail("plot-scaling: every series needs name, x and y")
        }
        chart.series.append(LineChart.Series(name: name, x: x, y: y, dashed: line["dashed"] as? Bool ?? false))
    }
    do {
        try chart.write(toPath: output + ".png")
        try chart.write(toPath: output + ".svg")
    } catch {
        fail("plot-scaling: \(error)")
    }
    print("wrote \(output).png and \(output).svg")
}
