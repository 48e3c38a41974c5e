import Testing
@testable import SynapseIO

@Suite("zlib")
struct ZlibTests {
    @Test("gzip round trip restores the bytes")
    func gzipRoundTrip() throws {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
        let compressed = Zlib.gzip(data)
        #expect(compressed.count < data.count)
        #expect(compressed.prefix(2) == [0x1f, 0x8b])
        #expect(try Zlib.decompress(compressed) == data)
    }

    @Test("zlib stream round trip")
    func zlibRoundTrip() throws {
        let data = Array("hello hello hello hello".utf8)
        #expect(try Zlib.decompress(Zlib.compress(data)) == data)
    }

    @Test("a truncated stream throws instead of returning partial data")
    func truncated() {
        let compressed = Zlib.gzip(Array(repeating: 7, count: 10_000))
        #expect(throws: CompressionError.self) { try Zlib.decompress(Array(compressed.prefix(compressed.count / 2))) }
    }

    @Test("garbage throws a corrupt-data error")
    func garbage() {
        #expect(throws: CompressionError.self) { try Zlib.decompress([1, 2, 3, 4, 5, 6, 7, 8]) }
    }

    @Test("the size limit stops decompression bombs")
    func sizeLimit() {
        let compressed = Zlib.gzip(Array(repeating: 0, count: 1 << 20))
        #expect(throws: CompressionError.tooLarge(limit: 1000)) { try Zlib.decompress(compressed, maximumSize: 1000) }
    }

    @Test("a limit of exactly the output's size decompresses it (PNG rows); one byte less refuses it")
    func exactLimit() throws {
        let data = (0..<812).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let compressed = Zlib.compress(data)
        #expect(try Zlib.decompress(compressed, maximumSize: data.count) == data)
        #expect(throws: CompressionError.tooLarge(limit: data.count - 1)) {
            try Zlib.decompress(compressed, maximumSize: data.count - 1)
        }
        // Larger than one internal buffer, with the limit just above it.
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 / 5) }
        #expect(try Zlib.decompress(Zlib.compress(large), maximumSize: large.count) == large)
    }

    @Test("CRC-32 of a known string")
    func crc() {
        // Standard check value of CRC-32 for "123456789".
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
