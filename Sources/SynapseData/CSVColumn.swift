/// A column of a ``CSVTable``, chosen by position or by header name.
///
/// Integer and string literals work directly: `labelColumn: 8`, `labelColumn: -1`
/// (the last column, as in Python) or `labelColumn: "outcome"`.
public enum CSVColumn: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// The column at a 0-based index; negative indices count from the end (-1 is the last).
    case index(Int)
    /// The column whose header is this name (exact match after trimming blanks).
    case name(String)

    /// A column by 0-based index.
    ///
    /// - Parameter value: the index; negative values count from the end (-1 is the last column).
    public init(integerLiteral value: Int) { self = .index(value) }

    /// A column by header name.
    ///
    /// - Parameter value: the header name.
    public init(stringLiteral value: String) { self = .name(value) }
}
