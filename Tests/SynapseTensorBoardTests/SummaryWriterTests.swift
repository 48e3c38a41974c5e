import Foundation
import Testing
import SynapseCore
import SynapseIO
@testable import SynapseTensorBoard

@Suite("SummaryWriter and event files")
struct SummaryWriterTests {
    @Test("CRC-32C matches the published check values, and the mask is TensorFlow's")
    func checksums() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 B.4
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array(0..<32)) == 0x46DD_794E)
        let crc = CRC32C.checksum(Array("abc".utf8))
        #expect(CRC32C.masked(Array("abc".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test("the file starts with the version event, then scalars, histograms, images and texts in order")
    func roundTrip() throws {
        let directory = EventFileReading.temporaryDirectory("round-trip")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SummaryWriter(logDir: directory + "/nested/run")
        #expect(writer.path.hasPrefix(directory + "/nested/run/events.out.tfevents."))
        writer.scalar("loss", 0.5, step: 0)
        writer.scalar("loss", 0.25, step: 1)
        try writer.histogram("weights", Tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, .nan]), step: 1, bucketCount: 5)
        try writer.images("digits", Tensor.ones([3, 4, 5, 1]) * 0.5, step: 2, columns: 2, scale: 1)
        try writer.text("sample", "**hello** wörld", step: 3)
        try writer.close()

        let events = try EventFileReading.events(atPath: writer.path)
        #expect(events.count == 6)
        #expect(events[0].fileVersion == "brain.Event:2")
        #expect(events[1].step == 0 && events[1].summary.value[0].tag == "loss" && events[1].summary.value[0].simpleValue == 0.5)
        #expect(events[2].step == 1 && events[2].summary.value[0].simpleValue == 0.25)
        #expect(events.allSatisfy { $0.wallTime > 1.7e9 })

        let histogram = events[3].summary.value[0].histo
        #expect(events[3].summary.value[0].tag == "weights")
        #expect(histogram.min == 0 && histogram.max == 9 && histogram.num == 10)
        #expect(histogram.sum == 45 && histogram.sumSquares == 285)
        #expect(zip(histogram.bucketLimit, [1.8, 3.6, 5.4, 7.2, 9]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(histogram.bucketLimit.count == 5 && histogram.bucketLimit.last == 9)
        #expect(histogram.bucket == [2, 2, 2, 2, 2])

        let image = events[4].summary.value[0].image
        // Two columns of 5×4 tiles with a 2-pixel padding: 2·5 + 3·2 wide, 2·4 + 3·2 high.
        #expect(image.width == 16 && image.height == 14 && image.colorspace == 4)
        let decoded = try PNGDecoder.decode([UInt8](image.encodedImageString))
        #expect(decoded.width == 16 && decoded.height == 14)

        let text = events[5].summary.value[0]
        #expect(text.metadata.pluginData.pluginName == "text")
        #expect(text.tensor.dtype == .dtString && text.tensor.tensorShape.dim.isEmpty)
        #expect(String(decoding: text.tensor.stringVal[0], as: UTF8.self) == "**hello** wörld")
    }

    @Test("summaries reach the file at flush, not before; after close they are dropped")
    func flushAndClose() throws {
        let directory = EventFileReading.temporaryDirectory("flush")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SummaryWriter(logDir: directory)
        writer.scalar("a", 1, step: 0)
        #expect(try EventFileReading.events(atPath: writer.path).count == 1)
        try writer.flush()
        #expect(try EventFileReading.events(atPath: writer.path).count == 2)
        try writer.close()
        writer.scalar("a", 2, step: 1)
        try writer.close()
        #expect(try EventFileReading.events(atPath: writer.path).count == 2)
    }

    @Test("a damaged byte is caught by the record checksums")
    func checksumsCatchDamage() throws {
        let directory = EventFileReading.temporaryDirectory("damage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SummaryWriter(logDir: directory)
        writer.scalar("a", 1, step: 0)
        try writer.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: writer.path)))
        bytes[bytes.count - 6] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: writer.path))
        #expect(throws: EventFileReading.CorruptRecord.self) { try EventFileReading.events(atPath: writer.path) }
    }

    @Test("readable errors: a folder that cannot be made, values that cannot be shown")
    func errors() throws {
        let file = EventFileReading.temporaryDirectory("plain-file")
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1])))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect {
            try SummaryWriter(logDir: file + "/run")
        } throws: { error in
            guard case .cannotCreateDirectory(let path, _)? = error as? TensorBoardError else { return false }
            return path == file + "/run" && "\(error)".hasSuffix("\(file) exists and is not a folder")
        }
        let directory = EventFileReading.temporaryDirectory("invalid")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SummaryWriter(logDir: directory)
        #expect(throws: TensorBoardError.invalidSummary(tag: "h", reason: "no finite value among 2 elements of shape [2]")) {
            try writer.histogram("h", Tensor([Float.nan, .infinity]), step: 0)
        }
        #expect {
            try writer.images("i", Tensor.ones([2, 3, 4, 5, 6]), step: 0)
        } throws: { error in
            guard case .invalidSummary(let tag, _)? = error as? TensorBoardError else { return false }
            return tag == "i"
        }
    }

    @Test("histogram buckets: equal values give one bucket; edges are right-inclusive")
    func histogramBuckets() throws {
        let constant = try #require(Histogram(values: [2, 2, 2], bucketCount: 4))
        #expect(constant.bucketLimits == [2] && constant.bucketCounts == [3])
        let edges = try #require(Histogram(values: [0, 1, 1, 2, 3, 4], bucketCount: 4))
        #expect(edges.bucketLimits == [1, 2, 3, 4])
        #expect(edges.bucketCounts == [3, 1, 1, 1])
        #expect(Histogram(values: [.nan], bucketCount: 3) == nil)
    }
}
