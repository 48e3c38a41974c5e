/// `summary()`: a Keras-style table of layers, output shapes and parameter counts
/// (and, for a functional model, each layer's inbound connections).
extension Model {
    /// The summary table as text (also printed by ``summary()``).
    ///
    /// The model must be built (called once, or declared with an ``/SynapseNN/Input``).
    public func summaryText() -> String {
        buildFromDeclaredInput()
        let connections = graph.map(Self.connections)
        var headers = ["Layer (type)", "Output Shape", "Param #"]
        if connections != nil { headers.append("Connected to") }
        let rows: [[String]] = summaryLayers.map { layer in
            let type = String(describing: Swift.type(of: layer))
            let shape = layer.outputShape.map { "(None, " + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
            var row = ["\(layer.name) (\(type))", shape, Self.grouped(layer.parameterCount)]
            if let connections { row.append(connections[ObjectIdentifier(layer)] ?? "-") }
            return row
        }
        let widths = headers.indices.map { column in Swift.max(headers[column].count, rows.map { $0[column].count }.max() ?? 0) + 2 }
        // The parameter count (column 2) is right-aligned, as Keras prints it.
        func line(_ cells: [String], _ edge: String, _ separator: String) -> String {
            let padded = cells.enumerated().map { column, text in
                let space = String(repeating: " ", count: Swift.max(0, widths[column] - text.count - 1))
                return column == 2 ? space + text + " " : " " + text + space
            }
            return edge + padded.joined(separator: separator) + edge
        }
        func rule(_ left: String, _ middle: String, _ right: String, _ fill: String) -> String {
            left + widths.map { String(repeating: fill, count: $0) }.joined(separator: middle) + right
        }
        var lines = ["Model: \"\(name)\""]
        lines.append(rule("┏", "┳", "┓", "━"))
        lines.append(line(headers, "┃", "┃"))
        lines.append(rule("┡", "╇", "┩", "━"))
        for row in rows { lines.append(line(row, "│", "│")) }
        lines.append(rule("└", "┴", "┘", "─"))
        let total = parameterCount
        let trainable = trainableParameterCount
        lines.append(" Total params: \(Self.grouped(total)) (\(Self.bytes(total * 4)))")
        lines.append(" Trainable params: \(Self.grouped(trainable)) (\(Self.bytes(trainable * 4)))")
        lines.append(" Non-trainable params: \(Self.grouped(total - trainable)) (\(Self.bytes((total - trainable) * 4)))")
        return lines.joined(separator: "\n")
    }

    /// For each layer of a functional model, its inbound tensors as Keras prints
    /// them: "dense[0][0], input[0][0]" (layer, node within the model, output).
    private static func connections(_ graph: LayerGraph) -> [ObjectIdentifier: String] {
        let numbering = graph.nodeNumbering
        var result: [ObjectIdentifier: [String]] = [:]
        for node in graph.nodes {
            let sources = node.inputs.map { "\($0.layer.name)[\(numbering[ObjectIdentifier($0.node)] ?? 0)][\($0.outputIndex)]" }
            result[ObjectIdentifier(node.layer), default: []].append(contentsOf: sources)
        }
        return result.mapValues { $0.joined(separator: ", ") }
    }

    /// Prints the summary table.
    public func summary() { print(summaryText()) }

    /// The layers listed in the summary: a Sequential's layers (without the Input
    /// declaration), a functional model's layers (with its inputs, as Keras lists
    /// them), or a subclass's direct sublayers.
    private var summaryLayers: [Layer] {
        (self as? Sequential)?.layers.filter { !($0 is Input) } ?? sublayers
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// 2048 → "2.00 KB".
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) \(units[unit])"
    }
}
