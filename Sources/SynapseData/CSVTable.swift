import Foundation

/// A CSV file read into memory: an optional header and rows of text fields, with
/// typed conversion to float32 tensors (features) and float32 or int32 labels.
///
/// Every row must have as many fields as the header (or, without a header, the
/// first row). Errors name the file, line and column (see ``CSVError``).
///
/// ```swift
/// let table = try CSVTable(contentsOf: URL(fileURLWithPath: "Data/pima/pima-indians-diabetes.data.csv"))
/// let (x, y) = try table.featuresAndLabels(labelColumn: -1)   // x: [768, 8], y: [768, 1]
/// ```
public struct CSVTable: Sendable, Equatable {
    /// The name used in error messages: the file's last path component, or the
    /// `source` given to ``init(text:source:hasHeader:delimiter:)``.
    public let source: String
    /// The header's column names, when the table was read with `hasHeader: true`.
    public let header: [String]?
    /// The data rows' fields, as written (quotes removed, blanks kept).
    public let rows: [[String]]
    /// The 1-based line on which each row starts in the file.
    public let lineNumbers: [Int]

    /// The number of data rows.
    public var rowCount: Int { rows.count }

    /// The number of columns (0 for an empty table).
    public var columnCount: Int { header?.count ?? rows.first?.count ?? 0 }

