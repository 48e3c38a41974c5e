/// Binary arithmetic with NumPy broadcasting: `+ − × ÷`, `pow`, `minimum`, `maximum`.
///
/// Operands broadcast as in NumPy (trailing dimensions aligned, size-1
/// dimensions stretched). Gradients are summed back to each operand's shape.
extension Tensor {
    /// Runs a floating-point binary kernel under broadcasting and records its
    /// backward rule, which sees the upstream gradient and both operands (attached to
    /// the graph, so the rule's own ops can be differentiated again) and which
    /// operands need a gradient.
    static func binary(_ op: BinaryOp, _ lhs: Tensor, _ rhs: Tensor, name: String,
                       rule: @escaping (_ gradient: Tensor, _ lhs: Tensor, _ rhs: Tensor,
                                        _ needs: (lhs: Bool, rhs: Bool)) -> (Tensor?, Tensor?)) -> Tensor {
        lhs.requireFloatingPoint(name)
        requireSameDTypeAndDevice(name, lhs, rhs)
        guard let shape = Shape.broadcast(lhs.shape, rhs.shape) else {
            fatalError("\(name): shapes \(Shape.describe(lhs.shape)) and \(Shape.describe(rhs.shape)) cannot be broadcast together")
        }
        let layout = BroadcastLayout(shape: shape, operandShapes: [lhs.shape, rhs.shape])
        let storage = lhs.backend.binary(op, lhs.storage, rhs.storage, dtype: lhs.dtype, layout: layout)
        let result = Tensor(storage: storage, shape: shape, dtype: lhs.dtype)
        guard needsRecording(lhs, rhs) else { return result }
        let (needsA, needsB) = (lhs.node != nil, rhs.node != nil)
        return record(result, op: name, inputs: lhs, rhs) { gradient in
            let (ga, gb) = rule(gradient, lhs, rhs, (needsA, needsB))
            return [needsA ? ga?.sumToShape(lhs.shape) : nil, needsB ? gb?.sumToShape(rhs.shape) : nil]
        }
    }

    /// Elementwise sum.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.add, lhs, rhs, name: "add") { g, _, _, _ in (g, g) }
    }

    /// Elementwise difference.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.subtract, lhs, rhs, name: "subtract") { g, _, _, needs in (g, needs.rhs ? -g : nil) }
    }

    /// Elementwise product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.multiply, lhs, rhs, name: "multiply") { g, a, b, needs in (needs.lhs ? g * b : nil, needs.rhs ? g * a : nil) }
    }

    /// Elementwise quotient.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.divide, lhs, rhs, name: "divide") { g, a, b, needs in
            (needs.lhs ? g / b : nil, needs.rhs ? -g * a / (b * b) : nil)
        }
    }

    /// Elementwise `self ^ exponent`. The gradient with respect to the exponent is
    /// `y · log(self)` (NaN for negative bases, as in PyTorch).
    ///
    /// - Parameter exponent: a floating-point tensor of this tensor's dtype and device,
    ///   broadcastable with this tensor.
    /// - Returns: a tensor of the broadcast shape.
    public func pow(_ exponent: Tensor) -> Tensor {
        Tensor.binary(.power, self, exponent, name: "pow") { g, a, b, needs in
            (needs.lhs ? g * b * a.pow(b - 1) : nil, needs.rhs ? g * a.pow(b) * a.log() : nil)
        }
    }

    /// Elementwise minimum; the gradient goes to the smaller operand (the left one on ties).
    ///
    /// - Parameters:
    ///   - lhs: a floating-point tensor.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a tensor of the broadcast shape.
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(.minimum, lhs, rhs, name: "minimum") { g, a, b, _ in
            let takeLeft = (a .<= b).to(g.dtype)
            return (g * takeLeft, g * (1 - takeLeft))
        }
    }

    /// Elementwise maximum; the gradient goes to the larger operand (the left one on ties).
    ///
    /// - Parameters:
    ///   - lhs: a floating-point tensor.
    ///   - rhs: a tensor of the same dtype and device, broadcastable with `lhs`.
    /// - Returns: a tensor of the broadcast shape.
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(.maximum, lhs, rhs, name: "maximum") { g, a, b, _ in
            let takeLeft = (a .>= b).to(g.dtype)
            return (g * takeLeft, g * (1 - takeLeft))
        }
    }

    // Scalar forms; the scalar becomes a rank-0 constant of the tensor's dtype on
    // the tensor's device, and broadcasts.

    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + lhs.constant(rhs) }
    /// Adds a scalar to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.constant(lhs) + rhs }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs - lhs.constant(rhs) }
    /// Subtracts every element from a scalar.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.constant(lhs) - rhs }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * lhs.constant(rhs) }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.constant(lhs) * rhs }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs / lhs.constant(rhs) }
    /// Divides a scalar by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.constant(lhs) / rhs }

    /// In-place forms (they rebind the variable; the graph sees a new tensor).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    /// Rebinds `lhs` to the elementwise difference (a new tensor for the graph).
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    /// Rebinds `lhs` to the elementwise product (a new tensor for the graph).
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    /// Rebinds `lhs` to the elementwise quotient (a new tensor for the graph).
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }

    /// Sums a broadcast gradient back to `shape`: over leading dimensions that
    /// `shape` lacks and over dimensions where `shape` has size 1.
    func sumToShape(_ shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        let extra = rank - shape.count
        var axes = Array(0..<extra)
        for axis in 0..<shape.count where shape[axis] == 1 && self.shape[axis + extra] != 1 {
            axes.append(axis + extra)
        }
        let summed = axes.isEmpty ? self : sum(alongAxes: axes, keepDims: true)
        return summed.reshaped(to: shape)
    }
}
