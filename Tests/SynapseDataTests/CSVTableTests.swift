import Foundation
import Testing
@testable import SynapseData

@Suite("CSVTable")
struct CSVTableTests {
    @Test("numbers become a float32 [rows, columns] tensor")
    func numbers() throws {
        let table = try CSVTable(text: "6,148,72\n1,85,66\n", source: "t.csv")
        #expect(table.rowCount == 2 && table.columnCount == 3)
        let x = try table.tensor()
        #expect(x.shape == [2, 3] && x.dtype == .float32)
        #expect(x.scalars == [6, 148, 72, 1, 85, 66])
    }

    @Test("a label column chosen by name splits features from labels [N, 1]")
    func labelByName() throws {
        let table = try CSVTable(contentsOf: FixtureFiles.url("tabs.tsv"), hasHeader: true, delimiter: "\t")
        #expect(table.header == ["x1", "x2", "class"])
        let (x, y) = try table.featuresAndLabels(labelColumn: "class")
        #expect(x.shape == [3, 2] && y.shape == [3, 1])
        #expect(y.scalars == [2, 0, 1])
        let values = x.scalars
        #expect(values[0] == 0.5 && values[1] == 0.001 && values[3].isNaN && values[5] == .infinity)
    }

    @Test("integer labels come back as int32 class indices [N]")
    func intLabels() throws {
        let table = try CSVTable(contentsOf: FixtureFiles.url("tabs.tsv"), hasHeader: true, delimiter: "\t")
        let (_, y) = try table.featuresAndLabels(labelColumn: -1, labelDType: .int32)
        #expect(y.dtype == .int32 && y.shape == [3])
        #expect(y.intScalars == [2, 0, 1])
    }

    @Test("a fractional int32 label is an error naming line and column")
    func fractionalLabel() throws {
        let table = try CSVTable(text: "1,0\n2,1.5\n", source: "labels.csv")
        let error = #expect(throws: CSVError.self) { try table.featuresAndLabels(labelColumn: 1, labelDType: .int32) }
        #expect(error?.description == #"labels.csv:2: column 2: "1.5" is not an integer label"#)
    }

    @Test("feature columns can be picked and ordered by index or name")
    func pickColumns() throws {
        let table = try CSVTable(text: "a,b,c,d\n1,2,3,4\n5,6,7,8\n", hasHeader: true)
        let (x, y) = try table.featuresAndLabels(labelColumn: "b", featureColumns: ["d", 0])
        #expect(x.scalars == [4, 1, 8, 5])
        #expect(y.scalars == [2, 6])
    }

    @Test("a malformed number names the file, line, column and value")
    func malformed() throws {
        let table = try CSVTable(contentsOf: FixtureFiles.url("malformed.csv"), hasHeader: true)
        let error = #expect(throws: CSVError.self) { try table.featuresAndLabels(labelColumn: "outcome") }
        #expect(error == .notANumber(file: "malformed.csv", line: 4, column: 2, columnName: "glucose", value: "abc"))
        #expect(error?.description == #"malformed.csv:4: column 2 (glucose): "abc" is not a number"#)
    }

    @Test("without a header the message gives the column number alone")
    func malformedNoHeader() throws {
        let table = try CSVTable(text: "1,2\n3,x y\n", source: "pima.csv")
        let error = #expect(throws: CSVError.self) { try table.tensor() }
        #expect(error?.description == #"pima.csv:2: column 2: "x y" is not a number"#)
    }

    @Test("a row with the wrong number of fields is reported with its line")
    func wrongColumnCount() {
        let error = #expect(throws: CSVError.self) { try CSVTable(contentsOf: FixtureFiles.url("short_row.csv")) }
        #expect(error?.description == "short_row.csv:3: expected 3 columns, found 2")
        let headerError = #expect(throws: CSVError.self) { try CSVTable(text: "a,b\n1,2,3\n", source: "h.csv", hasHeader: true) }
        #expect(headerError == .wrongColumnCount(file: "h.csv", line: 2, expected: 2, found: 3))
    }

    @Test("quoted fields, doubled quotes, embedded line breaks, CRLF and a byte-order mark")
    func quotedCRLF() throws {
        let table = try CSVTable(contentsOf: FixtureFiles.url("quoted_crlf.csv"), hasHeader: true)
        #expect(table.header == ["name", "value, with comma", "label"])
        #expect(table.rows.map(\.first) == [#"a "quoted" name"#, "multi\r\nline", "plain"])
        #expect(table.lineNumbers == [2, 3, 5])
        let (x, y) = try table.featuresAndLabels(labelColumn: "label", featureColumns: ["value, with comma"])
        #expect(x.scalars == [1.5, 2.5, 3.5])
        #expect(y.scalars == [1, 0, 1])
    }

