/// Errors from reading CSV files. Descriptions name the file and, where there is
/// one, the line (counting from 1, as editors do) and the column (counting from 1,
/// with its header name when the file has a header):
///
/// ```
/// pima.csv:17: column 4 (skin_thickness): "abc" is not a number
/// pima.csv:18: expected 9 columns, found 8
/// ```
public enum CSVError: Error, CustomStringConvertible, Equatable {
    /// The file does not exist.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (a folder, no permission, …).
    case unreadable(path: String, reason: String)
    /// A field that should hold a number does not.
    case notANumber(file: String, line: Int, column: Int, columnName: String?, value: String)
    /// A field that should hold an integer class label holds a fraction or is out of range.
    case notAnInteger(file: String, line: Int, column: Int, columnName: String?, value: String)
    /// A row has a different number of fields than the header (or the first row).
    case wrongColumnCount(file: String, line: Int, expected: Int, found: Int)
    /// A quoted field is still open at the end of the file.
    case unterminatedQuote(file: String, line: Int)
    /// The file holds no data rows (only blank lines, or only a header).
    case noRows(file: String)
    /// A column was asked for by a name the header does not have.
    case unknownColumn(file: String, name: String, available: [String])
    /// A column was asked for by an index outside the table.
    case columnOutOfRange(file: String, index: Int, columnCount: Int)

    /// A readable explanation naming the file, line and column.
    public var description: String {
        func column(_ number: Int, _ name: String?) -> String {
            name.map { "column \(number) (\($0))" } ?? "column \(number)"
        }
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .notANumber(let file, let line, let number, let name, let value):
            return "\(file):\(line): \(column(number, name)): \(Self.quote(value)) is not a number"
        case .notAnInteger(let file, let line, let number, let name, let value):
            return "\(file):\(line): \(column(number, name)): \(Self.quote(value)) is not an integer label"
        case .wrongColumnCount(let file, let line, let expected, let found):
            return "\(file):\(line): expected \(expected) columns, found \(found)"
        case .unterminatedQuote(let file, let line):
            return "\(file):\(line): quoted field is not closed before the end of the file"
        case .noRows(let file):
            return "\(file): no data rows"
        case .unknownColumn(let file, let name, let available):
            return "\(file): no column named \(Self.quote(name)); columns are \(available.map(Self.quote).joined(separator: ", "))"
        case .columnOutOfRange(let file, let index, let count):
            return "\(file): column index \(index) is out of range for \(count) columns"
        }
    }

    /// `value` in double quotes, shortened to 40 characters, control characters escaped.
    static func quote(_ value: String) -> String {
        let short = value.count > 40 ? String(value.prefix(37)) + "..." : value
        return "\"" + short.unicodeScalars.map { $0.value < 0x20 ? $0.escaped(asASCII: true) : String($0) }.joined() + "\""
    }
}
