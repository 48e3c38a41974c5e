import Foundation
import SynapseCore
import SynapseNN
@testable import SynapseONNX
import SynapseTraining
import Testing

@Suite("ONNX export: refusals and opsets")
struct ONNXRefusalTests {
    typealias Support = ONNXTestSupport

    @Test("a layer with no ONNX form is refused by name, type and reason")
    func samplingRefused() throws {
        let model = Sequential {
            Input(shape: [4])
            Dense(4)
            Sampling(name: "sampler")
        }
        #expect(throws: ONNXError.unsupportedLayer(name: "sampler", type: "Sampling", reason: "it draws random numbers at inference")) {
            try model.onnxModelData()
        }
    }

    @Test("unsupported settings are refused with the setting named")
    func settingsRefused() throws {
        let linearRNN = Sequential {
            Input(shape: [3, 2])
            SimpleRNN(2, activation: .linear, name: "rnn")
        }
        let error = try #require(throws: ONNXError.self) { try linearRNN.onnxModelData() }
        #expect("\(error)".contains("'rnn' (SimpleRNN)"))
        #expect("\(error)".contains("linear"))

        let distributedConv = Sequential {
            Input(shape: [2, 4, 4, 1])
            TimeDistributed(Conv2D(2, kernelSize: 3), name: "frames")
        }
        let conv = try #require(throws: ONNXError.self) { try distributedConv.onnxModelData() }
        #expect("\(conv)".contains("'frames' (TimeDistributed)"))
        #expect("\(conv)".contains("Conv2D"))
    }

    @Test("a mask reversed by goBackwards cannot reach a later recurrent layer")
    func reversedMaskRefused() throws {
        let model = Sequential {
            Input(shape: [5])
            Embedding(inputDim: 10, outputDim: 3, maskZero: true)
            GRU(2, returnSequences: true, goBackwards: true, name: "backwards")
            GRU(2, name: "after")
        }
        let error = try #require(throws: ONNXError.self) { try model.onnxModelData() }
        #expect("\(error)".contains("'after' (GRU)"))
        #expect("\(error)".contains("backwards"))
    }

    @Test("opsets outside 13...21 are refused; the IR version follows the opset")
    func opsets() throws {
        let model = Sequential {
            Input(shape: [2])
            Dense(1)
        }
        for opset in [12, 22, 0] {
            #expect(throws: ONNXError.unsupportedOpset(opset, supported: 13...21)) { try model.onnxModelData(opset: opset) }
        }
        #expect(try Support.exported(model, opset: 13).irVersion == 7)
        #expect(try Support.exported(model, opset: 17).irVersion == 8)
        #expect(try Support.exported(model, opset: 19).irVersion == 9)
        #expect(try Support.exported(model, opset: 21).irVersion == 10)
    }

    @Test("a model without an input shape is refused")
    func notBuilt() throws {
        let model = Sequential([Dense(3)], name: "unbuilt")
        #expect(throws: ONNXError.notBuilt(model: "unbuilt")) { try model.onnxModelData() }
        #expect("\(ONNXError.notBuilt(model: "unbuilt"))".contains("'unbuilt'"))
    }

    @Test("an unwritable path is an I/O error naming the path")
    func unwritablePath() throws {
        let model = Sequential {
            Input(shape: [2])
            Dense(1)
        }
        let url = URL(fileURLWithPath: "/nonexistent-dir-\(UUID().uuidString)/model.onnx")
        let error = try #require(throws: ONNXError.self) { try model.exportONNX(to: url) }
        #expect("\(error)".contains(url.path))
    }
}
