/// Bilinear resizing of 8-bit images into float32, as TensorFlow's `resize` with
/// `bilinear` (half-pixel centres, no antialiasing) that Keras' image loading uses.
enum ImageResize {
    /// Resizes `source` (`[height, width, channels]` bytes) into `destination`
    /// (`[targetHeight, targetWidth, channels]` floats, values 0...255), after a
    /// centred crop or zero padding to the target aspect ratio when asked.
    static func resize(_ source: [UInt8], height: Int, width: Int, channels: Int,
                       into destination: UnsafeMutablePointer<Float>, height targetHeight: Int, width targetWidth: Int,
                       aspectRatio: ImageFolder.AspectRatio) {
        if height == targetHeight && width == targetWidth {
            // Same size: the aspect ratio already matches (nothing to crop or pad) and
            // every output pixel centre is a source pixel centre, so bilinear
            // resizing reproduces the image: convert the bytes, nothing more.
            source.withUnsafeBufferPointer { bytes in
                for index in 0..<(height * width * channels) { destination[index] = Float(bytes[index]) }
            }
            return
        }
        // The source window (in source pixels, possibly beyond the image when padding).
        var (top, left, windowHeight, windowWidth) = (0.0, 0.0, Double(height), Double(width))
        let target = Double(targetWidth) / Double(targetHeight)
        let ratio = Double(width) / Double(height)
        switch aspectRatio {
        case .stretch:
            break
        case .crop:
            if ratio > target {
                windowWidth = (Double(height) * target).rounded(.down)
                left = ((Double(width) - windowWidth) / 2).rounded(.down)
            } else {
                windowHeight = (Double(width) / target).rounded(.down)
                top = ((Double(height) - windowHeight) / 2).rounded(.down)
            }
        case .pad:
            if ratio > target {
                windowHeight = (Double(width) / target).rounded()
                top = -((windowHeight - Double(height)) / 2).rounded(.down)
            } else {
                windowWidth = (Double(height) * target).rounded()
                left = -((windowWidth - Double(width)) / 2).rounded(.down)
            }
        }
        let scaleY = windowHeight / Double(targetHeight), scaleX = windowWidth / Double(targetWidth)
        func sample(_ y: Int, _ x: Int, _ c: Int) -> Double {
            guard y >= 0 && y < height && x >= 0 && x < width else { return 0 }   // padding
            return Double(source[(y * width + x) * channels + c])
        }
        for row in 0..<targetHeight {
            // Half-pixel centres, clamped to the window's edge pixels.
            let y = Swift.min(Swift.max((Double(row) + 0.5) * scaleY - 0.5, 0), windowHeight - 1) + top
            let y0 = Int(y.rounded(.down)), y1 = Swift.min(y0 + 1, Int(top + windowHeight) - 1)
            let fy = y - Double(y0)
            for column in 0..<targetWidth {
                let x = Swift.min(Swift.max((Double(column) + 0.5) * scaleX - 0.5, 0), windowWidth - 1) + left
                let x0 = Int(x.rounded(.down)), x1 = Swift.min(x0 + 1, Int(left + windowWidth) - 1)
                let fx = x - Double(x0)
                for c in 0..<channels {
                    let topRow = sample(y0, x0, c) * (1 - fx) + sample(y0, x1, c) * fx
                    let bottomRow = sample(y1, x0, c) * (1 - fx) + sample(y1, x1, c) * fx
                    destination[(row * targetWidth + column) * channels + c] = Float(topRow * (1 - fy) + bottomRow * fy)
                }
            }
        }
    }
}
