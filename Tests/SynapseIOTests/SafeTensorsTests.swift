import Foundation
import Testing
@testable import SynapseIO

@Suite("safetensors")
struct SafeTensorsTests {
    /// A file built by hand: header JSON text and a data section.
    private func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
        let json = Array(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return Data(withUnsafeBytes(of: length.littleEndian, Array.init) + json + data)
    }

    private func expectError(_ data: Data, _ check: (SafeTensorsError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafeTensors.parse(data)
            Issue.record("parsing succeeded but should have failed", sourceLocation: sourceLocation)
        } catch let error as SafeTensorsError {
            #expect(check(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("round trip keeps names, dtypes, shapes, values and metadata")
    func roundTrip() throws {
        let original = SafeTensors(tensors: [
            "dense.kernel": Tensor([1.5, -2, 3, 4.25, 5, 6], shape: [2, 3]),
            "dense.bias": Tensor([0.5, -0.5, 0]),
            "ids": Tensor(int32: [1, -7, 300], shape: [3, 1]),
            "mask": Tensor(bool: [true, false]),
            "scalar": Tensor(3.25),
            "empty": Tensor.zeros([0, 4]),
        ], metadata: ["format": "synapse", "note": "ünïcödé"])
        let bytes = try original.serialized()
        #expect((8 + Int(bytes[0])) % 8 == 0, "data section is 8-byte aligned")
        let parsed = try SafeTensors.parse(Data(bytes))
        #expect(parsed.metadata == original.metadata)
        #expect(Set(parsed.tensors.keys) == Set(original.tensors.keys))
        #expect(parsed.tensors["dense.kernel"]!.scalars == [1.5, -2, 3, 4.25, 5, 6])
        #expect(parsed.tensors["dense.kernel"]!.shape == [2, 3])
        #expect(parsed.tensors["ids"]!.intScalars == [1, -7, 300])
        #expect(parsed.tensors["mask"]!.boolScalars == [true, false])
        #expect(parsed.tensors["scalar"]!.shape == [])
        #expect(parsed.tensors["empty"]!.shape == [0, 4])
    }

    @Test("the header layout is what the reference reader expects")
    func headerLayout() throws {
        let bytes = try SafeTensors(tensors: ["w": Tensor([1, 2])]).serialized()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(header.hasPrefix("{\"w\":{"))
        #expect(header.contains("\"dtype\":\"F32\""))
        #expect(header.contains("\"data_offsets\":[0,8]"))
        #expect(Array(bytes[(8 + length)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    }

    @Test("writes are atomic and replace the old file")
    func atomicWrite() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensors.write(["a": Tensor([1])], to: url)
        try SafeTensors.write(["b": Tensor([2])], to: url)
        #expect(try SafeTensors.read(from: url).tensors.keys.sorted() == ["b"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test("writing into a missing folder throws a readable error")
    func unwritable() {
        #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write(["a": Tensor([1])], to: URL(fileURLWithPath: "/nonexistent-folder/x.safetensors"))
        }
    }

    @Test("a truncated file is rejected")
    func truncated() throws {
        let bytes = try SafeTensors(tensors: ["w": Tensor([1, 2, 3, 4])]).serialized()
        for cut in [0, 4, 7, 9, bytes.count / 2, bytes.count - 1] {
            expectError(Data(bytes.prefix(cut))) { _ in true }
        }
    }

    @Test("a huge header length is rejected before anything is allocated")
    func hugeHeaderLength() {
        expectError(file(header: "{}", data: [], declaredLength: UInt64.max)) {
            if case .badHeaderLength = $0 { return true } else { return false }
        }
        expectError(file(header: "{}", data: [], declaredLength: 1 << 40)) {
            if case .badHeaderLength = $0 { return true } else { return false }
        }
    }

    @Test("offsets past the end of the data are rejected")
    func offsetsPastEnd() {
        expectError(file(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0])) {
            if case .badEntry(let name, _) = $0 { return name == "w" } else { return false }
        }
    }

    @Test("overlapping tensors are rejected")
    func overlapping() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        expectError(file(header: header, data: Array(repeating: 0, count: 12))) {
            if case .overlappingData = $0 { return true } else { return false }
        }
    }

    @Test("an unknown dtype is rejected with its name")
    func wrongDType() {
        expectError(file(header: #"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8))) {
            $0 == .unsupportedDType(tensor: "w", dtype: "C64")
        }
    }

    @Test("shape × dtype size must equal the byte range")
    func sizeMismatch() {
        expectError(file(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8))) {
            if case .badEntry = $0 { return true } else { return false }
        }
    }

    @Test("NaN, negative, fractional, boolean and overflowing dimensions are rejected",
          arguments: ["[NaN]", "[-1]", "[1.5]", "[true]", "[\"2\"]", "[4294967296, 4294967296, 4294967296]", "[1e300]"])
    func badShapes(_ shape: String) {
        let header = #"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#
        expectError(file(header: header, data: [0, 0, 0, 0])) { _ in true }
    }

    @Test("invalid UTF-8 and invalid JSON headers are rejected")
    func badJSON() {
        var bytes = withUnsafeBytes(of: UInt64(4).littleEndian, Array.init)
        bytes += [0x7B, 0xFF, 0xFE, 0x7D]
        expectError(Data(bytes)) { if case .badHeaderJSON = $0 { return true } else { return false } }
        expectError(file(header: "{\"w\": ", data: [])) { if case .badHeaderJSON = $0 { return true } else { return false } }
        expectError(file(header: "[1, 2]", data: [])) { if case .badHeaderJSON = $0 { return true } else { return false } }
    }

    @Test("deeply nested JSON does not crash the parser")
    func deeplyNested() {
        let depth = 100_000
        let header = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        expectError(file(header: header, data: [])) { _ in true }
        let nestedMetadata = #"{"__metadata__":"# + String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000) + "}"
        expectError(file(header: nestedMetadata, data: [])) { _ in true }
    }

    @Test("metadata values must be strings")
    func badMetadata() {
        expectError(file(header: #"{"__metadata__":{"a":1}}"#, data: [])) {
            if case .badMetadata = $0 { return true } else { return false }
        }
    }

    @Test("every single bit flip of a valid file either parses or throws, never traps")
    func bitFlips() throws {
        let bytes = try SafeTensors(tensors: ["k": Tensor([1, 2, 3, 4], shape: [2, 2]), "b": Tensor([5, 6])],
                                    metadata: ["m": "x"]).serialized()
        var parsed = 0, rejected = 0
        for index in 0..<bytes.count {
            for bit in 0..<8 {
                var copy = bytes
                copy[index] ^= UInt8(1 << bit)
                if (try? SafeTensors.parse(Data(copy))) != nil { parsed += 1 } else { rejected += 1 }
            }
        }
        #expect(parsed + rejected == bytes.count * 8)
        #expect(rejected > 0)
    }

    @Test("I64 and F64 tensors written by PyTorch convert to int32 and float32")
    func widerTypes() throws {
        let i64 = withUnsafeBytes(of: Int64(-3).littleEndian, Array.init) + withUnsafeBytes(of: Int64(9).littleEndian, Array.init)
        let f64 = withUnsafeBytes(of: (2.5 as Double).bitPattern.littleEndian, Array.init)
        let header = #"{"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"f":{"dtype":"F64","shape":[],"data_offsets":[16,24]}}"#
        let parsed = try SafeTensors.parse(file(header: header, data: i64 + f64))
        #expect(parsed.tensors["i"]!.intScalars == [-3, 9])
        #expect(parsed.tensors["f"]!.item == 2.5)
    }
}
