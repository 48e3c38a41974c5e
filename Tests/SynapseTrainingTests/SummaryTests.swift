import Testing
@testable import SynapseTraining

@Suite("Model.summary")
struct SummaryTests {
    private func mnistMLP() -> Sequential {
        Sequential(name: "mlp") {
            Input(shape: [784])
            Dense(512, activation: .relu)
            Dropout(0.2)
            Dense(256, activation: .relu)
            Dense(10, activation: .softmax)
        }
    }

    @Test("the table lists every layer with its type, output shape and parameter count, and the totals")
    func mlpTable() {
        let text = mnistMLP().summaryText()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Model: \"mlp\"")
        // 784·512 + 512 = 401,920; 512·256 + 256 = 131,328; 256·10 + 10 = 2,570.
        let rows = lines.filter { $0.hasPrefix("│") }
        #expect(rows.count == 4, "one row per layer, the Input declaration left out:\n\(text)")
        let expected: [(String, String, String)] = [
            ("dense (Dense)", "(None, 512)", "401,920"),
            ("dropout (Dropout)", "(None, 512)", "0"),
            ("dense_1 (Dense)", "(None, 256)", "131,328"),
            ("dense_2 (Dense)", "(None, 10)", "2,570"),
        ]
        for (row, (layer, shape, count)) in zip(rows, expected) {
            let cells = row.split(separator: "│").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            #expect(cells == [layer, shape, count], "row: \(row)")
        }
        #expect(lines.contains(" Total params: 535,818 (2.04 MB)"))
        #expect(lines.contains(" Trainable params: 535,818 (2.04 MB)"))
        #expect(lines.contains(" Non-trainable params: 0 (0.00 B)"))
    }

    @Test("every line of the table has the same width and the columns line up")
    func tableIsAligned() {
        let lines = mnistMLP().summaryText().split(separator: "\n").map(String.init)
        let table = lines.filter { ["┏", "┃", "┡", "│", "└"].contains(String($0.prefix(1))) }
        #expect(table.count == 3 + 4 + 1)
        let widths = Set(table.map(\.count))
        #expect(widths.count == 1, "uneven table:\n\(table.joined(separator: "\n"))")
        // The column separators sit at the same positions on every line.
        func separators(_ line: String) -> [Int] {
            line.enumerated().filter { "┏┳┓┃┡╇┩│└┴┘".contains($0.element) }.map(\.offset)
        }
        #expect(Set(table.map(separators)).count == 1)
        #expect(lines[2].contains("Layer (type)") && lines[2].contains("Output Shape") && lines[2].contains("Param #"))
    }

    @Test("frozen layers count as non-trainable")
    func frozenLayers() {
        let model = mnistMLP()
        model.layers[1].isTrainable = false
        let text = model.summaryText()
        #expect(text.contains(" Total params: 535,818 (2.04 MB)"))
        #expect(text.contains(" Trainable params: 133,898 (523.04 KB)"))
        #expect(text.contains(" Non-trainable params: 401,920 (1.53 MB)"))
    }

    @Test("a model built by calling it shows the shapes it saw; before that, '?'")
    func lazyShapes() {
        let model = Sequential { Dense(3); Dense(1) }
        let before = model.summaryText()
        #expect(before.contains("?"))
        #expect(before.contains(" Total params: 0 (0.00 B)"))
        _ = model(Tensor.zeros([2, 4, 6]))
        let after = model.summaryText()
        #expect(after.contains("(None, 4, 3)"))
        #expect(after.contains("(None, 4, 1)"))
        #expect(after.contains(" Total params: 25 (100.00 B)"))
    }

    @Test("a Model subclass lists its direct sublayers")
    func subclassSummary() {
        let model = TwoHeadModel()
        _ = model(Tensor.zeros([1, 3]))
        let text = model.summaryText()
        #expect(text.contains("Model: \"two_head_model\""))
        #expect(text.contains("trunk (Dense)"))
        #expect(text.contains("head_a (Dense)"))
        #expect(text.contains("head_b (Dense)"))
        // 3·8 + 8 + 2·(8·1 + 1)
        #expect(text.contains(" Total params: 50 (200.00 B)"))
    }

    @Test("thousands are grouped with commas; byte sizes use 1024 steps with two decimals")
    func formattingHelpers() {
        #expect(Model.grouped(0) == "0")
        #expect(Model.grouped(999) == "999")
        #expect(Model.grouped(1000) == "1,000")
        #expect(Model.grouped(535_818) == "535,818")
        #expect(Model.grouped(1_234_567) == "1,234,567")
        #expect(Model.bytes(0) == "0.00 B")
        #expect(Model.bytes(1023) == "1023.00 B")
        #expect(Model.bytes(2048) == "2.00 KB")
        #expect(Model.bytes(1536) == "1.50 KB")
        #expect(Model.bytes(2_143_272) == "2.04 MB")
        #expect(Model.bytes(3 * 1024 * 1024 * 1024) == "3.00 GB")
    }
}
