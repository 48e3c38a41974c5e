import Foundation
import Testing
@testable import SynapseIO
@testable import SynapseTraining

/// Training from `.npy` files larger than the memory the process may use: the data
/// set is memory-mapped and each batch copies only its rows.
@Suite("Training from memory-mapped files")
struct MappedDatasetTrainingTests {
    /// The process's data size (heap and private writable mappings), from /proc.
    static func dataSegmentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmData:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Writes `[rows] + rowShape` float32 values `value(row, column)` as a `.npy` file,
    /// a block of rows at a time through one reused buffer (the whole array is never
    /// in memory, and the heap does not grow).
    static func writeArray(_ url: URL, rows: Int, columns: Int?, value: (Int, Int) -> Float) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(descriptor >= 0, "cannot create \(url.path)")
        defer { close(descriptor) }
        let header = NumPyHeader.encode(elementType: .float32, shape: columns.map { [rows, $0] } ?? [rows])
        precondition(header.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == header.count)
        let (width, blockRows) = (columns ?? 1, 4096)
        var block = [Float](repeating: 0, count: blockRows * width)
        for start in stride(from: 0, to: rows, by: blockRows) {
            let count = min(rows - start, blockRows)
            for row in 0..<count {
                for column in 0..<width { block[row * width + column] = value(start + row, column) }
            }
            let bytes = count * width * 4
            precondition(block.withUnsafeBytes { write(descriptor, $0.baseAddress, bytes) } == bytes)
        }
    }

    @Test("a data set larger than the process's memory limit trains from memory-mapped .npy files")
    func beyondMemoryLimit() async {
        await #expect(processExitsWith: .success) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-mapped-\(getpid())")
            try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            // 327,680 rows of 256 float32: 320 MiB. Feature 0 is the label; the others are noise.
            let (rows, features) = (327_680, 256)
            let (xURL, yURL) = (folder.appendingPathComponent("x.npy"), folder.appendingPathComponent("y.npy"))
            MappedDatasetTrainingTests.writeArray(xURL, rows: rows, columns: features) { row, column in
                column == 0 ? Float(row % 2) : Float((row &* 31 &+ column &* 17) % 11) / 11 - 0.5
            }
            MappedDatasetTrainingTests.writeArray(yURL, rows: rows, columns: 1) { row, _ in Float(row % 2) }

            // Allow 160 MiB more than the process uses now: half the file.
            let allowed = MappedDatasetTrainingTests.dataSegmentBytes() + 160 << 20
            var limit = rlimit(rlim_cur: rlim_t(allowed), rlim_max: rlim_t(allowed))
            precondition(setrlimit(__rlimit_resource_t(RLIMIT_DATA.rawValue), &limit) == 0, "setrlimit failed")
            // The limit bites: reading the file into memory would fail (a broken model
            // would stay near 0.5 accuracy; this one reaches about 0.96 in one epoch).
            // (An anonymous writable mapping, what malloc makes for a block this size; a
            // plain malloc whose result is only compared with nil may be optimised away.)
            let whole = mmap(nil, rows * features * 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            precondition(whole == MAP_FAILED, "the memory limit does not stop a 320 MiB allocation")

            Random.seed(1)
            let data = try! MappedDataset(x: xURL, y: yURL)
            precondition(data.count == rows)
            let model = Sequential {
                Dense(1, activation: .sigmoid)
            }
            try! model.compile(optimizer: Adam(learningRate: 0.01), loss: "binary_crossentropy", metrics: ["accuracy"])
            let history = model.fit(DataLoader(data, batchSize: 2048, shuffle: true, seed: 3), epochs: 1, verbose: 0)
            let accuracy = history.values["accuracy"]?.last ?? 0
            precondition(accuracy > 0.9, "accuracy \(accuracy) after one epoch over the mapped data")
            FileHandle.standardError.write(Data("mapped: accuracy \(accuracy), limit \(allowed >> 20) MiB\n".utf8))
        }
    }
}
