import Hummingbird

/// An answer other than success: the HTTP status and a message that says what is
/// wrong, sent as `{"error": "..."}`.
///
/// Every problem with a request (malformed JSON, wrong shapes, non-numbers, an
/// oversized body, an unknown model or route) becomes one of these; the server
/// never stops on input.
public struct ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code (4xx for the client's mistakes).
    public var status: HTTPResponse.Status
    /// What is wrong, in one sentence.
    public var message: String
    /// Extra response headers (for example `Allow` on 405).
    public var headers: HTTPFields

    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - message: what is wrong, in one sentence.
    ///   - headers: extra response headers.
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        (self.status, self.message, self.headers) = (status, message, headers)
    }

    /// 400 Bad Request.
    ///
    /// - Parameter message: what is wrong with the request, in one sentence.
    /// - Returns: the error, with no extra headers.
    public static func badRequest(_ message: String) -> ServingError { ServingError(.badRequest, message) }

    /// 404 Not Found.
    ///
    /// - Parameter message: what was not found, in one sentence.
    /// - Returns: the error, with no extra headers.
    public static func notFound(_ message: String) -> ServingError { ServingError(.notFound, message) }

    /// "413 Content Too Large" for a body over `limit` bytes.
    ///
    /// - Parameter limit: the largest body accepted, in bytes (named in the message).
    /// - Returns: the error, with no extra headers.
    public static func bodyTooLarge(limit: Int) -> ServingError {
        ServingError(.contentTooLarge, "the request body is larger than the limit of \(limit) bytes (see --max-body-bytes)")
    }

    /// `"<status code>: <message>"`.
    public var description: String { "\(status.code): \(message)" }
}