    /// Reads and parses a CSV file.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - hasHeader: whether the first non-blank line names the columns.
    ///   - delimiter: the field separator, a single ASCII character (`,` by default; `;` or `\t` also common).
    /// - Throws: ``CSVError/fileNotFound(path:)``, ``CSVError/unreadable(path:reason:)``,
    ///   ``CSVError/unterminatedQuote(file:line:)`` or ``CSVError/wrongColumnCount(file:line:expected:found:)``.
    public init(contentsOf url: URL, hasHeader: Bool = false, delimiter: Character = ",") throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CSVError.fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw CSVError.unreadable(path: path, reason: "it is a folder") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CSVError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        try self.init(bytes: [UInt8](data), source: url.lastPathComponent, hasHeader: hasHeader, delimiter: delimiter)
    }

    /// Parses CSV text held in memory.
    ///
    /// - Parameters:
    ///   - text: the CSV text.
    ///   - source: the name error messages use for this text; default `"<text>"`.
    ///   - hasHeader: whether the first non-blank line names the columns; default `false`.
    ///   - delimiter: the field separator, a single ASCII character; default `,`.
    /// - Throws: ``CSVError/unterminatedQuote(file:line:)`` or ``CSVError/wrongColumnCount(file:line:expected:found:)``.
    public init(text: String, source: String = "<text>", hasHeader: Bool = false, delimiter: Character = ",") throws {
        try self.init(bytes: Array(text.utf8), source: source, hasHeader: hasHeader, delimiter: delimiter)
    }

    /// Parses CSV bytes (UTF-8).
    ///
    /// - Parameters:
    ///   - bytes: the CSV file's bytes, UTF-8.
    ///   - source: the name error messages use for these bytes.
    ///   - hasHeader: whether the first non-blank line names the columns; default `false`.
    ///   - delimiter: the field separator; default `,`.
    /// - Throws: ``CSVError/unterminatedQuote(file:line:)`` or ``CSVError/wrongColumnCount(file:line:expected:found:)``.
    /// - Precondition: `delimiter` is one ASCII character other than a quote or a line break.
    public init(bytes: [UInt8], source: String, hasHeader: Bool = false, delimiter: Character = ",") throws {
        guard let ascii = delimiter.asciiValue, !"\"\r\n".contains(delimiter) else {
            preconditionFailure("CSVTable: the delimiter must be one ASCII character other than a quote or line break, got \(delimiter.debugDescription)")
        }
        var records = try CSVParser.parse(bytes, delimiter: ascii, source: source)
        var header: [String]? = nil
        if hasHeader, !records.isEmpty {
            header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let expected = header?.count ?? records.first?.fields.count ?? 0
        for record in records where record.fields.count != expected {
            throw CSVError.wrongColumnCount(file: source, line: record.line, expected: expected, found: record.fields.count)
        }
        self.source = source
        self.header = header
        self.rows = records.map(\.fields)
        self.lineNumbers = records.map(\.line)
    }

    /// The 0-based index of `column`.
    ///
    /// - Parameter column: a column by index (negative counts from the end) or by header name.
    /// - Returns: the column's 0-based index.
    /// - Throws: ``CSVError/unknownColumn(file:name:available:)`` for a name the header
    ///   lacks (or any name when there is no header), ``CSVError/columnOutOfRange(file:index:columnCount:)``.
    public func columnIndex(_ column: CSVColumn) throws -> Int {
        switch column {
        case .index(let index):
            let resolved = index < 0 ? columnCount + index : index
            guard resolved >= 0, resolved < columnCount else {
                throw CSVError.columnOutOfRange(file: source, index: index, columnCount: columnCount)
            }
            return resolved
        case .name(let name):
            let wanted = name.trimmingCharacters(in: .whitespaces)
            guard let index = header?.firstIndex(of: wanted) else {
                throw CSVError.unknownColumn(file: source, name: name, available: header ?? [])
            }
            return index
        }
    }

    /// The values of the given columns as a float32 tensor `[rowCount, columns.count]`.
    ///
    /// Fields may have blanks around the number; `nan` and `inf` are accepted.
    ///
    /// - Parameters:
    ///   - columns: which columns, in order; `nil` takes all of them.
    ///   - missingValue: the value for empty fields; `nil` (the default) makes an
    ///     empty field an error.
    /// - Throws: ``CSVError/notANumber(file:line:column:columnName:value:)`` naming the first bad field,
    ///   ``CSVError/noRows(file:)`` for a table without rows, or a column lookup error.
    public func tensor(columns: [CSVColumn]? = nil, missingValue: Float? = nil) throws -> Tensor {
        guard rowCount > 0 else { throw CSVError.noRows(file: source) }
        let indices = try columns.map { try $0.map(columnIndex) } ?? Array(0..<columnCount)
        var values = [Float](repeating: 0, count: rowCount * indices.count)
        for row in 0..<rowCount {
            for (position, column) in indices.enumerated() {
                values[row * indices.count + position] = try number(row: row, column: column, missingValue: missingValue)
            }
        }
        return Tensor(values, shape: [rowCount, indices.count], device: .cpu)
    }

    /// Splits the table into features and labels.
    ///
    /// - Parameters:
    ///   - labelColumn: the column holding the target (by index, negative from the end, or by name).
    ///   - featureColumns: the feature columns in order; `nil` takes every other column.
    ///   - labelDType: `.float32` gives labels `[rowCount, 1]` (regression and binary
    ///     targets, as Keras expects them); `.int32` gives class indices `[rowCount]`
    ///     (for sparse categorical cross-entropy), and every label must be a whole number.
    ///   - missingValue: the value for empty feature fields; `nil` makes them an error.
    /// - Returns: features float32 `[rowCount, featureCount]` and labels as above.
    /// - Throws: ``CSVError`` naming the file, line and column of the first bad field.
    public func featuresAndLabels(labelColumn: CSVColumn, featureColumns: [CSVColumn]? = nil,
                                  labelDType: DType = .float32, missingValue: Float? = nil) throws -> (features: Tensor, labels: Tensor) {
        require(labelDType != .bool, "CSVTable.featuresAndLabels: labels must be float32 or int32, got \(labelDType)")
        guard rowCount > 0 else { throw CSVError.noRows(file: source) }
        let label = try columnIndex(labelColumn)
        let features: [CSVColumn] = featureColumns ?? (0..<columnCount).filter { $0 != label }.map { CSVColumn.index($0) }
        _ = try features.map(columnIndex)
        let x = try tensor(columns: features, missingValue: missingValue)
        if labelDType == .float32 {
            return (x, try tensor(columns: [.index(label)]))
        }
        var classes = [Int32](repeating: 0, count: rowCount)
        for row in 0..<rowCount {
            let value = try number(row: row, column: label, missingValue: nil)
            guard value == value.rounded(), abs(value) <= 16_777_216 else {
                throw CSVError.notAnInteger(file: source, line: lineNumbers[row], column: label + 1,
                                            columnName: header?[label], value: rows[row][label])
            }
            classes[row] = Int32(value)
        }
        return (x, Tensor(int32: classes, shape: [rowCount], device: .cpu))
    }

    /// The number in one field, or a ``CSVError/notANumber(file:line:column:columnName:value:)``.
    private func number(row: Int, column: Int, missingValue: Float?) throws -> Float {
        let field = rows[row][column]
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty, let missingValue { return missingValue }
        guard let value = Float(trimmed) else {
            throw CSVError.notANumber(file: source, line: lineNumbers[row], column: column + 1,
                                      columnName: header?[column], value: field)
        }
        return value
    }
}
