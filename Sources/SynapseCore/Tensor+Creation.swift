/// Creating tensors: constants, Swift arrays, ranges, identity and random values.
///
/// Every creation function places its tensor on ``Device/current`` (the CPU unless a
/// ``withDevice(_:_:)`` scope says otherwise) or on the `device` it is given.
extension Tensor {
    /// A tensor of `dtype` holding a copy of host bytes, on `device`.
    init(hostBytes bytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, device: Device? = nil) {
        self.init(storage: Backends.backend(for: device ?? .current).upload(bytes), shape: shape, dtype: dtype)
    }

    /// A float32 tensor from row-major values.
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    ///   - device: where to put it (default ``Device/current``).
    public init(_ values: [Float], shape: [Int]? = nil, device: Device? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        self = values.withUnsafeBytes { Tensor(hostBytes: $0, shape: shape, dtype: .float32, device: device) }
    }

    /// A float64 tensor from row-major values.
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    public init(float64 values: [Double], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        self = values.withUnsafeBytes { Tensor(hostBytes: $0, shape: shape, dtype: .float64) }
    }

    /// A float32 scalar (rank 0).
    ///
    /// - Parameter value: the scalar.
    public init(_ value: Float) {
        self = Tensor.full([], value: value)
    }

    /// A float32 matrix from rows of equal length, on ``Device/current``.
    ///
    /// - Parameter rows: the rows, all of the same length; the result is `[rows.count, columns]`.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == columns }, "Tensor: rows have different lengths \(rows.map(\.count))")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    /// A rank-3 float32 tensor from nested arrays of equal lengths, on ``Device/current``.
    ///
    /// - Parameter planes: `planes[i][j][k]` becomes element `[i, j, k]`; every plane must
    ///   have the same number of rows and every row the same length.
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
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    ///   - device: where to put it (default ``Device/current``).
    public init(int32 values: [Int32], shape: [Int]? = nil, device: Device? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        self = values.withUnsafeBytes { Tensor(hostBytes: $0, shape: shape, dtype: .int32, device: device) }
    }

    /// An int32 tensor from `Int` values (each must fit in 32 bits).
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    ///   - device: where to put it (default ``Device/current``).
    public init(int32 values: [Int], shape: [Int]? = nil, device: Device? = nil) {
        self.init(int32: values.map { Int32($0) }, shape: shape, device: device)
    }

    /// A bool tensor from row-major values, on ``Device/current``.
    ///
    /// - Parameters:
    ///   - values: `Shape.elementCount(shape)` values, last dimension fastest.
    ///   - shape: dimensions; defaults to `[values.count]`.
    public init(bool values: [Bool], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        require(Shape.elementCount(shape) == values.count,
                "Tensor: \(values.count) values cannot fill shape \(Shape.describe(shape))")
        let bytes = values.map { UInt8($0 ? 1 : 0) }
        self = bytes.withUnsafeBytes { Tensor(hostBytes: $0, shape: shape, dtype: .bool) }
    }

    /// A tensor with every element equal to `value`.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - value: the value of every element.
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func full(_ shape: [Int], value: Float, dtype: DType = .float32, device: Device? = nil) -> Tensor {
        let result = Tensor(uninitializedShape: shape, dtype: dtype, device: device)
        result.backend.fill(result.storage, count: result.scalarCount, dtype: dtype, value: Double(value))
        return result
    }

