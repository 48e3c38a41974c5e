// Writes the seed corpus for the safetensors fuzzer with the real writer
// (scripts/fuzz.sh compiles it with Sources/SynapseIO/SafeTensors.swift).
import Foundation
import SynapseCore

@main
struct SeedWriter {
    static func main() throws {
        let folder = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Fuzz/corpus")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // The metadata of a 3-2 model file written by Model.save(to:).
        let architecture = #"""
            {"class_name":"Sequential","config":{"build_input_shape":[null,3],"layers":[{"class_name":"Input","config":{"dtype":"float32","name":"input","shape":[3],"trainable":true},"name":"input"},{"class_name":"Dense","config":{"activation":"relu","bias_initializer":{"class_name":"Zeros","config":{}},"bias_regularizer":null,"kernel_initializer":{"class_name":"GlorotUniform","config":{"seed":null}},"kernel_regularizer":null,"name":"dense","trainable":true,"units":2,"use_bias":true},"name":"dense"}],"name":"mnist_mlp"}}
            """#
        let compile = #"""
            {"loss":{"from_logits":false,"name":"sparse_categorical_crossentropy","reduction":"sum_over_batch_size"},"metrics":["accuracy"],"optimizer":{"class_name":"Adam","config":{"amsgrad":false,"beta_1":0.9,"beta_2":0.999,"clipnorm":null,"clipvalue":null,"epsilon":1e-07,"global_clipnorm":null,"learning_rate":0.001,"weight_decay":0}}}
            """#
        let model = SafeTensors(tensors: ["dense.kernel": Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]), "dense.bias": Tensor([0, 1])],
                                metadata: ["format": "synapse-model", "format_version": "1", "architecture": architecture, "compile": compile])
        let seeds: [(String, SafeTensors)] = [
            ("model", model),
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
