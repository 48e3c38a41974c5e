/// Exporting and importing an optimizer's state as named tensors, for checkpoints.
///
/// Keys: `"iterations"` (int32 scalar, ``Optimizer/iterations``), and for the
/// parameter at position `i` of ``Optimizer/parameters``: `"i.step"` (int32 scalar,
/// its update count) and `"i.<slot>"` for each state tensor, with PyTorch's slot
/// names (`"0.exp_avg"`, `"3.momentum_buffer"`), so a checkpoint reads like a
/// PyTorch `optimizer.state_dict()`.
extension Optimizer {
    /// The optimizer's state as named tensors (see the extension's overview for keys).
    ///
    /// ```swift
    /// let saved = optimizer.stateTensors()
    /// // ... later, with the same parameters in the same order:
    /// try optimizer.loadStateTensors(saved)
    /// ```
    public func stateTensors() -> [String: Tensor] {
        var result = ["iterations": Tensor(int32: [Int32(clamping: iterations)], shape: [])]
        let (slots, counts) = allState
        for (index, parameter) in parameters.enumerated() {
            let id = ObjectIdentifier(parameter)
            if let count = counts[id] {
                result["\(index).step"] = Tensor(int32: [Int32(clamping: count)], shape: [])
            }
            for (slot, tensor) in slots[id] ?? [:] {
                result["\(index).\(slot)"] = tensor
            }
        }
        return result
    }

    /// Replaces the optimizer's state with tensors made by ``stateTensors()``.
    ///
    /// ``parameters`` must be in place and in the order they had when the state was
    /// saved. Everything is checked before anything changes: on error the optimizer
    /// keeps its previous state.
    ///
    /// - Parameter tensors: the named state tensors, as ``stateTensors()`` returns them.
    /// - Throws: ``OptimizerStateError`` for a missing `"iterations"`, a key that is
    ///   not `"<index>.<slot>"`, an index past the parameters, a slot this optimizer
    ///   does not keep, or a tensor whose shape or type does not fit.
    public func loadStateTensors(_ tensors: [String: Tensor]) throws(OptimizerStateError) {
        guard let iterationsTensor = tensors["iterations"] else { throw .missingIterations }
        let loadedIterations = try Self.count(iterationsTensor, key: "iterations")
        var slots: [ObjectIdentifier: [String: Tensor]] = [:]
        var counts: [ObjectIdentifier: Int] = [:]
        let known = Set(stateSlotNames + (useEMA ? [Self.movingAverageSlot] : []))
        for (key, tensor) in tensors where key != "iterations" {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let index = Int(parts[0]), index >= 0 else { throw .malformedKey(key) }
            guard index < parameters.count else {
                throw .parameterIndexOutOfRange(key: key, parameterCount: parameters.count)
            }
            let parameter = parameters[index]
            let slot = parts[1]
            if slot == "step" {
                counts[ObjectIdentifier(parameter)] = try Self.count(tensor, key: key)
                continue
            }
            guard known.contains(slot) else { throw .unknownSlot(key: key, expected: known.sorted()) }
            guard tensor.dtype == .float32, tensor.shape == parameter.shape else {
                throw .shapeMismatch(key: key, expected: parameter.shape, got: tensor.shape)
            }
            slots[ObjectIdentifier(parameter), default: [:]][slot] = tensor.detached()
        }
        allState = (slots, counts)
        iterations = loadedIterations
    }

    /// A non-negative whole number stored as a one-element int32 or float32 tensor
    /// (PyTorch stores `step` as float32).
    private static func count(_ tensor: Tensor, key: String) throws(OptimizerStateError) -> Int {
        guard tensor.scalarCount == 1, tensor.dtype != .bool else { throw .invalidCount(key: key) }
        let value = tensor.item
        guard value >= 0, value == value.rounded(), value < 0x1p31 else { throw .invalidCount(key: key) }
        return Int(value)
    }
}

/// Why ``Optimizer/loadStateTensors(_:)`` rejected a set of state tensors.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
    /// The `"iterations"` entry is missing.
    case missingIterations
    /// A key is not `"iterations"` nor `"<parameter index>.<slot>"`.
    case malformedKey(String)
    /// A key names a parameter index the optimizer does not have.
    case parameterIndexOutOfRange(key: String, parameterCount: Int)
    /// A key names a slot this optimizer does not keep.
    case unknownSlot(key: String, expected: [String])
    /// A state tensor is not float32 or does not have its parameter's shape.
    case shapeMismatch(key: String, expected: [Int], got: [Int])
    /// A step or iteration count is not a one-element whole number >= 0.
    case invalidCount(key: String)

    /// A readable explanation that names the offending key.
    public var description: String {
        switch self {
        case .missingIterations:
            return "optimizer state: missing the 'iterations' entry"
        case .malformedKey(let key):
            return "optimizer state: key '\(key)' is not 'iterations' or '<parameter index>.<slot>'"
        case .parameterIndexOutOfRange(let key, let count):
            return "optimizer state: key '\(key)' names a parameter past the optimizer's \(count) parameters"
        case .unknownSlot(let key, let expected):
            return "optimizer state: key '\(key)' names a slot this optimizer does not keep (it keeps \(expected.isEmpty ? "none" : expected.joined(separator: ", ")))"
        case .shapeMismatch(let key, let expected, let got):
            return "optimizer state: '\(key)' has shape \(Shape.describe(got)), its parameter has shape \(Shape.describe(expected)) (float32 expected)"
        case .invalidCount(let key):
            return "optimizer state: '\(key)' must hold one whole number >= 0"
        }
    }
}
