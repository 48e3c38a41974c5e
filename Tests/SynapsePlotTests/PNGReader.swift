import SynapseIO

/// A minimal, independent PNG reader for the tests: checks the signature and every
/// chunk's CRC, inflates IDAT with zlib and undoes all five row filters. Supports
/// what ``PNGEncoder`` writes (8-bit grayscale and RGBA, no interlace).
struct PNGReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let width: Int
    let height: Int
    /// Bytes per pixel: 1 for grayscale, 4 for RGBA.
    let channels: Int
    /// Unfiltered pixels, row-major.
    let pixels: [UInt8]
    /// Chunk types in file order.
    let chunkTypes: [String]

    init(_ bytes: [UInt8]) throws {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw Failure(description: "bad signature") }
        func readUInt32(_ offset: Int) -> UInt32 {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        var offset = 8
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        var types: [String] = []
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Failure(description: "truncated chunk at \(offset)") }
            let length = Int(readUInt32(offset))
            guard offset + 12 + length <= bytes.count else { throw Failure(description: "chunk overruns file") }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = readUInt32(offset + 8 + length)
            guard Zlib.crc32(typeBytes + data) == crc else {
                throw Failure(description: "CRC mismatch in \(String(decoding: typeBytes, as: UTF8.self))")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            types.append(type)
            switch type {
            case "IHDR": header = data
            case "IDAT": compressed += data
            default: break
            }
            offset += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND", header.count == 13 else { throw Failure(description: "bad chunk order \(types)") }
        let width = Int(header[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
        let height = Int(header[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
        guard header[8] == 8, header[10] == 0, header[11] == 0, header[12] == 0 else { throw Failure(description: "unsupported header \(header)") }
        let channels: Int
        switch header[9] {
        case 0: channels = 1
        case 6: channels = 4
        default: throw Failure(description: "unsupported colour type \(header[9])")
        }
        let raw = try Zlib.decompress(compressed)
        let stride = width * channels
        guard raw.count == height * (stride + 1) else { throw Failure(description: "IDAT holds \(raw.count) bytes, expected \(height * (stride + 1))") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for index in 0..<stride {
                let x = raw[row * (stride + 1) + 1 + index]
                let a = index >= channels ? Int(pixels[row * stride + index - channels]) : 0
                let b = row > 0 ? Int(pixels[(row - 1) * stride + index]) : 0
                let c = index >= channels && row > 0 ? Int(pixels[(row - 1) * stride + index - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure(description: "bad filter type \(filter) in row \(row)")
                }
                pixels[row * stride + index] = UInt8(truncatingIfNeeded: Int(x) + predictor)
            }
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.chunkTypes = types
    }

    /// The pixel at `(x, y)` as RGBA (grey expanded, alpha 255).
    func rgba(x: Int, y: Int) -> [UInt8] {
        let offset = (y * width + x) * channels
        if channels == 1 { return [pixels[offset], pixels[offset], pixels[offset], 255] }
        return Array(pixels[offset..<(offset + 4)])
    }

    /// All pixels as RGBA.
    var rgbaPixels: [UInt8] {
        channels == 4 ? pixels : pixels.flatMap { [$0, $0, $0, 255] }
    }
}
