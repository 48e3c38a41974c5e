// Writes the seed corpus for the safetensors fuzzer with the real writer
// (scripts/fuzz.sh compiles it with Sources/SynapseIO/SafeTensors.swift).
import Foundation
import SynapseCore

@main
struct SeedWriter {
    static func main() throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Fuzz/corpus")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let seeds: [(String, SafeTensors)] = [
            ("empty", SafeTensors(tensors: [:])),
            ("metadata", SafeTensors(tensors: [:], metadata: ["format": "synapse-model", "architecture": "{\"class_name\":\"Sequential\"}"])),
            ("float", SafeTensors(tensors: ["dense.kernel": Tensor([1, -2, 3.5, 0], shape: [2, 2]), "dense.bias": Tensor([0.25, 0])])),
            ("mixed", SafeTensors(tensors: ["i": Tensor(int32: [1, -7, 3], shape: [3]), "b": Tensor(bool: [true, false], shape: [1, 2]),
                                            "scalar": Tensor(2), "zero": Tensor([], shape: [0, 3])],
                                  metadata: ["format": "pt"])),
            ("conv", SafeTensors(tensors: ["conv2d.kernel": Tensor([Float](repeating: 0.5, count: 12), shape: [2, 2, 1, 3])])),
        ]
        for (name, file) in seeds {
            try Data(try file.serialized()).write(to: folder.appendingPathComponent("\(name).safetensors"))
        }
        print("wrote \(seeds.count) seeds to \(folder.path)")
    }
}
