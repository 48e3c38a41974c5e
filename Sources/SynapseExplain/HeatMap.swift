import SynapseCore

/// Host-side helpers for attribution maps.
enum HeatMap {
    /// Bilinear resizing of maps `[N, h, w]` to `[N, height, width]`, with half-pixel
    /// centres (as TensorFlow's and PyTorch's `align_corners=False`).
    static func resized(_ maps: Tensor, height: Int, width: Int) -> Tensor {
        let (count, sourceHeight, sourceWidth) = (maps.shape[0], maps.shape[1], maps.shape[2])
        let source = maps.to(.float32).scalars
        var output = [Float](repeating: 0, count: count * height * width)
        let scaleY = Double(sourceHeight) / Double(height), scaleX = Double(sourceWidth) / Double(width)
        for row in 0..<height {
            let y = min(max((Double(row) + 0.5) * scaleY - 0.5, 0), Double(sourceHeight - 1))
            let (y0, fy) = (Int(y), Float(y - Double(Int(y))))
            let y1 = min(y0 + 1, sourceHeight - 1)
            for column in 0..<width {
                let x = min(max((Double(column) + 0.5) * scaleX - 0.5, 0), Double(sourceWidth - 1))
                let (x0, fx) = (Int(x), Float(x - Double(Int(x))))
                let x1 = min(x0 + 1, sourceWidth - 1)
                for sample in 0..<count {
                    let base = sample * sourceHeight * sourceWidth
                    let top = source[base + y0 * sourceWidth + x0] * (1 - fx) + source[base + y0 * sourceWidth + x1] * fx
                    let bottom = source[base + y1 * sourceWidth + x0] * (1 - fx) + source[base + y1 * sourceWidth + x1] * fx
                    output[(sample * height + row) * width + column] = top * (1 - fy) + bottom * fy
                }
            }
        }
        return Tensor(output, shape: [count, height, width], device: maps.device)
    }
}
