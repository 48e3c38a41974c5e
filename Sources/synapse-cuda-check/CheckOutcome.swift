/// The result of one check: a line for the terminal, a JSON record for the report,
/// and whether it passed.
struct CheckOutcome {
    /// Short name, e.g. "sgemm 1024x1024x1024".
    var name: String
    /// Whether the GPU's result agreed with the CPU's within the tolerance.
    var passed: Bool
    /// What the terminal shows.
    var line: String
    /// The record in the JSON report.
    var json: JSONValue

    /// A check that could not run because a CUDA call threw.
    ///
    /// - Parameters:
    ///   - name: the check.
    ///   - error: what was thrown.
    static func failed(_ name: String, _ error: any Error) -> CheckOutcome {
        CheckOutcome(name: name, passed: false, line: "\(name): FAILED: \(error)",
                     json: .object([("name", .string(name)), ("passed", .bool(false)), ("error", .string("\(error)"))]))
    }
}
