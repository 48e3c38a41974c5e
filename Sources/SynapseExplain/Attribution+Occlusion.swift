import SynapseCore
import SynapseNN

extension Attribution {
    /// Occlusion (Zeiler & Fergus 2014; Captum's `Occlusion`): a window slides over
    /// each input, the values under it are replaced by a baseline, and the drop of the
    /// target output is credited to every value under the window. Each value's
    /// attribution is the mean drop over the windows that covered it. It needs no
    /// gradient, so it explains any model, differentiable or not.
    ///
    /// Windows start at 0, `stride`, `2·stride`, ... along each axis, the last one
    /// cut at the edge (Captum's placement). Every window position is one forward pass
    /// of the whole batch; positions are batched together up to `batchSize`.
    ///
    /// - Parameters:
    ///   - model: the model (or any layer), run in inference mode.
    ///   - inputs: float `[N, ...]`.
    ///   - window: the window's shape over one sample's axes (for images
    ///     `[h, w, channels]` covers every channel).
    ///   - strides: the step along each axis (default: 1 along every axis, Captum's;
    ///     the window's own shape makes the windows tile without overlap).
    ///   - target: the output explained (default: each input's predicted class).
    ///   - baseline: the value put under the window (default 0).
    ///   - batchSize: inputs per forward pass, occluded copies counted (default 256).
    /// - Returns: `[N, ...]`, the inputs' shape.
    public static func occlusion(_ model: Layer, inputs: Tensor, window: [Int], strides: [Int]? = nil,
                                 target: AttributionTarget = .predicted, baseline: Float = 0,
                                 batchSize: Int = 256) -> Tensor {
        let sampleShape = Array(inputs.shape.dropFirst())
        let strides = strides ?? [Int](repeating: 1, count: sampleShape.count)
        require(window.count == sampleShape.count && strides.count == sampleShape.count,
                "occlusion: window \(window) and strides \(strides) must have one entry per sample axis of \(Shape.describe(sampleShape))")
        require(zip(window, sampleShape).allSatisfy { $0 >= 1 && $0 <= $1 },
                "occlusion: the window \(window) must fit in one sample \(Shape.describe(sampleShape))")
        require(strides.allSatisfy { $0 >= 1 }, "occlusion: strides must be positive, got \(strides)")
        let targets = targetIndices(model, inputs: inputs, target: target)
        let count = inputs.shape[0]
        let sampleSize = sampleShape.reduce(1, *)
        let masks = windowMasks(sampleShape: sampleShape, window: window, strides: strides)
        let positions = masks.count / sampleSize

        let reference = withoutGradient { targetOutputs(model(inputs, training: false), targets: targets) }
        let positionsPerChunk = max(1, batchSize / max(count, 1))
        var drops: [Tensor] = []   // [positions, N] in chunks
        withoutGradient {
            for first in stride(from: 0, to: positions, by: positionsPerChunk) {
                let chunk = first..<min(first + positionsPerChunk, positions)
                let mask = Tensor(Array(masks[(chunk.lowerBound * sampleSize)..<(chunk.upperBound * sampleSize)]),
                                  shape: [chunk.count, 1] + sampleShape, device: inputs.device)
                let occluded = (inputs.unsqueezed(axis: 0) * (1 - mask) + mask * baseline)
                    .reshaped(to: [chunk.count * count] + sampleShape)
                let outputs = targetOutputs(model(occluded, training: false), targets: chunk.flatMap { _ in targets })
                    .reshaped(to: [chunk.count, count])
                drops.append(reference.unsqueezed(axis: 0) - outputs)
            }
        }
        // Σ over windows of drop × window, divided by how many windows covered each value.
        let allMasks = Tensor(masks, shape: [positions, sampleSize], device: inputs.device)
        let credited = Tensor.concatenate(drops, axis: 0).transposed().matmul(allMasks)
        let coverage = allMasks.sum(alongAxis: 0)
        return (credited / Tensor.maximum(coverage, coverage.constant(1))).reshaped(to: inputs.shape)
    }

    /// One 0/1 mask per window position, `[positions × sampleSize]`, position-major.
    static func windowMasks(sampleShape: [Int], window: [Int], strides: [Int]) -> [Float] {
        let counts = zip(zip(sampleShape, window), strides).map { shapeAndWindow, stride in
            (shapeAndWindow.0 - shapeAndWindow.1 + stride - 1) / stride + 1
        }
        let positions = counts.reduce(1, *)
        let sampleSize = sampleShape.reduce(1, *)
        var elementStrides = [Int](repeating: 1, count: sampleShape.count)
        for axis in stride(from: sampleShape.count - 2, through: 0, by: -1) {
            elementStrides[axis] = elementStrides[axis + 1] * sampleShape[axis + 1]
        }
        var masks = [Float](repeating: 0, count: positions * sampleSize)
        for position in 0..<positions {
            // The window's start along each axis, first axis slowest.
            var remaining = position
            var starts = [Int](repeating: 0, count: sampleShape.count)
            for axis in stride(from: sampleShape.count - 1, through: 0, by: -1) {
                starts[axis] = (remaining % counts[axis]) * strides[axis]
                remaining /= counts[axis]
            }
            let ends = zip(zip(starts, window), sampleShape).map { min($0.0 + $0.1, $1) }
            var index = starts
            fill: while true {
                let offset = zip(index, elementStrides).reduce(0) { $0 + $1.0 * $1.1 }
                masks[position * sampleSize + offset] = 1
                var axis = sampleShape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < ends[axis] { continue fill }
                    index[axis] = starts[axis]
                    axis -= 1
                }
                break
            }
        }
        return masks
    }
}
