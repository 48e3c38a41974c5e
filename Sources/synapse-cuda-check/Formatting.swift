import Glibc

/// printf-style formatting (the probe has no Foundation for `String(format:)`).
///
/// - Parameters:
///   - format: a C format string, e.g. "%.2f".
///   - arguments: its arguments.
func formatted(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 256)
        let written = vsnprintf(&buffer, buffer.count, format, list)
        guard written >= 0 else { return format }
        return buffer.withUnsafeBufferPointer { pointer in pointer.baseAddress.map { String(cString: $0) } ?? "" }
    }
}

/// The current time in UTC as ISO 8601, e.g. "2026-05-01T12:00:00Z".
func utcTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    guard gmtime_r(&now, &parts) != nil else { return "unknown" }
    var buffer = [CChar](repeating: 0, count: 32)
    let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
    guard length > 0 else { return "unknown" }
    return buffer.withUnsafeBufferPointer { pointer in pointer.baseAddress.map { String(cString: $0) } ?? "unknown" }
}

/// Writes `text` to `path` through a temporary file and a rename, so a reader never
/// sees half a report.
///
/// - Parameters:
///   - text: the contents.
///   - path: the destination.
/// - Returns: nil on success, else why it failed.
func writeAtomically(_ text: String, to path: String) -> String? {
    let temporary = path + ".tmp.\(getpid())"
    guard let file = fopen(temporary, "w") else {
        return "cannot create \(temporary): \(String(cString: strerror(errno)))"
    }
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file) == 0
    guard written == bytes.count, closed else {
        unlink(temporary)
        return "cannot write \(temporary): \(String(cString: strerror(errno)))"
    }
    guard rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        return "cannot rename \(temporary) to \(path): \(reason)"
    }
    return nil
}

/// `text` padded with spaces on the right to `width` characters.
func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// Writes `message` and a newline to standard error, unbuffered.
func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Prints `text` and flushes, so output piped through `tee` appears line by line and
/// survives an abrupt end of the process.
func printLine(_ text: String) {
    print(text)
    fflush(nil)
}
