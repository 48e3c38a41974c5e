/// `summary()`: a Keras-style table of layers, output shapes and parameter counts.
extension Model {
    /// The summary table as text (also printed by ``summary()``).
    ///
    /// The model must be built (called once, or declared with an ``Input``).
    public func summaryText() -> String {
        buildFromDeclaredInput()
        let rows: [(String, String, Int)] = summaryLayers.map { layer in
            let type = String(describing: Swift.type(of: layer))
            let shape = layer.outputShape.map { "(None, " + $0.map(String.init).joined(separator: ", ") + ")" } ?? "?"
            return ("\(layer.name) (\(type))", shape, layer.parameterCount)
        }
        let headers = ("Layer (type)", "Output Shape", "Param #")
        let widths = (
            Swift.max(headers.0.count, rows.map(\.0.count).max() ?? 0) + 2,
            Swift.max(headers.1.count, rows.map(\.1.count).max() ?? 0) + 2,
            Swift.max(headers.2.count, rows.map { Self.grouped($0.2).count }.max() ?? 0) + 2)
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let space = String(repeating: " ", count: Swift.max(0, width - text.count - 1))
            return right ? space + text + " " : " " + text + space
        }
        func rule(_ left: String, _ middle: String, _ right: String, _ fill: String) -> String {
            left + String(repeating: fill, count: widths.0) + middle + String(repeating: fill, count: widths.1)
                + middle + String(repeating: fill, count: widths.2) + right
        }
        var lines = ["Model: \"\(name)\""]
        lines.append(rule("┏", "┳", "┓", "━"))
        lines.append("┃" + pad(headers.0, widths.0) + "┃" + pad(headers.1, widths.1) + "┃" + pad(headers.2, widths.2, right: true) + "┃")
        lines.append(rule("┡", "╇", "┩", "━"))
        for row in rows {
            lines.append("│" + pad(row.0, widths.0) + "│" + pad(row.1, widths.1) + "│" + pad(Self.grouped(row.2), widths.2, right: true) + "│")
        }
        lines.append(rule("└", "┴", "┘", "─"))
        let total = parameterCount
        let trainable = trainableParameterCount
        lines.append(" Total params: \(Self.grouped(total)) (\(Self.bytes(total * 4)))")
        lines.append(" Trainable params: \(Self.grouped(trainable)) (\(Self.bytes(trainable * 4)))")
        lines.append(" Non-trainable params: \(Self.grouped(total - trainable)) (\(Self.bytes((total - trainable) * 4)))")
        return lines.joined(separator: "\n")
    }

    /// Prints the summary table.
    public func summary() { print(summaryText()) }

    /// The layers listed in the summary: a Sequential's layers (without the Input
    /// declaration), or a subclass's direct sublayers.
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
