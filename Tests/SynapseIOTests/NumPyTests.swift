import Foundation
import Testing
@testable import SynapseIO

/// `.npy` and `.npz` files written by NumPy itself (`scripts/fixtures_numpy.py`; the
/// values follow the formulas restated here), round trips through Synapse's
/// writer, damaged files, and memory-mapped reading.
@Suite("NumPy files")
struct NumPyTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/numpy"),
                     "missing fixture \(name): run scripts/fixtures_numpy.py")
    }

    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("synapse-numpy-\(UInt32.random(in: 0...UInt32.max))-\(name)")
    }

    @Test("arrays NumPy wrote read with their dtype, shape and values")
    func readsNumPyFiles() throws {
        let float32 = try NumPy.load(Self.fixture("float32.npy"))
        #expect(float32.dtype == .float32 && float32.shape == [2, 3])
        #expect(float32.scalars == (0..<6).map { Float($0) * 0.5 - 1 })

        let fortran = try NumPy.load(Self.fixture("float64_fortran.npy"))
        #expect(fortran.dtype == .float64 && fortran.shape == [3, 2])
        #expect(fortran.doubleScalars == (0..<6).map { Double($0) / 3 }, "Fortran order is rearranged into C order")

        let int64 = try NumPy.load(Self.fixture("int64.npy"))
        #expect(int64.dtype == .int32 && int64.intScalars == [-2, 0, 7, 2_000_000_000])

        let uint8 = try NumPy.load(Self.fixture("uint8.npy"))
        #expect(uint8.shape == [2, 2] && uint8.intScalars == [0, 1, 254, 255])

        #expect(try NumPy.load(Self.fixture("bool.npy")).boolScalars == [true, false, true])
        #expect(try NumPy.load(Self.fixture("float32_big_endian.npy")).scalars == [1.5, -2, 0.25, 1e6])

        let scalar = try NumPy.load(Self.fixture("int32_scalar.npy"))
        #expect(scalar.shape == [] && scalar.intScalars == [42])
        #expect(try NumPy.load(Self.fixture("version2.npy")).scalars == [3, 4])
    }

    @Test("archives from np.savez and np.savez_compressed", arguments: ["stored.npz", "compressed.npz"])
    func readsArchives(name: String) throws {
        let arrays = try NumPy.loadArchive(Self.fixture(name))
        #expect(Set(arrays.keys) == ["x", "y"])
        #expect(arrays["x"]?.shape == [4, 2] && arrays["x"]?.scalars == (0..<8).map { Float($0) / 8 })
        #expect(arrays["y"]?.dtype == .int32 && arrays["y"]?.intScalars == [0, 1, 2, 0])
    }

    @Test("what Synapse writes reads back identically, in every dtype, plain and archived")
    func roundTrips() throws {
        let tensors: [String: Tensor] = [
            "f": Tensor([1.5, -0.25, .infinity, 3], shape: [2, 2]),
            "d": Tensor(float64: [1e-300, -2, 0.1], shape: [3]),
            "i": Tensor(int32: [Int32.min, 0, Int32.max], shape: [3, 1]),
            "b": Tensor(bool: [true, false], shape: [2]),
            "s": Tensor(float64: [7], shape: []),
            "e": Tensor(Array(repeating: Float(0), count: 0), shape: [0, 3]),
        ]
        for (name, tensor) in tensors {
            let url = Self.temporaryFile("\(name).npy")
            defer { try? FileManager.default.removeItem(at: url) }
            try NumPy.save(tensor, to: url)
            let back = try NumPy.load(url)
            #expect(back.shape == tensor.shape && back.dtype == tensor.dtype, "\(name)")
            #expect(NumPyArray(back) == NumPyArray(tensor), "\(name)")
            let bytes = try [UInt8](Data(contentsOf: url))
            #expect(try NumPyHeader(parsing: bytes).dataOffset % 64 == 0, "\(name): data aligned to 64 bytes as NumPy writes it")
        }
        for compressed in [false, true] {
            let url = Self.temporaryFile("all.npz")
            defer { try? FileManager.default.removeItem(at: url) }
            try NumPy.saveArchive(tensors, to: url, compressed: compressed)
            let back = try NumPy.loadArchive(url)
            #expect(Set(back.keys) == Set(tensors.keys))
            for (name, tensor) in tensors { #expect(back[name].map(NumPyArray.init) == NumPyArray(tensor), "\(name)") }
        }
    }

    @Test("damaged and unsupported files are refused with the file and the reason")
    func refusesDamagedFiles() throws {
        func reason(_ body: () throws -> Any) -> String {
            do {
                _ = try body()
                return "no error"
            } catch {
                return String(describing: error)
            }
        }
        let object = try Self.fixture("object.npy")
        #expect(reason { try NumPy.load(object) }.contains("pickles, which Synapse never loads"))
        #expect(reason { try NumPy.load(object) }.hasPrefix(object.path))
        #expect(reason { try NumPy.load(Self.fixture("float16.npy")) }.contains("unsupported element type '<f2'"))
        #expect(reason { try NumPy.load(Self.fixture("int64_large.npy")) }.contains("3000000000 does not fit in int32"))

        let good = try [UInt8](Data(contentsOf: Self.fixture("float32.npy")))
        let parse = { (bytes: [UInt8]) in reason { try NumPyArray(parsing: bytes) } }
        #expect(parse(Array(good.dropLast(3))).contains("truncated"))
        #expect(parse(Array(good.prefix(9))).contains("not a NumPy .npy file"))
        #expect(parse([0x50, 0x4B] + Array(good.dropFirst(2))).contains("not a NumPy .npy file"))
        var badVersion = good
        badVersion[6] = 9
        #expect(parse(badVersion).contains("unsupported .npy format version 9"))
        var badHeader = good
        badHeader[10] = UInt8(ascii: "[")
        #expect(parse(badHeader).contains("not a dictionary literal"))
        let hugeShape = NumPyHeader.encode(elementType: .float32, shape: [9, 9]) + Array(good.suffix(24))
        #expect(parse(hugeShape).contains("truncated"), "a shape larger than the data is refused")

        let archive = try [UInt8](Data(contentsOf: Self.fixture("compressed.npz")))
        let url = Self.temporaryFile("damaged.npz")
        defer { try? FileManager.default.removeItem(at: url) }
        var flipped = archive
        flipped[60] ^= 0xFF   // inside the first member's deflated data
        try Data(flipped).write(to: url)
        #expect(reason { try NumPy.loadArchive(url) }.contains("damaged ZIP archive"))
        try Data(archive.prefix(archive.count - 10)).write(to: url)
        #expect(reason { try NumPy.loadArchive(url) }.contains("not a readable .npz archive"))
        #expect(reason { try NumPy.load(URL(fileURLWithPath: "/nonexistent/x.npy")) }.contains("/nonexistent/x.npy: cannot read"))
    }

    @Test("a memory map reads the rows asked for, in any order, without reading the rest")
    func memoryMap() throws {
        let url = Self.temporaryFile("rows.npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let values = (0..<40).map { Float($0) }
        try NumPy.save(Tensor(values, shape: [10, 2, 2]), to: url)
        let map = try NumPyMemoryMap(url)
        #expect(map.rowCount == 10 && map.rowShape == [2, 2] && map.elementType == .float32)
        let rows = try map.rows([7, 0, 7])
        #expect(rows.shape == [3, 2, 2])
        #expect(rows.scalars == Array(values[28..<32]) + Array(values[0..<4]) + Array(values[28..<32]))
        #expect(try NumPyMemoryMap(Self.fixture("float32_big_endian.npy")).rows([1]).scalars == [0.25, 1e6])
        #expect(throws: NumPyError.self) { try NumPyMemoryMap(Self.fixture("float64_fortran.npy")) }
        #expect(throws: NumPyError.self) { try NumPyMemoryMap(Self.fixture("int32_scalar.npy")) }
    }
}
