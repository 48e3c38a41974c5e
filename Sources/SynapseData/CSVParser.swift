/// Splits CSV bytes into records of fields (RFC 4180, leniently).
///
/// - Fields are separated by a one-byte delimiter; records end at `\n`, `\r\n` or a
///   lone `\r`.
/// - A field that starts with `"` is quoted: delimiters and line breaks inside it are
///   data, and `""` is a literal quote. Text after the closing quote is kept (as
///   Python's csv module does).
/// - A UTF-8 byte-order mark at the start is skipped; lines that hold only spaces
///   or tabs are skipped (as pandas skips blank lines).
/// - Bytes are decoded as UTF-8, replacing invalid sequences, so no input crashes it.
struct CSVParser {
    struct Record {
        /// The 1-based line on which the record starts.
        var line: Int
        var fields: [String]
    }

    static func parse(_ bytes: [UInt8], delimiter: UInt8, source: String) throws -> [Record] {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var recordLine = 1
        var recordHasContent = false  // anything but spaces and tabs seen in this record

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if recordHasContent { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            recordHasContent = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote && field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                // A quoted field (leading blanks before the quote are dropped).
                field.removeAll(keepingCapacity: true)
                recordHasContent = true
                let openedOn = line
                index += 1
                var closed = false
                while index < bytes.count {
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < bytes.count && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == newline || (inner == carriageReturn && (index + 1 >= bytes.count || bytes[index + 1] != newline)) {
                        line += 1
                    }
                    field.append(inner)
                    index += 1
                }
                if !closed { throw CSVError.unterminatedQuote(file: source, line: openedOn) }
                continue
            }
            if byte == delimiter {
                recordHasContent = true
                endField()
            } else if byte == newline || byte == carriageReturn {
                endRecord()
                if byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == newline { index += 1 }
                line += 1
                recordLine = line
            } else {
                if byte != 0x20 && byte != 0x09 { recordHasContent = true }
                field.append(byte)
            }
            index += 1
        }
        if recordHasContent || !fields.isEmpty { endRecord() }
        return records
    }
}