    @Test("line numbers stay right after a quoted field spanning lines")
    func lineNumbersAfterMultilineField() throws {
        let table = try CSVTable(text: "\"a\nb\nc\",1\nd,oops\n", source: "m.csv")
        let error = #expect(throws: CSVError.self) { try table.tensor(columns: [1]) }
        #expect(error?.description == #"m.csv:4: column 2: "oops" is not a number"#)
    }

    @Test("blank lines and a missing or extra trailing newline change nothing")
    func blankLines() throws {
        let reference = try CSVTable(text: "1,2\n3,4")
        for text in ["1,2\n3,4\n", "\n1,2\n\n3,4\n\n\n", "1,2\r\n3,4\r\n", "1,2\r3,4\r", "  \n1,2\n \t \n3,4"] {
            #expect(try CSVTable(text: text).rows == reference.rows, "\(text.debugDescription)")
        }
    }

    @Test("an empty file or a header alone has no rows, and asking for tensors says so")
    func empty() throws {
        let table = try CSVTable(contentsOf: FixtureFiles.url("empty.csv"), hasHeader: true)
        #expect(table.rowCount == 0 && table.columnCount == 0 && table.header == nil)
        #expect(throws: CSVError.noRows(file: "empty.csv")) {
            try table.featuresAndLabels(labelColumn: -1)
        }
        let headerOnly = try CSVTable(text: "a,b\n", source: "h.csv", hasHeader: true)
        #expect(throws: CSVError.noRows(file: "h.csv")) { try headerOnly.tensor() }
        #expect(CSVError.noRows(file: "h.csv").description == "h.csv: no data rows")
    }

    @Test("an unclosed quote is an error naming the line it opened on")
    func unterminatedQuote() {
        let error = #expect(throws: CSVError.self) { try CSVTable(text: "1,2\n3,\"4\n5,6\n", source: "q.csv") }
        #expect(error == .unterminatedQuote(file: "q.csv", line: 2))
    }

    @Test("empty fields are errors unless a missing value is given")
    func missingValues() throws {
        let table = try CSVTable(text: "1,,3\n4,5,6\n", source: "e.csv")
        let error = #expect(throws: CSVError.self) { try table.tensor() }
        #expect(error?.description == #"e.csv:1: column 2: "" is not a number"#)
        let filled = try table.tensor(missingValue: .nan)
        #expect(filled.scalars[1].isNaN && filled.scalars[2] == 3)
    }

    @Test("unknown column names list the available ones; bad indices give the range")
    func columnLookup() throws {
        let table = try CSVTable(text: "a,b\n1,2\n", source: "c.csv", hasHeader: true)
        let error = #expect(throws: CSVError.self) { try table.columnIndex("z") }
        #expect(error?.description == #"c.csv: no column named "z"; columns are "a", "b""#)
        #expect(throws: CSVError.columnOutOfRange(file: "c.csv", index: 2, columnCount: 2)) { try table.columnIndex(2) }
        #expect(throws: CSVError.columnOutOfRange(file: "c.csv", index: -3, columnCount: 2)) { try table.columnIndex(-3) }
        #expect(try table.columnIndex(-2) == 0)
    }

    @Test("a missing file names its path; a folder is unreadable")
    func fileErrors() throws {
        let path = "/nonexistent-\(UUID().uuidString)/data.csv"
        let error = #expect(throws: CSVError.self) { try CSVTable(contentsOf: URL(fileURLWithPath: path)) }
        #expect(error?.description == "\(path): no such file")
        let folder = try FixtureFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CSVError.unreadable(path: folder.path, reason: "it is a folder")) { try CSVTable(contentsOf: folder) }
    }

    @Test("long or control-character values are shortened and escaped in messages")
    func quoting() {
        #expect(CSVError.quote("a\tb") == #""a\tb""#)
        #expect(CSVError.quote(String(repeating: "x", count: 100)).count == 42)
    }

    @Test("random bytes never crash the parser")
    func fuzz() {
        var state: UInt64 = 0x1234_5678
        let alphabet = Array(",\"\r\n 1.5ae-\t;".utf8) + [0xFF, 0xC3, 0x00]
        for _ in 0..<2_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 58)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            do {
                let table = try CSVTable(bytes: bytes, source: "fuzz", hasHeader: state & 1 == 0)
                _ = try? table.tensor()
                _ = try? table.featuresAndLabels(labelColumn: -1, labelDType: .int32)
                #expect(table.rows.allSatisfy { $0.count == table.columnCount })
            } catch {
                #expect(error is CSVError)
            }
        }
    }
}
