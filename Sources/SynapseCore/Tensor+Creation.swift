/// Creating tensors: constants, Swift arrays, ranges, identity and random values.
extension Tensor {
    /// A float32 tensor from row-major values.
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    public init(_ values: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        let storage = values.withUnsafeBytes { Backends.cpu.upload($0) }
        self.init(storage: storage, shape: shape, dtype: .float32)
    }

    /// A float32 scalar (rank 0).
    public init(_ value: Float) {
        // Written directly: scalars are made on every `x * 0.5`, so no array round trip.
        let storage = TensorStorage(byteCount: 4)
        storage.pointer(as: Float.self).initialize(to: value)
        self.init(storage: storage, shape: [], dtype: .float32)
    }

    /// A float32 matrix from rows of equal length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == columns }, "Tensor: rows have different lengths \(rows.map(\.count))")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    /// A rank-3 float32 tensor from nested arrays of equal lengths.
    public init(_ planes: [[[Float]]]) {
        let rows = planes.first?.count ?? 0
        let columns = planes.first?.first?.count ?? 0
        require(planes.allSatisfy { $0.count == rows && $0.allSatisfy { $0.count == columns } },
                "Tensor: nested arrays have different lengths")
        self.init(planes.flatMap { $0.flatMap { $0 } }, shape: [planes.count, rows, columns])
    }

    /// An int32 tensor (labels, token ids) from row-major values.
    ///
    /// ```swift
    /// let labels = Tensor(int32: [3, 1, 4])
    /// ```
    public init(int32 values: [Int32], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        let storage = values.withUnsafeBytes { Backends.cpu.upload($0) }
        self.init(storage: storage, shape: shape, dtype: .int32)
    }

    /// An int32 tensor from `Int` values (each must fit in 32 bits).
    public init(int32 values: [Int], shape: [Int]? = nil) {
        self.init(int32: values.map { Int32($0) }, shape: shape)
    }

    /// A bool tensor from row-major values.
    public init(bool values: [Bool], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        let bytes = values.map { UInt8($0 ? 1 : 0) }
        let storage = bytes.withUnsafeBytes { Backends.cpu.upload($0) }
        self.init(storage: storage, shape: shape, dtype: .bool)
    }

    /// A tensor with every element equal to `value`.
    public static func full(_ shape: [Int], value: Float, dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        let result = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
        result.backend.fill(result.storage, count: result.scalarCount, dtype: dtype, value: Double(value))
        return result
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        full(shape, value: 0, dtype: dtype, device: device)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device = .cpu) -> Tensor {
        full(shape, value: 1, dtype: dtype, device: device)
    }

    /// Zeros with the shape, dtype and device of `other`.
    public static func zeros(like other: Tensor) -> Tensor {
        zeros(other.shape, dtype: other.dtype, device: other.device)
    }

    /// Ones with the shape, dtype and device of `other`.
    public static func ones(like other: Tensor) -> Tensor {
        ones(other.shape, dtype: other.dtype, device: other.device)
    }

    /// Values `start, start + step, …` below `end` (as NumPy's `arange`).
    ///
    /// ```swift
    /// Tensor.arange(0, 5)                  // [0, 1, 2, 3, 4]
    /// Tensor.arange(0, 5, dtype: .int32)   // int32 ids
    /// ```
    public static func arange(_ start: Float, _ end: Float, step: Float = 1, dtype: DType = .float32) -> Tensor {
        require(step != 0, "arange: step must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let values = (0..<count).map { start + Float($0) * step }
        let floats = Tensor(values, shape: [count])
        return dtype == .float32 ? floats : floats.to(dtype)
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        require(count >= 0, "linspace: count must be non-negative, got \(count)")
        if count == 1 { return Tensor([start]) }
        let step = (Double(end) - Double(start)) / Double(Swift.max(count - 1, 1))
        return Tensor((0..<count).map { Float(Double(start) + Double($0) * step) }, shape: [count])
    }

    /// An identity matrix of `rows × columns` (square by default).
    public static func eye(_ rows: Int, _ columns: Int? = nil) -> Tensor {
        let columns = columns ?? rows
        var values = [Float](repeating: 0, count: rows * columns)
        for index in 0..<Swift.min(rows, columns) { values[index * columns + index] = 1 }
        return Tensor(values, shape: [rows, columns])
    }

    // MARK: Random

    /// Uniform samples in `[low, high)`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.elementCount(shape)).map { _ in low + (high - low) * generator.nextUniform() }
        return Tensor(values, shape: shape)
    }

    /// Normal samples with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.elementCount(shape)).map { _ in mean + standardDeviation * generator.nextNormal() }
        return Tensor(values, shape: shape)
    }

    /// Normal samples redrawn until they lie within two standard deviations of the
    /// mean (as Keras' `TruncatedNormal`).
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                       generator: inout RandomGenerator) -> Tensor {
        let values = (0..<Shape.elementCount(shape)).map { _ -> Float in
            var sample = generator.nextNormal()
            while Swift.abs(sample) > 2 { sample = generator.nextNormal() }
            return mean + standardDeviation * sample
        }
        return Tensor(values, shape: shape)
    }

    /// Uniform samples from the default generator (see ``Random``).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1) -> Tensor {
        Random.withGenerator { randomUniform(shape, low: low, high: high, generator: &$0) }
    }

    /// Normal samples from the default generator (see ``Random``).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1) -> Tensor {
        Random.withGenerator { randomNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &$0) }
    }

    /// Truncated normal samples from the default generator (see ``Random``).
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1) -> Tensor {
        Random.withGenerator { truncatedNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &$0) }
    }
}
