/// Binary arithmetic with NumPy broadcasting: `+ − × ÷`, `pow`, `minimum`, `maximum`.
///
/// Operands broadcast as in NumPy (trailing dimensions aligned, size-1
/// dimensions stretched). Gradients are summed back to each operand's shape.
extension Tensor {
    /// Runs a float32 binary kernel under broadcasting and records its backward rule.
    static func binary(_ op: BinaryOp, _ lhs: Tensor, _ rhs: Tensor, name: String,
                       rule: @escaping (_ gradient: Tensor, _ lhs: Tensor, _ rhs: Tensor, _ output: Tensor) -> (Tensor?, Tensor?)) -> Tensor {
        lhs.requireDType(.float32, name)
        rhs.requireDType(.float32, name)
        require(lhs.device == rhs.device, "\(name): operands are on different devices (\(lhs.device) and \(rhs.device))")
        guard let shape = Shape.broadcast(lhs.shape, rhs.shape) else {
            fatalError("\(name): shapes \(Shape.describe(lhs.shape)) and \(Shape.describe(rhs.shape)) cannot be broadcast together")
        }
        let layout = BroadcastLayout(shape: shape, operandShapes: [lhs.shape, rhs.shape])
        let storage = lhs.backend.binary(op, lhs.storage, rhs.storage, layout: layout)
        let result = Tensor(storage: storage, shape: shape, dtype: .float32)
        guard lhs.node != nil || rhs.node != nil, GradientMode.isEnabled else { return result }
        let (a, b) = (lhs.detached(), rhs.detached())
        let output = result.detached()
        let (needsA, needsB) = (lhs.node != nil, rhs.node != nil)
        return record(result, op: name, inputs: lhs, rhs) { gradient in
            let (ga, gb) = rule(gradient, a, b, output)
            return [needsA ? ga?.sumToShape(a.shape) : nil, needsB ? gb?.sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise sum.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.add, lhs, rhs, name: "add") { g, _, _, _ in (g, g) }
    }

    /// Elementwise difference.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.subtract, lhs, rhs, name: "subtract") { g, _, _, _ in (g, -g) }
    }

    /// Elementwise product.
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.multiply, lhs, rhs, name: "multiply") { g, a, b, _ in (g * b, g * a) }
    }

    /// Elementwise quotient.
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        binary(.divide, lhs, rhs, name: "divide") { g, _, b, y in (g / b, -g * y / b) }
    }

    /// Elementwise `self ^ exponent`. The gradient with respect to the exponent is
    /// `y · log(self)` (NaN for negative bases, as in PyTorch).
    public func pow(_ exponent: Tensor) -> Tensor {
        Tensor.binary(.power, self, exponent, name: "pow") { g, a, b, y in
            (g * b * a.pow(b - 1), g * y * a.log())
        }
    }

    /// Elementwise minimum; the gradient goes to the smaller operand (the left one on ties).
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(.minimum, lhs, rhs, name: "minimum") { g, a, b, _ in
            let takeLeft = (a .<= b).to(.float32)
            return (g * takeLeft, g * (1 - takeLeft))
        }
    }

    /// Elementwise maximum; the gradient goes to the larger operand (the left one on ties).
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) -> Tensor {
        binary(.maximum, lhs, rhs, name: "maximum") { g, a, b, _ in
            let takeLeft = (a .>= b).to(.float32)
            return (g * takeLeft, g * (1 - takeLeft))
        }
    }

    // Scalar forms; the scalar becomes a rank-0 tensor and broadcasts.

    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs + Tensor(rhs) }
    /// Adds a scalar to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs - Tensor(rhs) }
    /// Subtracts every element from a scalar.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs * Tensor(rhs) }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs / Tensor(rhs) }
    /// Divides a scalar by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }

    /// In-place forms (they rebind the variable; the graph sees a new tensor).
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
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
