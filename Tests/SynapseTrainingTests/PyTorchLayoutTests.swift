import Foundation
import Testing
@testable import SynapseTraining
import SynapseIO

@Suite("PyTorch layout")
struct PyTorchLayoutTests {
    /// A small MNIST-CNN-shaped model: conv → pool → flatten of a [2, 2, 3] image → dense → dense.
    static func cnn(seed: UInt64) -> Sequential {
        Sequential(name: "cnn") {
            Input(shape: [6, 6, 2])
            Conv2D(3, kernelSize: 3, activation: .relu, kernelInitializer: .glorotUniform(seed: seed))
            MaxPooling2D(2)
            Flatten()
            Dense(4, activation: .relu, kernelInitializer: .glorotUniform(seed: seed + 1), biasInitializer: .randomNormal(seed: seed + 2))
            Dense(2, activation: .softmax, kernelInitializer: .glorotUniform(seed: seed + 3))
        }
    }

    @Test("maps names, torch module indices and shapes as nn.Sequential")
    func mapping() throws {
        let layout = try PyTorchLayout(of: Self.cnn(seed: 1))
        #expect(layout.entries.map(\.torchKey) == ["0.weight", "0.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        #expect(layout.entries.map(\.torchShape) == [[3, 2, 3, 3], [3], [4, 12], [4], [2, 4], [2]])
        #expect(layout.entries.map(\.synapseShape) == [[3, 3, 2, 3], [3], [12, 4], [4], [4, 2], [2]])
        #expect(layout.entries[0].permutation == [3, 2, 0, 1])
        #expect(layout.entries[2].transform == .flattenedDenseKernel(height: 2, width: 2, channels: 3))
        #expect(layout.entries[4].transform == .transpose)
        #expect(layout.entries[1].transform == .identity)
    }

    @Test("a dense kernel after Flatten has its input rows reordered from (h, w, c) to (c, h, w)")
    func flattenOrder() throws {
        let entry = try #require(try PyTorchLayout(of: Self.cnn(seed: 1)).entries.first { $0.torchKey == "4.weight" })
        let kernel = Tensor.arange(0, 48).reshaped(to: [12, 4])
        let weight = entry.toTorch(kernel).scalars
        let k = kernel.scalars
        for o in 0..<4 {
            for c in 0..<3 {
                for h in 0..<2 {
                    for w in 0..<2 {
                        let torchIndex: Int = o * 12 + (c * 2 + h) * 2 + w
                        let kerasIndex: Int = ((h * 2 + w) * 3 + c) * 4 + o
                        #expect(weight[torchIndex] == k[kerasIndex])
                    }
                }
            }
        }
        #expect(entry.fromTorch(entry.toTorch(kernel)).scalars == k)
    }

    @Test("conv kernels go to [out, in, kh, kw] and dense kernels are transposed")
    func kernelLayouts() throws {
        let layout = try PyTorchLayout(of: Self.cnn(seed: 1))
        let conv = Tensor.arange(0, 54).reshaped(to: [3, 3, 2, 3])
        let torchConv = layout.entries[0].toTorch(conv)
        #expect(torchConv.shape == [3, 2, 3, 3])
        // weight[o, i, y, x] == kernel[y, x, i, o]
        let torchIndex: Int = ((2 * 2 + 1) * 3 + 0) * 3 + 2  // o = 2, i = 1, y = 0, x = 2
        let kerasIndex: Int = ((0 * 3 + 2) * 2 + 1) * 3 + 2  // y = 0, x = 2, i = 1, o = 2
        #expect(torchConv.scalars[torchIndex] == conv.scalars[kerasIndex])
        let dense = Tensor.arange(0, 8).reshaped(to: [4, 2])
        #expect(layout.entries[4].toTorch(dense).scalars == [0, 2, 4, 6, 1, 3, 5, 7])
    }

    @Test("export then import into a differently initialized model gives identical weights and predictions")
    func roundTrip() throws {
        let source = Self.cnn(seed: 10)
        let url = ModelFileFixtures.temporaryURL("torch.safetensors")
        try source.exportForPyTorch(to: url)
        let file = try SafeTensors.read(from: url)
        #expect(Set(file.tensors.keys) == ["0.weight", "0.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        #expect(file.tensors["0.weight"]?.shape == [3, 2, 3, 3])

        let target = Self.cnn(seed: 20)
        target.buildFromDeclaredInput()
        let before = try #require(target.namedWeights.first { $0.name.hasSuffix("kernel") }).parameter.value.scalars
        try target.importFromPyTorch(from: url)
        let sourceWeights = Dictionary(uniqueKeysWithValues: source.namedWeights.map { ($0.name, $0.parameter.value.scalars) })
        let targetWeights = Dictionary(uniqueKeysWithValues: target.namedWeights.map { ($0.name, $0.parameter.value.scalars) })
        #expect(sourceWeights == targetWeights)
        #expect(before != targetWeights[target.namedWeights[0].name])
        let x = Tensor.arange(0, 144).reshaped(to: [2, 6, 6, 2]) / 144
        #expect(source.predict(x).scalars == target.predict(x).scalars)
    }

