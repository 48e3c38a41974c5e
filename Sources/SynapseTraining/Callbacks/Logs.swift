/// Values reported to callbacks: "loss", metric names, "val_loss", "val_accuracy", ...
///
/// It reads like a `[String: Float]` dictionary (subscripts, `keys`, iteration,
/// dictionary literals), but the values `fit` puts in it during an epoch may still
/// be on the device: each is a ``/SynapseNN/DeferredScalar`` read the first time someone asks
/// for it. A training step therefore waits for no device read unless a callback
/// looks at the batch's logs (the progress bar does when it redraws, at most ten
/// times a second).
///
/// ```swift
/// var logs: Logs = ["loss": 0.5]
/// logs["accuracy"] = 0.9
/// print(logs["loss"]!, logs.keys.sorted())
/// ```
public struct Logs: Sendable, ExpressibleByDictionaryLiteral, Sequence, Equatable, CustomStringConvertible {
    private var entries: [String: DeferredScalar]

    /// Empty logs.
    public init() { entries = [:] }

    /// Logs holding host values.
    ///
    /// - Parameter values: name → value.
    public init(_ values: [String: Float]) { entries = values.mapValues { DeferredScalar($0) } }

    /// Logs whose values may be read later.
    ///
    /// - Parameter deferred: name → value, read on first access.
    public init(deferred: [String: DeferredScalar]) { entries = deferred }

    /// Logs of scalar tensors read only when someone asks: what an overridden
    /// ``Model/trainStep(x:y:)`` returns so that the step waits for no device read
    /// (`fit` averages a "loss" given this way on the device).
    ///
    /// ```swift
    /// return Logs(tensors: ["loss": loss, "kl": kl.mean()])
    /// ```
    ///
    /// - Parameter tensors: name → a one-element float tensor on any device.
    public init(tensors: [String: Tensor]) { entries = tensors.mapValues { DeferredScalar(tensor: $0) } }

    /// Logs from a dictionary literal, `["loss": 0.5]` (a repeated name keeps its last value).
    ///
    /// - Parameter elements: name-value pairs.
    public init(dictionaryLiteral elements: (String, Float)...) {
        entries = Dictionary(elements.map { ($0.0, DeferredScalar($0.1)) }, uniquingKeysWith: { $1 })
    }

    /// The value named `key`, read from the device if it is still there; `nil` when absent.
    /// Setting a host value replaces the entry; setting `nil` removes it.
    ///
    /// - Parameter key: the log name, e.g. "loss".
    public subscript(key: String) -> Float? {
        get { entries[key]?.value }
        set { entries[key] = newValue.map { DeferredScalar($0) } }
    }

    /// The value named `key` without reading it.
    ///
    /// - Parameter key: the log name, e.g. "loss".
    public subscript(deferred key: String) -> DeferredScalar? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// The names present, in no particular order.
    public var keys: Dictionary<String, DeferredScalar>.Keys { entries.keys }
    /// Whether there are no values.
    public var isEmpty: Bool { entries.isEmpty }
    /// The number of values.
    public var count: Int { entries.count }

    /// Every value, read.
    public var values: [String: Float] { entries.mapValues(\.value) }

    /// Iterates over `(key, value)` pairs, reading each value.
    public func makeIterator() -> Dictionary<String, Float>.Iterator { values.makeIterator() }

    /// Equal when the same names hold the same values (reads both).
    public static func == (lhs: Logs, rhs: Logs) -> Bool { lhs.values == rhs.values }

    public var description: String { values.description }
}