    /// A tensor of zeros.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func zeros(_ shape: [Int], dtype: DType = .float32, device: Device? = nil) -> Tensor {
        full(shape, value: 0, dtype: dtype, device: device)
    }

    /// A tensor of ones.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func ones(_ shape: [Int], dtype: DType = .float32, device: Device? = nil) -> Tensor {
        full(shape, value: 1, dtype: dtype, device: device)
    }

    /// Zeros with the shape, dtype and device of `other`.
    ///
    /// - Parameter other: the tensor whose shape, dtype and device to copy.
    /// - Returns: a tensor of zeros.
    public static func zeros(like other: Tensor) -> Tensor {
        zeros(other.shape, dtype: other.dtype, device: other.device)
    }

    /// Ones with the shape, dtype and device of `other`.
    ///
    /// - Parameter other: the tensor whose shape, dtype and device to copy.
    /// - Returns: a tensor of ones.
    public static func ones(like other: Tensor) -> Tensor {
        ones(other.shape, dtype: other.dtype, device: other.device)
    }

    /// Values `start, start + step, …` below `end` (as NumPy's `arange`).
    ///
    /// ```swift
    /// Tensor.arange(0, 5)                  // [0, 1, 2, 3, 4]
    /// Tensor.arange(0, 5, dtype: .int32)   // int32 ids
    /// ```
    ///
    /// - Parameters:
    ///   - start: the first value.
    ///   - end: the bound, excluded.
    ///   - step: the spacing (default 1; not zero).
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func arange(_ start: Float, _ end: Float, step: Float = 1, dtype: DType = .float32,
                              device: Device? = nil) -> Tensor {
        require(step != 0, "arange: step must not be zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        let values = (0..<count).map { Double(start) + Double($0) * Double(step) }
        return fromDoubles(values, shape: [count], dtype: dtype, device: device)
    }

    /// `count` evenly spaced values from `start` to `end` inclusive.
    ///
    /// - Parameters:
    ///   - start: the first value.
    ///   - end: the last value.
    ///   - count: how many values (≥ 0).
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func linspace(_ start: Float, _ end: Float, count: Int, dtype: DType = .float32,
                                device: Device? = nil) -> Tensor {
        require(count >= 0, "linspace: count must be non-negative, got \(count)")
        let step = (Double(end) - Double(start)) / Double(Swift.max(count - 1, 1))
        let values = count == 1 ? [Double(start)] : (0..<count).map { Double(start) + Double($0) * step }
        return fromDoubles(values, shape: [count], dtype: dtype, device: device)
    }

    /// An identity matrix of `rows × columns` (square by default).
    ///
    /// - Parameters:
    ///   - rows: number of rows.
    ///   - columns: number of columns (default `rows`).
    ///   - dtype: element type (default float32).
    ///   - device: where to put it (default ``Device/current``).
    public static func eye(_ rows: Int, _ columns: Int? = nil, dtype: DType = .float32, device: Device? = nil) -> Tensor {
        let columns = columns ?? rows
        var values = [Double](repeating: 0, count: rows * columns)
        for index in 0..<Swift.min(rows, columns) { values[index * columns + index] = 1 }
        return fromDoubles(values, shape: [rows, columns], dtype: dtype, device: device)
    }

    /// A tensor of `dtype` from values computed in double precision on the host.
    static func fromDoubles(_ values: [Double], shape: [Int], dtype: DType, device: Device?) -> Tensor {
        switch dtype {
        case .float64: return withDeviceOverride(device) { Tensor(float64: values, shape: shape) }
        case .float32: return withDeviceOverride(device) { Tensor(values.map { Float($0) }, shape: shape) }
        case .int32: return withDeviceOverride(device) { Tensor(int32: values.map { Int32($0) }, shape: shape) }
        case .bool: return withDeviceOverride(device) { Tensor(bool: values.map { $0 != 0 }, shape: shape) }
        }
    }

    private static func withDeviceOverride(_ device: Device?, _ body: () -> Tensor) -> Tensor {
        guard let device else { return body() }
        return DeviceScope.$current.withValue(device, operation: body)
    }

    // MARK: Random

    /// Samples of `distribution` drawn by the target device's backend from
    /// `generator`'s Philox stream: the same seed gives the same numbers on every
    /// device.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - distribution: what to draw.
    ///   - generator: the stream; advanced past the blocks the draw used.
    ///   - dtype: float32 (default) or float64.
    ///   - device: where to put it (default ``Device/current``).
    public static func random(_ shape: [Int], _ distribution: RandomDistribution, generator: inout RandomGenerator,
                              dtype: DType = .float32, device: Device? = nil) -> Tensor {
        require(dtype.isFloatingPoint, "random: dtype must be float32 or float64, got \(dtype)")
        let count = Shape.elementCount(shape)
        let offset = generator.reserveBlocks(distribution.blockCount(count))
        let backend = Backends.backend(for: device ?? .current)
        let storage = backend.random(distribution, count: count, dtype: dtype, seed: generator.seed, offset: offset)
        return Tensor(storage: storage, shape: shape, dtype: dtype)
    }

    /// Uniform samples in `[low, high)`.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - low: inclusive lower bound (default 0).
    ///   - high: exclusive upper bound (default 1).
    ///   - generator: the stream to draw from.
    ///   - device: where to put it (default ``Device/current``).
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     generator: inout RandomGenerator, device: Device? = nil) -> Tensor {
        random(shape, .uniform(low: low, high: high), generator: &generator, device: device)
    }

    /// Normal samples with the given mean and standard deviation.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - mean: the mean (default 0).
    ///   - standardDeviation: the standard deviation (default 1).
    ///   - generator: the stream to draw from.
    ///   - device: where to put it (default ``Device/current``).
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    generator: inout RandomGenerator, device: Device? = nil) -> Tensor {
        random(shape, .normal(mean: mean, standardDeviation: standardDeviation), generator: &generator, device: device)
    }

    /// Normal samples redrawn until they lie within two standard deviations of the
    /// mean (as Keras' `TruncatedNormal`).
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - mean: the mean (default 0).
    ///   - standardDeviation: the standard deviation before truncation (default 1).
    ///   - generator: the stream to draw from.
    ///   - device: where to put it (default ``Device/current``).
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                       generator: inout RandomGenerator, device: Device? = nil) -> Tensor {
        random(shape, .truncatedNormal(mean: mean, standardDeviation: standardDeviation), generator: &generator, device: device)
    }

    /// Uniform samples from the default generator (see ``Random``).
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - low: the lower bound, included (default 0).
    ///   - high: the upper bound, excluded (default 1).
    ///   - device: where to put it (default ``Device/current``).
    /// - Returns: a float32 tensor of `shape`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1, device: Device? = nil) -> Tensor {
        Random.withGenerator { randomUniform(shape, low: low, high: high, generator: &$0, device: device) }
    }

    /// Normal samples from the default generator (see ``Random``).
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - mean: the mean (default 0).
    ///   - standardDeviation: the standard deviation (default 1).
    ///   - device: where to put it (default ``Device/current``).
    /// - Returns: a float32 tensor of `shape`.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, device: Device? = nil) -> Tensor {
        Random.withGenerator { randomNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &$0, device: device) }
    }

    /// Truncated normal samples from the default generator (see ``Random``): redrawn
    /// until within two standard deviations of the mean.
    ///
    /// - Parameters:
    ///   - shape: dimensions.
    ///   - mean: the mean (default 0).
    ///   - standardDeviation: the standard deviation before truncation (default 1).
    ///   - device: where to put it (default ``Device/current``).
    /// - Returns: a float32 tensor of `shape`.
    public static func truncatedNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, device: Device? = nil) -> Tensor {
        Random.withGenerator { truncatedNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &$0, device: device) }
    }
}