    @Test("import rejects missing, misshapen and extra tensors without changing the model")
    func importErrors() throws {
        let model = Self.cnn(seed: 1)
        let good = try PyTorchLayout.torchTensors(of: model)
        let layout = try PyTorchLayout(of: model)
        var missing = good
        missing["6.bias"] = nil
        #expect(throws: PyTorchLayoutError.missingTensor("6.bias")) { try layout.synapseTensors(from: missing) }
        var misshapen = good
        misshapen["0.weight"] = Tensor.zeros([3, 3, 2, 3])
        #expect(throws: PyTorchLayoutError.shapeMismatch(key: "0.weight", expected: [3, 2, 3, 3], found: [3, 3, 2, 3])) {
            try layout.synapseTensors(from: misshapen)
        }
        var extra = good
        extra["9.weight"] = Tensor.zeros([1])
        #expect(throws: PyTorchLayoutError.unexpectedTensors(["9.weight"])) { try layout.synapseTensors(from: extra) }
    }

    @Test("a layer with parameters but no mapping is refused by name")
    func unsupportedLayer() throws {
        let model = Sequential(name: "rnn") {
            Input(shape: [5, 4])
            SimpleRNN(3, name: "recurrent")
        }
        #expect(throws: PyTorchLayoutError.unsupportedLayer(name: "recurrent", type: "SimpleRNN")) { try PyTorchLayout(of: model) }
    }

    @Test("MLP slots: activations take a slot, linear layers do not add one")
    func mlpSlots() throws {
        let model = Sequential(name: "mlp") {
            Input(shape: [5])
            Dense(4, activation: .relu)
            Dropout(0.5)
            Dense(3)
            Dense(2, activation: .softmax)
        }
        let layout = try PyTorchLayout(of: model)
        #expect(layout.entries.map(\.torchKey) == ["0.weight", "0.bias", "3.weight", "3.bias", "4.weight", "4.bias"])
        #expect(layout.entries.map(\.torchShape) == [[4, 5], [4], [3, 4], [3], [2, 3], [2]])
    }

    @Test("a functional model maps each layer by name, BatchNorm's buffers included, and its weights round-trip through the torch layout")
    func functionalNames() throws {
        let image = Input(shape: [6, 6, 2], name: "image")
        let stem = Conv2D(4, kernelSize: 3, padding: .same, kernelInitializer: .glorotUniform(seed: 1), name: "stem")(image)
        let normalized = Activation(.relu)(BatchNormalization(name: "norm")(stem))
        let residual = Add()([stem, Conv2D(4, kernelSize: 1, useBias: false, kernelInitializer: .glorotUniform(seed: 2), name: "shortcut")(normalized)])
        let flat = Flatten()(MaxPooling2D(2)(residual))
        let outputs = Dense(3, kernelInitializer: .glorotUniform(seed: 3), name: "head")(flat)
        let model = Model(inputs: image, outputs: outputs, name: "graph")
        let layout = try PyTorchLayout(of: model)
        #expect(layout.entries.map(\.torchKey) == ["stem.weight", "stem.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var",
                                                   "shortcut.weight", "head.weight", "head.bias"])
        #expect(layout.entries.first { $0.torchKey == "head.weight" }?.transform == .flattenedDenseKernel(height: 3, width: 3, channels: 4))
        #expect(layout.entries.first { $0.torchKey == "shortcut.weight" }?.torchShape == [4, 4, 1, 1])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torch-functional-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("graph.safetensors")
        try model.exportForPyTorch(to: url)
        var written = try ModelFile.readSafeTensors(from: url).tensors
        #expect(Set(written.keys) == Set(layout.entries.map(\.torchKey)))
        // PyTorch's counter buffer is ignored on the way back.
        written["norm.num_batches_tracked"] = Tensor.zeros([])
        let withCounter = folder.appendingPathComponent("counter.safetensors")
        try ModelFile.writeSafeTensors(written, metadata: [:], to: withCounter)

        let copyImage = Input(shape: [6, 6, 2], name: "image")
        let copyStem = Conv2D(4, kernelSize: 3, padding: .same, kernelInitializer: .glorotUniform(seed: 11), name: "stem")(copyImage)
        let copyNormalized = Activation(.relu)(BatchNormalization(name: "norm")(copyStem))
        let copyResidual = Add()([copyStem, Conv2D(4, kernelSize: 1, useBias: false, kernelInitializer: .glorotUniform(seed: 12), name: "shortcut")(copyNormalized)])
        let copy = Model(inputs: copyImage, outputs: Dense(3, kernelInitializer: .glorotUniform(seed: 13), name: "head")(Flatten()(MaxPooling2D(2)(copyResidual))),
                         name: "graph")
        try copy.importFromPyTorch(from: withCounter)
        var generator = RandomGenerator(seed: 4)
        let x = Tensor.randomUniform([2, 6, 6, 2], low: -1, high: 1, generator: &generator)
        #expect(copy(x).scalars == model(x).scalars)
    }
}
