/// A decoded image: 8-bit samples, row-major from the top-left, `channels` per pixel.
public struct DecodedImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// `width * height * channels` samples.
    public let pixels: [UInt8]

    /// One grey byte per pixel (ITU-R BT.601 luma for colour images; alpha ignored).
    public func grayscale() -> [UInt8] {
        switch channels {
        case 1: return pixels
        case 2: return stride(from: 0, to: pixels.count, by: 2).map { pixels[$0] }
        default:
            return stride(from: 0, to: pixels.count, by: channels).map { index in
                let luma = 0.299 * Double(pixels[index]) + 0.587 * Double(pixels[index + 1]) + 0.114 * Double(pixels[index + 2])
                return UInt8(Swift.min(255, luma.rounded()))
            }
        }
    }

    /// Three bytes (R, G, B) per pixel (grey repeated; alpha ignored).
    public func rgb() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(width * height * 3)
        for index in stride(from: 0, to: pixels.count, by: channels) {
            if channels <= 2 {
                output += [pixels[index], pixels[index], pixels[index]]
            } else {
                output += [pixels[index], pixels[index + 1], pixels[index + 2]]
            }
        }
        return output
    }
}
